package org.privtune.model.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.privtune.model.BertEncoder;
import org.privtune.model.EngineArrays;
import org.privtune.model.EngineScalars;

/**
 * A garbage collection between a forward and its backward pass must not change a gradient.
 *
 * <p>DJL's {@code div(Number)} and {@code mul(Number)} run on a scalar tensor over a Java direct
 * buffer and close it at once, while autograd keeps that tensor for the backward pass; a collection
 * in between frees its memory (the test JVMs run with glibc's MALLOC_PERTURB_, see the parent pom.xml,
 * so freed memory reads as garbage at once instead of when it happens to be reused). Before
 * {@link EngineScalars}, the attention's 1/sqrt(d) was such a scalar, and training under a small
 * young generation diverged within 20 steps ("loss NaN on finite representations"); at normal heap
 * sizes it showed as rare run-to-run differences.
 */
class AutogradLifetimeTest {

    static final NDManager manager = MiniLmFixture.manager();

    @Test
    void attentionGradientIsTheSameWhenTheCollectorRunsBeforeBackward() {
        BertEncoder enc = new BertEncoder(manager, SplitGradientTest.TINY);
        float[] quiet = inputGradient(enc, false);
        float[] collected = inputGradient(enc, true);
        for (float g : quiet) {
            assertTrue(Float.isFinite(g), "gradient not finite without a collection");
        }
        assertArrayEquals(quiet, collected, "a garbage collection between forward and backward changed the gradient");
    }

    /**
     * The engine-made scalar is what the fix relies on: same value and type as DJL's wrapped number,
     * so the arithmetic (and every published figure) is unchanged.
     */
    @Test
    void engineScalarDividesExactlyAsTheNumberDoes() {
        try (NDManager m = manager.newSubManager()) {
            float[] data = new float[257];
            Random r = new Random(5);
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) (r.nextGaussian() * 37);
            }
            NDArray x = m.create(data);
            float s = (float) Math.sqrt(32);
            NDArray c = EngineScalars.constant(m, s);
            assertEquals(DataType.FLOAT32, c.getDataType());
            assertEquals(new Shape(), c.getShape());
            assertArrayEquals(x.div(s).toFloatArray(), x.div(c).toFloatArray());
            assertArrayEquals(x.mul(0.5f).toFloatArray(), x.mul(EngineScalars.constant(m, 0.5f)).toFloatArray());
        }
    }

    private static float[] inputGradient(BertEncoder enc, boolean collectBeforeBackward) {
        Random r = new Random(11);
        float[] h = new float[2 * 8 * 32];
        for (int i = 0; i < h.length; i++) {
            h[i] = (float) r.nextGaussian();
        }
        long[][] mask = new long[2][8];
        for (long[] row : mask) {
            java.util.Arrays.fill(row, 1L);
        }
        mask[1][6] = 0;
        mask[1][7] = 0;
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(h, new Shape(2, 8, 32));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray out = enc.runLayers(x, m.create(mask), 0, 2, true);
                NDArray loss = out.square().sum();
                if (collectBeforeBackward) {
                    collectGarbage();
                }
                gc.backward(loss);
            }
            return x.getGradient().toFloatArray();
        }
    }

    /** Full collections, then time for the reference handler to free unreachable direct buffers. */
    private static void collectGarbage() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Weights written into a parameter (loading, restoring the best epoch) stay as written after the
     * Java array and buffer they came from are collected, and the parameter still takes gradients.
     */
    @Test
    void overwrittenValuesOutliveTheirJavaArrayAndKeepTheGradient() {
        try (NDManager m = manager.newSubManager()) {
            NDArray w = m.zeros(new Shape(300, 100));
            w.setRequiresGradient(true);
            float[] values = new float[30_000];
            for (int i = 0; i < values.length; i++) {
                values[i] = (i % 97) - 48.5f;
            }
            EngineArrays.overwrite(w, values.clone());
            for (int i = 0; i < 20; i++) {
                System.gc();
                java.nio.ByteBuffer.allocateDirect(1 << 20).put(0, (byte) 7);
            }
            assertArrayEquals(values, w.toFloatArray(), "values as written after collections");
            assertTrue(w.hasGradient(), "still a trainable parameter");
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                gc.backward(w.mul(w).sum());
            }
            assertEquals(2 * values[5], w.getGradient().toFloatArray()[5], 1e-6f);
        }
    }
}
