package org.privtune.mechanism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.privtune.core.InvalidInputException;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

class ImportanceAndBaselinesTest {

    @Test
    void tfIdfImportanceRanksRareTopicalTokensAboveStopWords() {
        int v = 50;
        SpecialTokens tokens = SpecialTokens.only(v, 0, 1, 2);
        List<int[]> docs = new ArrayList<>();
        Random r = new Random(1);
        for (int i = 0; i < 200; i++) {
            // Token 10 ("the") in every sentence; 11 in every fifth; 12 in two sentences, twice each.
            List<Integer> s = new ArrayList<>(List.of(1, 10, 20 + r.nextInt(20), 10));
            if (i % 5 == 0) {
                s.add(11);
            }
            if (i == 3 || i == 7) {
                s.add(12);
                s.add(12);
            }
            s.add(2);
            docs.add(s.stream().mapToInt(Integer::intValue).toArray());
        }
        TokenImportance imp = TokenImportance.fromTrainingIds(v, docs, tokens);
        assertTrue(imp.weight(12) > imp.weight(11), "rare token above mid-frequency token");
        assertTrue(imp.weight(11) > imp.weight(10), "mid-frequency token above the stop word");
        assertEquals(0f, imp.weight(45), "unseen token");
        assertEquals(0f, imp.weight(1), "special token");
        assertEquals(1f, imp.weight(12), 1e-6f, "the top token has weight 1");
    }

    @Test
    void importanceScalingIsMonotoneAndSapNoiseFollowsIt() {
        Random r = new Random(4);
        for (int i = 0; i < 1000; i++) {
            float a = r.nextFloat() * 0.99f;
            float w1 = r.nextFloat();
            float w2 = r.nextFloat();
            if (w1 <= w2) {
                assertTrue(TokenImportance.scale(w1, a) >= TokenImportance.scale(w2, a));
            }
        }
        int v = 64;
        int d = 24;
        ReferenceSpace ref = Synthetic.reference(v, d, 1f, 7);
        SpecialTokens tokens = SpecialTokens.only(v, 0);
        float[] w = new float[v];
        w[5] = 1f; // most important
        w[6] = 0.5f;
        w[7] = 0f; // least
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res0 = Synthetic.resources(m, ref, 4, tokens);
            MechanismResources res = new MechanismResources(ref, res0.graph(), tokens, TokenImportance.of(w));
            try (NoiseMechanism sap = Mechanisms.create(MechanismSpec.parse("sap:eps=6,alpha=0.8"), res, m)) {
                int copies = 3000;
                long[] ids = new long[copies * 3];
                for (int c = 0; c < copies; c++) {
                    ids[3 * c] = 5;
                    ids[3 * c + 1] = 6;
                    ids[3 * c + 2] = 7;
                }
                NDArray hidden = m.zeros(new Shape(copies, 3, d));
                sap.perturb(hidden, m.create(ids, new Shape(copies, 3)), m.ones(new Shape(copies, 3), DataType.INT64));
                float[] norms = sap.lastReport().noiseNorms();
                double[] mean = new double[3];
                for (int i = 0; i < norms.length; i++) {
                    mean[i % 3] += norms[i] / copies;
                }
                // E||z|| = d / eps = 4; scaled by s = 1 - 0.8 w.
                assertEquals(4 * 0.2, mean[0], 0.05);
                assertEquals(4 * 0.6, mean[1], 0.1);
                assertEquals(4 * 1.0, mean[2], 0.15);
            }
        }
    }

    @Test
    void gaussianCalibration() {
        // Analytic calibration meets delta exactly and beats the classical bound where that is valid.
        for (double eps : new double[] {0.1, 0.5, 0.9}) {
            double a = GaussianCalibration.analyticSigma(eps, 1e-5, 1);
            double c = GaussianCalibration.classicalSigma(eps, 1e-5, 1);
            assertEquals(1e-5, GaussianCalibration.privacyLoss(a, eps, 1), 1e-8);
            assertTrue(a < c, "analytic " + a + " >= classical " + c);
        }
        // Balle and Wang (2018), Fig. 2 region: eps=1, delta=1e-5, sensitivity 1 gives sigma about 3.73.
        assertEquals(3.73, GaussianCalibration.analyticSigma(1, 1e-5, 1), 0.05);
        // Large eps works (the classical formula does not apply there).
        double s10 = GaussianCalibration.analyticSigma(10, 1e-5, 1);
        assertEquals(1e-5, GaussianCalibration.privacyLoss(s10, 10, 1), 1e-8);
        assertTrue(s10 < GaussianCalibration.analyticSigma(1, 1e-5, 1));
    }

    @Test
    void gaussianClipsToC() {
        ReferenceSpace ref = Synthetic.reference(40, 8, 3f, 8);
        SpecialTokens tokens = SpecialTokens.only(40, 0);
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = Synthetic.resources(m, ref, 3, tokens);
            try (NoiseMechanism g = Mechanisms.create(MechanismSpec.parse("gaussian:eps=1,clip=2"), res, m)) {
                NDArray rows = ref.toNDArray(m);
                float[] norms = g.deterministicPart(rows, m.arange(0, 40, 1, DataType.INT64)).norm(new int[] {1})
                        .toFloatArray();
                for (int i = 1; i < 40; i++) {
                    assertEquals(2f, norms[i], 1e-4f, "row " + i + " not clipped to C");
                }
            }
        }
    }

    @Test
    void sanTextReplacementFollowsTheExponentialMechanism() {
        int v = 120;
        ReferenceSpace ref = Synthetic.reference(v, 12, 1f, 9);
        SpecialTokens tokens = SpecialTokens.only(v, 0);
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = Synthetic.resources(m, ref, 6, tokens);
            int n = 20000;
            long[] ids = new long[n];
            java.util.Arrays.fill(ids, 42);
            NDArray idArr = m.create(ids, new Shape(1, n));
            NDArray mask = m.ones(new Shape(1, n), DataType.INT64);
            int[] cand = res.graph().neighboursOf(42);
            try (NoiseMechanism lo = Mechanisms.create(MechanismSpec.parse("santext:eps=0.0001,k=6"), res, m);
                    NoiseMechanism hi = Mechanisms.create(MechanismSpec.parse("santext:eps=200,k=6"), res, m)) {
                long[] outLo = lo.beforeBottom(idArr, mask).toLongArray();
                int self = 0;
                for (long o : outLo) {
                    self += o == 42 ? 1 : 0;
                    assertTrue(o == 42 || java.util.Arrays.stream(cand).anyMatch(c -> c == o), "outside S(v): " + o);
                }
                // Near-zero eps: uniform over the 7 candidates.
                assertEquals(1.0 / 7, self / (double) n, 0.015);
                long[] outHi = hi.beforeBottom(idArr, mask).toLongArray();
                assertTrue(java.util.Arrays.stream(outHi).allMatch(o -> o == 42), "large eps must keep the token");
            }
        }
    }

    @Test
    void specParsesRoundTripsAndNamesBadFields() {
        MechanismSpec s = MechanismSpec.parse("privtune+:eps=3.5,n=3,k=8,rho=7,seed=99,mix=0.25");
        assertEquals("privtune+", s.name());
        assertEquals(3.5, s.eps());
        assertEquals(3, s.n());
        assertEquals(0.25, s.mix());
        assertEquals(s, MechanismSpec.parse(s.toString()));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> MechanismSpec.parse("dchi:epz=3"));
        assertEquals("epz", e.field());
        e = assertThrows(InvalidInputException.class, () -> MechanismSpec.parse("dchi:eps=abc"));
        assertEquals("eps", e.field());
        ReferenceSpace ref = Synthetic.reference(30, 4, 1f, 1);
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = Synthetic.resources(m, ref, 3, SpecialTokens.only(30, 0));
            e = assertThrows(InvalidInputException.class, () -> Mechanisms.create(MechanismSpec.parse("laplace"), res, m));
            assertEquals("name", e.field());
            e = assertThrows(InvalidInputException.class,
                    () -> Mechanisms.create(MechanismSpec.parse("privtune:k=9"), res, m));
            assertEquals("k", e.field());
        }
    }
}
