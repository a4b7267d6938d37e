package org.privtune.model.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.privtune.model.BertConfig;
import org.privtune.model.BertEncoder;
import org.privtune.model.DeviceTransform;
import org.privtune.model.InProcessTopModel;
import org.privtune.model.LabelledText;
import org.privtune.model.LinearWarmupDecay;
import org.privtune.model.ParameterUpdater;
import org.privtune.model.Pooling;
import org.privtune.model.SplitModel;
import org.privtune.model.SplitTrainer;
import org.privtune.model.TextTokenizer;

/**
 * Plain split learning must compute the same gradients as one joint forward/backward: the bottom
 * receives d(loss)/d(sent) and back-propagates it. A small random BERT with MiniLM's vocabulary keeps
 * this fast.
 */
class SplitGradientTest {

    static final BertConfig TINY = new BertConfig(30522, 32, 4, 4, 64, 64, 2, 1e-12f);
    static final NDManager manager = MiniLmFixture.manager();
    static final TextTokenizer tokenizer = MiniLmFixture.tokenizer();


    static List<LabelledText> batch() {
        return List.of(new LabelledText("a short one", 0), new LabelledText("this sentence is quite a bit longer", 1),
                new LabelledText("great", 2), new LabelledText("the food was cold and the service slow", 1));
    }

    @Test
    void splitGradientsEqualJointGradients() {
        assertSplitGradientsEqualJoint(new BertEncoder(manager, TINY), tokenizer, 2);
    }

    /**
     * Split learning at {@code split} (bottom trained through the returned gradient) against one
     * joint forward/backward: every tensor's gradient within relative error 1e-5.
     */
    static void assertSplitGradientsEqualJoint(BertEncoder enc, TextTokenizer tokenizer, int splitLayer) {
        SplitModel model = new SplitModel(manager, enc, splitLayer, Pooling.MEAN, List.of("a", "b", "c"), 0f, 7);
        model.setBottomTrainable(true);
        Map<String, float[]> joint = new HashMap<>();
        TextTokenizer.Batch tb = tokenizer.encode(batch().stream().map(LabelledText::text).toList());
        int[] labels = batch().stream().mapToInt(LabelledText::label).toArray();
        try (NDManager m = manager.newSubManager();
                GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray mask = m.create(tb.mask());
            NDArray h = model.bottomForward(m.create(tb.ids()), mask, m.create(tb.typeIds()), true);
            NDArray loss = SplitModel.crossEntropy(model.topForward(h, mask, true), labels);
            gc.backward(loss);
        }
        joint.putAll(ParameterUpdater.gradients(model.bottomParameters()));
        joint.putAll(ParameterUpdater.gradients(model.topParameters()));
        ParameterUpdater.zeroGradients(model.bottomParameters());
        ParameterUpdater.zeroGradients(model.topParameters());

        Map<String, float[]> split = new HashMap<>();
        LinearWarmupDecay lr = new LinearWarmupDecay(1e-3f, 0, 10);
        InProcessTopModel top = new InProcessTopModel(model, manager, lr, 0.01f, 1.0f);
        top.updater().setGradientObserver(split::putAll);
        ParameterUpdater bottom = new ParameterUpdater(model.bottomParameters(), lr, 0.01f, 1.0f);
        bottom.setGradientObserver(split::putAll);
        new SplitTrainer(model, tokenizer, manager).step(batch(), DeviceTransform.IDENTITY, top, bottom);

        assertEquals(joint.keySet(), split.keySet());
        assertEquals(model.bottomParameters().size() + model.topParameters().size(), joint.size());
        List<String> worst = new ArrayList<>();
        double maxRel = 0;
        for (String name : joint.keySet()) {
            double rel = relativeError(joint.get(name), split.get(name));
            maxRel = Math.max(maxRel, rel);
            if (rel > 1e-5) {
                worst.add(name + " " + rel);
            }
        }
        System.out.printf("split vs joint gradients: %d tensors, max relative error %.3g%n", joint.size(), maxRel);
        assertTrue(worst.isEmpty(), "gradients differ: " + worst);
        assertTrue(norm(joint.get("embeddings.word_embeddings.weight")) > 0, "the gradient reached the embeddings");
    }

    @Test
    void frozenBottomDoesNotChangeAndTopDoes() {
        BertEncoder enc = new BertEncoder(manager, TINY);
        SplitModel model = new SplitModel(manager, enc, 2, Pooling.CLS, List.of("a", "b", "c"), 0.1f, 7);
        float[] bottomBefore = model.bottomParameters().get("encoder.layer.1.output.dense.weight").getArray()
                .toFloatArray();
        float[] topBefore = model.topParameters().get("encoder.layer.3.output.dense.weight").getArray()
                .toFloatArray();
        InProcessTopModel top = new InProcessTopModel(model, manager, new LinearWarmupDecay(1e-3f, 0, 10), 0.01f, 1f);
        var r = new SplitTrainer(model, tokenizer, manager).step(batch(), DeviceTransform.IDENTITY, top, null);
        assertFalse(model.isBottomTrainable());
        assertTrue(Float.isFinite(r.loss()) && r.loss() > 0);
        assertEquals(null, r.representationGradient());
        assertArrayEquals(bottomBefore, model.bottomParameters().get("encoder.layer.1.output.dense.weight").getArray()
                .toFloatArray());
        float[] topAfter = model.topParameters().get("encoder.layer.3.output.dense.weight").getArray().toFloatArray();
        assertNotNull(topAfter);
        assertTrue(relativeError(topBefore, topAfter) > 1e-6, "top weights moved");
        // Gradients accumulate in the PyTorch engine: after an update they must be back to zero.
        for (Map.Entry<String, float[]> g : ParameterUpdater.gradients(model.topParameters()).entrySet()) {
            assertEquals(0.0, norm(g.getValue()), 0.0, g.getKey());
        }
    }

    /**
     * DJL's optimiser detaches its moment arrays from every manager, so closing the weights'
     * manager does not free them: closing the top frees them (a cloud endpoint would otherwise keep
     * twice each session's top in native memory).
     */
    @Test
    @SuppressWarnings("unchecked")
    void closingTheTopFreesTheOptimisersMoments() throws Exception {
        BertEncoder enc = new BertEncoder(manager, TINY);
        SplitModel model = new SplitModel(manager, enc, 2, Pooling.CLS, List.of("a", "b", "c"), 0.1f, 7);
        InProcessTopModel top = new InProcessTopModel(model, manager, new LinearWarmupDecay(1e-3f, 0, 10), 0.01f, 1f);
        new SplitTrainer(model, tokenizer, manager).step(batch(), DeviceTransform.IDENTITY, top, null);
        java.lang.reflect.Field f = ParameterUpdater.class.getDeclaredField("optimizer");
        f.setAccessible(true);
        Object adam = f.get(top.updater());
        List<NDArray> moments = new ArrayList<>();
        for (String name : List.of("means", "variances")) {
            java.lang.reflect.Field mf = adam.getClass().getDeclaredField(name);
            mf.setAccessible(true);
            ((Map<String, Map<ai.djl.Device, NDArray>>) mf.get(adam)).values().forEach(d -> moments.addAll(d.values()));
        }
        assertEquals(2 * model.topParameters().size(), moments.size(), "a mean and a variance per top parameter");
        assertTrue(moments.stream().noneMatch(NDArray::isReleased));
        assertFalse(manager.getManagedArrays().contains(moments.get(0)), "DJL keeps them outside the manager");
        top.close();
        assertTrue(moments.stream().allMatch(NDArray::isReleased), "every moment freed");
        assertTrue(top.updater().state().means().isEmpty());
    }

    static double relativeError(float[] a, float[] b) {
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            diff += d * d;
        }
        return Math.sqrt(diff) / Math.max(norm(a), 1e-30);
    }

    static double norm(float[] a) {
        double s = 0;
        for (float x : a) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}
