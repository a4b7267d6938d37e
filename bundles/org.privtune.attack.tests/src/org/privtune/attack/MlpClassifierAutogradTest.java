package org.privtune.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The attacker's MLP must learn the same whether or not the garbage collector runs between its
 * forward and backward passes: its GELU multiplies by constants that autograd keeps for the backward
 * pass, which DJL's {@code mul(Number)} would put in Java memory the collector can free (the test
 * JVMs run with glibc's MALLOC_PERTURB_, so freed memory reads as garbage at once; see
 * org.privtune.model.EngineScalars).
 */
class MlpClassifierAutogradTest {

    @Test
    void geluGradientIsTheSameWhenTheCollectorRunsBeforeBackward() {
        try (NDManager m = Toy.manager()) {
            float[] quiet = geluInputGradient(m, false);
            float[] collected = geluInputGradient(m, true);
            for (float g : quiet) {
                assertTrue(Float.isFinite(g), "GELU gradient not finite without a collection");
            }
            assertArrayEquals(quiet, collected, "a garbage collection between forward and backward changed the gradient");
        }
    }

    private static float[] geluInputGradient(NDManager manager, boolean collectBeforeBackward) {
        Random r = new Random(17);
        float[] v = new float[64 * 24];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * 2);
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(v, new Shape(64, 24));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = MlpClassifier.gelu(x).square().sum();
                if (collectBeforeBackward) {
                    for (int i = 0; i < 3; i++) {
                        System.gc();
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
                gc.backward(loss);
            }
            return x.getGradient().toFloatArray();
        }
    }
}
