package org.privtune.mechanism;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.privtune.core.InvalidInputException;
import org.privtune.model.TextTokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * What leaves the device beyond the perturbed token rows: the randomness (secret unless a seed is
 * fixed), the special rows and the sentence lengths.
 */
class WireProtectionTest {

    static final int V = 300;
    static final int D = 16;
    static final int B = 6;
    static final int T = 12;

    @Test
    void aSpecWithoutSeedIsSecretAndSaysSo() {
        for (String name : MechanismSpec.NAMES) {
            MechanismSpec s = MechanismSpec.parse(name);
            assertNull(s.seed(), name + ": default spec carries a seed");
            assertFalse(s.fixedSeed());
            assertFalse(s.toString().contains("seed="), name + ": text form names a seed: " + s);
            assertEquals(MechanismSpec.SECURE_LABEL, s.randomnessLabel());
            MechanismSpec fixed = s.withSeed(7);
            assertTrue(fixed.toString().contains("seed=7,"), fixed.toString());
            assertEquals(MechanismSpec.FIXED_SEED_LABEL, fixed.randomnessLabel());
            assertEquals(fixed, MechanismSpec.parse(fixed.toString()), "text form round trip");
            assertEquals(s, MechanismSpec.parse(s.toString()), "text form round trip without seed");
            assertNull(fixed.withSecureRandomness().seed());
        }
    }

    /**
     * The replay a cloud could mount when every run used seed 1: two mechanisms of the same
     * secret spec, or a secret one and one with any seed, share no output row.
     */
    @Test
    void secretRandomnessCannotBeReplayed() {
        ReferenceSpace r = Synthetic.reference(V, D, 1f, 41);
        SpecialTokens tokens = SpecialTokens.only(V, SpecialTokens.BERT_UNCASED_SPECIAL);
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = Synthetic.resources(m, r, 5, tokens);
            Synthetic.Sample x = Synthetic.sample(m, r, B, T, 9, 0.2f, 3);
            long[] idArr = x.idArr();
            NDArray ids = x.ids();
            NDArray mask = x.mask();
            NDArray hidden = x.hidden();
            for (String name : new String[] {"dchi", "sap", "gaussian", "privtune", "privtune+", "privtune-swap"}) {
                MechanismSpec s = MechanismSpec.defaults(name).with("eps", "4", "test").with("n", "2", "test")
                        .with("k", "5", "test"); // n and k only where the mechanism reads them
                try (NoiseMechanism a = Mechanisms.create(s, res, m);
                        NoiseMechanism b = Mechanisms.create(s, res, m);
                        NoiseMechanism replay = Mechanisms.create(s.withSeed(1), res, m)) {
                    float[] oa = a.afterBottom(hidden, a.beforeBottom(ids, mask), mask).toFloatArray();
                    float[] ob = b.afterBottom(hidden, b.beforeBottom(ids, mask), mask).toFloatArray();
                    float[] or = replay.afterBottom(hidden, replay.beforeBottom(ids, mask), mask).toFloatArray();
                    long[] m1 = mask.toLongArray();
                    for (int i = 0; i < idArr.length; i++) {
                        if (m1[i] == 0 || tokens.isSpecial((int) idArr[i])) {
                            continue;
                        }
                        float[] ra = Arrays.copyOfRange(oa, i * D, i * D + D);
                        assertFalse(Arrays.equals(ra, Arrays.copyOfRange(ob, i * D, i * D + D)),
                                name + ": two secret runs agree at row " + i);
                        assertFalse(Arrays.equals(ra, Arrays.copyOfRange(or, i * D, i * D + D)),
                                name + ": seed 1 replays row " + i);
                    }
                }
            }
            // text-level: the substitutions and the shuffle of privtune-swap are not replayable either
            MechanismSpec swap = MechanismSpec.parse("privtune-swap:eps=50,n=2,k=5,keep=0.1,shuffle=1");
            int differ = 0;
            try (NoiseMechanism a = Mechanisms.create(swap, res, m);
                    NoiseMechanism replay = Mechanisms.create(swap.withSeed(1), res, m)) {
                for (int call = 0; call < 5; call++) {
                    differ += Arrays.equals(a.beforeBottom(ids, mask).toLongArray(),
                            replay.beforeBottom(ids, mask).toLongArray()) ? 0 : 1;
                }
            }
            assertEquals(5, differ, "privtune-swap: a seed-1 replay reproduced a secret batch");
        }
    }

    /** The secret path draws from the same distribution: ||z|| ~ Gamma(d, 1/eps), uniform direction. */
    @Test
    void secretDchiNoiseHasTheDchiDistribution() {
        int rows = 4000;
        int d = 32;
        float eps = 4f;
        ReferenceSpace r = Synthetic.reference(V, d, 1f, 42);
        SpecialTokens tokens = SpecialTokens.only(V, 0, 101, 102);
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = Synthetic.resources(m, r, 5, tokens);
            try (NoiseMechanism mech = Mechanisms.create(MechanismSpec.parse("dchi:eps=" + eps), res, m)) {
                long[] idArr = new long[rows];
                Arrays.fill(idArr, 17);
                NDArray hidden = m.zeros(new Shape(1, rows, d), DataType.FLOAT32);
                float[] z = mech.afterBottom(hidden, m.create(idArr, new Shape(1, rows)),
                        m.ones(new Shape(1, rows), DataType.INT64)).toFloatArray();
                double sum = 0;
                double sumSq = 0;
                double[] meanDir = new double[d];
                for (int i = 0; i < rows; i++) {
                    double q = 0;
                    for (int j = 0; j < d; j++) {
                        q += (double) z[i * d + j] * z[i * d + j];
                    }
                    double norm = Math.sqrt(q);
                    sum += norm;
                    sumSq += norm * norm;
                    for (int j = 0; j < d; j++) {
                        meanDir[j] += z[i * d + j] / norm / rows;
                    }
                }
                double mean = sum / rows;
                double var = sumSq / rows - mean * mean;
                // Gamma(d, 1/eps): mean d/eps = 8, variance d/eps^2 = 2; sd of the sample mean 0.022
                assertEquals(d / eps, mean, 0.1, "mean radius");
                assertEquals(d / (eps * eps), var, 0.3, "radius variance");
                for (int j = 0; j < d; j++) {
                    // each coordinate of a uniform unit vector: mean 0, sd 1/sqrt(d) / sqrt(rows) = 0.0028
                    assertEquals(0, meanDir[j], 0.015, "direction coordinate " + j);
                }
            }
        }
    }

    /**
     * Secret normals are drawn one batch ahead: after the first batch, requests of the same or a
     * smaller size are served from the prepared array, and the values used are fresh each time
     * with the right moments (a smaller batch takes a prefix of a larger prepared one).
     */
    @Test
    void secretNormalsDrawnAheadAreFreshAndStandard() throws Exception {
        int d = 384;
        try (NDManager m = Synthetic.manager()) {
            Draws draws = Draws.of(MechanismSpec.parse("dchi"));
            try (draws) {
                int[] rows = {2048, 2048, 1500, 2048, 700};
                float[] previous = null;
                for (int r : rows) {
                    float[] v = draws.normal(m, new Shape(r, d), 0L).toFloatArray();
                    assertEquals(r * d, v.length);
                    double sum = 0;
                    double sq = 0;
                    for (float x : v) {
                        sum += x;
                        sq += (double) x * x;
                    }
                    double mean = sum / v.length;
                    // sd of the mean 1/sqrt(n) <= 0.002; of the variance sqrt(2/n) <= 0.003
                    assertEquals(0, mean, 0.01, "mean of " + r + " rows");
                    assertEquals(1, sq / v.length - mean * mean, 0.015, "variance of " + r + " rows");
                    if (previous != null) {
                        assertFalse(Arrays.equals(Arrays.copyOf(previous, 1000), Arrays.copyOf(v, 1000)),
                                "two batches share their normals");
                    }
                    previous = v;
                }
                long[] counts = draws.aheadCounts();
                assertEquals(4, counts[0], "requests served from the prepared array");
                assertEquals(1, counts[1], "requests drawn on the calling thread (the first)");
                assertNull(Draws.of(MechanismSpec.parse("dchi:seed=3")).aheadCounts(), "fixed seed: engine draws");
            }
        }
    }

    @Test
    void specialRowsArePublicOrPerturbedUnlessClean() {
        ReferenceSpace r = Synthetic.reference(V, D, 1f, 43);
        SpecialTokens tokens = SpecialTokens.only(V, SpecialTokens.BERT_UNCASED_SPECIAL);
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = Synthetic.resources(m, r, 5, tokens);
            Synthetic.Sample x = Synthetic.sample(m, r, B, T, 11, 0.3f, 5);
            long[] idArr = x.idArr();
            NDArray ids = x.ids();
            NDArray mask = x.mask();
            long[] maskArr = mask.toLongArray();
            NDArray hidden = x.hidden();
            float[] h = hidden.toFloatArray();
            for (String name : new String[] {"dchi", "sap", "gaussian", "privtune", "privtune+", "privtune-swap"}) {
                // n and k only where the mechanism reads them
                String base = MechanismSpec.defaults(name).with("eps", "4", "test").with("n", "2", "test")
                        .with("k", "5", "test").withSeed(3).toString();
                assertEquals(MechanismSpec.SPECIALS_PUBLIC, MechanismSpec.parse(base).specials(), name + ": default");
                float[] pub = run(MechanismSpec.parse(base), res, m, hidden, ids, mask);
                float[] per = run(MechanismSpec.parse(base + ",specials=perturb"), res, m, hidden, ids, mask);
                float[] cln = run(MechanismSpec.parse(base + ",specials=clean"), res, m, hidden, ids, mask);
                for (int i = 0; i < idArr.length; i++) {
                    float[] hi = Arrays.copyOfRange(h, i * D, i * D + D);
                    if (maskArr[i] == 0) {
                        assertArrayEquals(hi, Arrays.copyOfRange(pub, i * D, i * D + D), name + ": padding moved");
                        continue;
                    }
                    if (!tokens.isSpecial((int) idArr[i])) {
                        // ordinary rows: the option changes nothing
                        assertArrayEquals(Arrays.copyOfRange(cln, i * D, i * D + D),
                                Arrays.copyOfRange(pub, i * D, i * D + D), name + ": ordinary row " + i);
                        continue;
                    }
                    assertArrayEquals(hi, Arrays.copyOfRange(cln, i * D, i * D + D), name + ": clean special row");
                    assertArrayEquals(r.row((int) idArr[i]), Arrays.copyOfRange(pub, i * D, i * D + D), 0f,
                            name + ": public special row " + i);
                    float[] pi = Arrays.copyOfRange(per, i * D, i * D + D);
                    double dist = 0;
                    for (int j = 0; j < D; j++) {
                        dist += (pi[j] - hi[j]) * (pi[j] - hi[j]);
                    }
                    // d_chi at eps 4 in 16 dimensions: radius about 4
                    assertTrue(Math.sqrt(dist) > 1, name + ": perturbed special row " + i + " moved only " + Math.sqrt(dist));
                }
            }
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> Mechanisms.validate(MechanismSpec.parse("dchi:specials=hidden")));
            assertTrue(e.getMessage().contains("specials"), e.getMessage());
            assertThrows(InvalidInputException.class, () -> Mechanisms.validate(MechanismSpec.parse("none:specials=public")));
        }
    }

    private static float[] run(MechanismSpec s, MechanismResources res, NDManager m, NDArray hidden, NDArray ids,
            NDArray mask) {
        try (NoiseMechanism mech = Mechanisms.create(s, res, m)) {
            NDArray sentIds = mech.beforeBottom(ids, mask);
            // the test's hidden is for the original ids; text-level changes do not matter here
            return mech.afterBottom(hidden, sentIds, mask).toFloatArray();
        }
    }

    @Test
    void lengthBucketsPadWithTheSentencesOwnTokens() {
        SpecialTokens tokens = SpecialTokens.only(V, SpecialTokens.BERT_UNCASED_SPECIAL);
        long[][] ids = {
            {101, 11, 12, 13, 102, 0, 0, 0, 0, 0},
            {101, 21, 22, 23, 24, 25, 26, 102, 0, 0},
            {101, 31, 32, 33, 34, 35, 36, 37, 38, 102},
            {101, 102, 0, 0, 0, 0, 0, 0, 0, 0}};
        long[][] mask = new long[ids.length][ids[0].length];
        long[][] types = new long[ids.length][ids[0].length];
        for (int i = 0; i < ids.length; i++) {
            for (int j = 0; j < ids[i].length; j++) {
                mask[i][j] = ids[i][j] == 0 ? 0 : 1;
            }
        }
        TextTokenizer.Batch batch = new TextTokenizer.Batch(ids, mask, types, null);
        TextTokenizer.Batch p = LengthBuckets.pad(batch, 4, tokens, new SplittableRandom(3));
        int[] expected = {8, 8, 12, 2};
        assertEquals(12, p.length(), "batch as long as its longest padded sentence");
        for (int i = 0; i < ids.length; i++) {
            int real = 0;
            for (long v : p.mask()[i]) {
                real += (int) v;
            }
            assertEquals(expected[i], real, "sentence " + i + ": masked length");
            assertEquals(101, p.ids()[i][0], "sentence " + i + ": [CLS] first");
            assertEquals(102, p.ids()[i][real - 1], "sentence " + i + ": [SEP] closes the padded span");
            Set<Long> own = new HashSet<>();
            for (long v : ids[i]) {
                own.add(v);
            }
            Set<Long> original = new HashSet<>();
            for (int j = 1; ids[i][j] != 102; j++) {
                original.add(ids[i][j]);
                assertEquals(ids[i][j], p.ids()[i][j], "sentence " + i + ": real token moved at " + j);
            }
            for (int j = 1; j < real - 1; j++) {
                if (i != 3) {
                    assertTrue(original.contains(p.ids()[i][j]), "sentence " + i + ": foreign padding token "
                            + p.ids()[i][j]);
                }
            }
            for (int j = real; j < p.length(); j++) {
                assertEquals(0, p.mask()[i][j]);
                assertEquals(0, p.ids()[i][j]);
            }
        }
        assertEquals(8, LengthBuckets.padded(5, 4));
        assertEquals(8, LengthBuckets.padded(8, 4));
        assertEquals(5, LengthBuckets.padded(5, 0));
        assertEquals(512, LengthBuckets.padded(510, 100), "never past the model's positions");
        assertNotEquals(batch, p);
    }

    /** A mechanism with {@code lengths=B} pads what it sends; the same spec without it does not. */
    @Test
    void mechanismHidesLengthsOnlyWhenAsked() {
        ReferenceSpace r = Synthetic.reference(V, D, 1f, 44);
        SpecialTokens tokens = SpecialTokens.only(V, SpecialTokens.BERT_UNCASED_SPECIAL);
        long[][] ids = {{101, 11, 12, 102, 0}, {101, 21, 102, 0, 0}};
        long[][] mask = {{1, 1, 1, 1, 0}, {1, 1, 1, 0, 0}};
        TextTokenizer.Batch batch = new TextTokenizer.Batch(ids, mask, new long[2][5], null);
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = Synthetic.resources(m, r, 5, tokens);
            try (NoiseMechanism plain = Mechanisms.create(MechanismSpec.parse("dchi:eps=4"), res, m);
                    NoiseMechanism hiding = Mechanisms.create(MechanismSpec.parse("dchi:eps=4,lengths=8"), res, m)) {
                assertTrue(plain.hideLengths(batch) == batch, "no padding unless asked");
                TextTokenizer.Batch p = hiding.hideLengths(batch);
                assertEquals(8, p.length());
                for (long[] row : p.mask()) {
                    assertEquals(8, Arrays.stream(row).sum(), "every sentence in the same bucket");
                }
            }
        }
    }
}
