package org.privtune.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.privtune.core.Progress;

import ai.djl.ndarray.NDManager;

class AttributeInferenceTest {

    /** Three classes whose means differ along a few of 32 dimensions, unbalanced 50/30/20. */
    static void sample(int n, long seed, List<float[]> x, List<String> y, boolean informative) {
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            int c = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
            float[] f = new float[32];
            for (int k = 0; k < 32; k++) {
                f[k] = (float) (r.nextGaussian() * 3 + 5);
            }
            if (informative) {
                f[c] += 7;
                f[c + 3] -= 7;
            }
            x.add(f);
            y.add("c" + c);
        }
    }

    @Test
    void beatsTheMajorityBaselineOnSeparableData() {
        List<float[]> xtr = new ArrayList<>();
        List<String> ytr = new ArrayList<>();
        List<float[]> xte = new ArrayList<>();
        List<String> yte = new ArrayList<>();
        sample(600, 1, xtr, ytr, true);
        sample(300, 2, xte, yte, true);
        try (NDManager m = Toy.manager()) {
            AttributeInference.Result r = AttributeInference.run("toy", xtr.toArray(new float[0][]), ytr,
                    xte.toArray(new float[0][]), yte, new AttributeInference.Config(64, 25, 100, 3e-3f, 1L), m, Progress.NONE);
            long majority = yte.stream().filter("c0"::equals).count();
            assertEquals(majority / 300.0, r.majorityBaseline(), 1e-9);
            assertTrue(r.accuracy() > 0.85, "accuracy " + r.accuracy());
            assertTrue(r.advantage() > 0.3);
        }
    }

    @Test
    void staysNearTheBaselineWhenFeaturesCarryNothing() {
        List<float[]> xtr = new ArrayList<>();
        List<String> ytr = new ArrayList<>();
        List<float[]> xte = new ArrayList<>();
        List<String> yte = new ArrayList<>();
        sample(600, 3, xtr, ytr, false);
        sample(300, 4, xte, yte, false);
        try (NDManager m = Toy.manager()) {
            AttributeInference.Result r = AttributeInference.run("toy", xtr.toArray(new float[0][]), ytr,
                    xte.toArray(new float[0][]), yte, new AttributeInference.Config(0, 25, 100, 3e-3f, 1L), m,
                    Progress.NONE);
            assertTrue(r.accuracy() < r.majorityBaseline() + 0.08, r.toString());
        }
    }
}
