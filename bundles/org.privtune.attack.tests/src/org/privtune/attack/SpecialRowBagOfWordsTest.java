package org.privtune.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.privtune.core.CancelledException;
import org.privtune.core.Progress;

import ai.djl.ndarray.NDManager;

class SpecialRowBagOfWordsTest {

    static final int V = 60;
    static final int D = 24;
    static final int T = 12;
    static final boolean[] SPECIAL = Toy.specials(V + 3);

    /** How a sentence's two special rows are made from its bag of words. */
    enum Rows {
        /** tanh of a fixed random projection of the bag, plus noise: the bag can be read back. */
        FROM_BAG,
        /** the same vector for every sentence: nothing to read. */
        CONSTANT
    }

    /**
     * Sentences of 3-9 tokens drawn from a Zipf law over ids 3..V+2 (so that the frequency prior
     * is a real competitor), [CLS] first and [SEP] after the last token, padding with [PAD] and
     * mask 0. Token rows are pure noise; padding rows are large noise, so that reading a padded row
     * as [SEP] would show.
     */
    static ObservedRepresentations observations(int sentences, Rows how, long seed) {
        Random proj = new Random(99);
        float[][] a = new float[D][V];
        float[][] b = new float[D][V];
        for (int i = 0; i < D; i++) {
            for (int v = 0; v < V; v++) {
                a[i][v] = (float) proj.nextGaussian();
                b[i][v] = (float) proj.nextGaussian();
            }
        }
        double[] cdf = new double[V];
        double z = 0;
        for (int r = 0; r < V; r++) {
            z += 1.0 / (r + 1);
            cdf[r] = z;
        }
        Random r = new Random(seed);
        List<ObservedRepresentations.Batch> out = new ArrayList<>();
        for (int s0 = 0; s0 < sentences; s0 += 32) {
            int n = Math.min(32, sentences - s0);
            float[] rep = new float[n * T * D];
            long[] mask = new long[n * T];
            long[] ids = new long[n * T];
            boolean[] scored = new boolean[n * T];
            for (int s = 0; s < n; s++) {
                int len = 3 + r.nextInt(7);
                float[] bag = new float[V];
                for (int t = 0; t < T; t++) {
                    int p = s * T + t;
                    for (int k = 0; k < D; k++) {
                        rep[p * D + k] = (float) (r.nextGaussian() * (t <= len + 1 ? 1 : 10));
                    }
                    if (t == 0) {
                        ids[p] = Toy.CLS;
                    } else if (t <= len) {
                        double u = r.nextDouble() * z;
                        int rank = 0;
                        while (cdf[rank] < u) {
                            rank++;
                        }
                        ids[p] = 3 + rank;
                        bag[rank] = 1;
                        scored[p] = true;
                    } else if (t == len + 1) {
                        ids[p] = Toy.SEP;
                    } else {
                        ids[p] = Toy.PAD;
                    }
                    mask[p] = t <= len + 1 ? 1 : 0;
                }
                int cls = s * T;
                int sep = s * T + len + 1;
                for (int k = 0; k < D; k++) {
                    if (how == Rows.CONSTANT) {
                        rep[cls * D + k] = 0.5f;
                        rep[sep * D + k] = -0.25f;
                    } else {
                        float pa = 0;
                        float pb = 0;
                        for (int v = 0; v < V; v++) {
                            pa += a[k][v] * bag[v];
                            pb += b[k][v] * bag[v];
                        }
                        rep[cls * D + k] = (float) (Math.tanh(pa / 2) + 0.1 * r.nextGaussian());
                        rep[sep * D + k] = (float) (Math.tanh(pb / 2) + 0.1 * r.nextGaussian());
                    }
                }
            }
            out.add(new ObservedRepresentations.Batch(n, T, D, rep, mask, ids, scored));
        }
        return new ObservedRepresentations(out);
    }

    static SpecialRowBagOfWords.Config config(int epochs) {
        // content words: outside the 10 most frequent of the 60 toy types
        return new SpecialRowBagOfWords.Config(2000, 10, 128, epochs, 32, 3e-3f, 5L);
    }

    @Test
    void readsTheBagOfWordsOffSpecialRowsThatEncodeIt() {
        try (NDManager m = Toy.manager()) {
            SpecialRowBagOfWords.Result r = SpecialRowBagOfWords.run(observations(600, Rows.FROM_BAG, 1),
                    observations(400, Rows.FROM_BAG, 2), SPECIAL, config(15), m, Progress.NONE);
            assertEquals(400, r.sentences());
            assertTrue(r.priorAll() > 0.15 && r.priorContent() > 0.02, "the Zipf prior is a real competitor: " + r);
            assertTrue(r.precisionAll() > r.priorAll() + 0.2, r.toString());
            assertTrue(r.precisionContent() > r.priorContent() + 0.2, r.toString());
        }
    }

    @Test
    void sameSeedSameResult() {
        try (NDManager m = Toy.manager()) {
            ObservedRepresentations aux = observations(300, Rows.FROM_BAG, 6);
            ObservedRepresentations victim = observations(100, Rows.FROM_BAG, 7);
            SpecialRowBagOfWords.Result r = SpecialRowBagOfWords.run(aux, victim, SPECIAL, config(3), m, Progress.NONE);
            assertEquals(r, SpecialRowBagOfWords.run(aux, victim, SPECIAL, config(3), m, Progress.NONE));
        }
    }

    @Test
    void constantSpecialRowsGiveNoMoreThanThePrior() {
        try (NDManager m = Toy.manager()) {
            SpecialRowBagOfWords.Result r = SpecialRowBagOfWords.run(observations(600, Rows.CONSTANT, 3),
                    observations(400, Rows.CONSTANT, 4), SPECIAL, config(10), m, Progress.NONE);
            assertEquals(r.priorAll(), r.precisionAll(), 0.03, r.toString());
            assertEquals(r.priorContent(), r.precisionContent(), 0.03, r.toString());
        }
    }

    /**
     * Auxiliary counts 10:5, 11:4, 12:3, 13:2, 14:1, 15:1 (a 10 at a masked position is not
     * counted); 10 and 11 are the function words. Victim sentences {10, 12, 99} (12 twice, 99 never
     * seen by the attacker), {11, 13} and one with no word, which is not scored.
     */
    @Test
    void scoresContentWordsAndThePriorOnAHandMadeExample() {
        long c = Toy.CLS;
        long s = Toy.SEP;
        long p = Toy.PAD;
        ObservedRepresentations aux = new ObservedRepresentations(List.of(batch(
                new long[][] {{c, 10, 10, 10, 11, 11, 12, 13, s}, {c, 10, 10, 11, 11, 12, 12, 13, s},
                        {c, 14, 15, s, 10, p, p, p, p}},
                new int[] {9, 9, 4})));
        SpecialRowBagOfWords.Vocabulary vocab = SpecialRowBagOfWords.Vocabulary.of(aux, Toy.specials(100), 4, 2);
        assertArrayEquals(new long[] {10, 11, 12, 13, 14, 15}, vocab.ranking(), "by sentences holding them (a masked 10 not counted), the tie 14/15 by id");
        assertEquals(4, vocab.classes());
        assertEquals(java.util.Set.of(10L, 11L), vocab.frequent());
        assertArrayEquals(new long[] {10, 11, 12, 13, 14, 15},
                SpecialRowBagOfWords.Vocabulary.of(Map.of(15L, 1, 14L, 1, 13L, 2, 12L, 3, 11L, 4, 10L, 5), 4, 2)
                        .ranking(), "the same from counts given in any order");

        ObservedRepresentations.Batch victim = batch(
                new long[][] {{c, 10, 12, 12, 99, s}, {c, 11, 13, s, p, p}, {c, s, p, p, p, p}}, new int[] {6, 4, 2});
        List<long[]> truth = SpecialRowBagOfWords.types(victim, Toy.specials(100));
        assertArrayEquals(new long[] {10, 12, 99}, truth.get(0));
        assertArrayEquals(new long[] {11, 13}, truth.get(1));
        assertArrayEquals(new long[0], truth.get(2));

        long[][] model = {{11, 12, 14, 10, 13}, {13, 10, 14, 11, 12}, {10, 11, 12, 13, 14}};
        SpecialRowBagOfWords.Result r = SpecialRowBagOfWords.score(model, truth, vocab);
        // all types: model [11, 12, 14] -> 1 hit of 3, [13, 10] -> 1 of 2; prior [10, 11, 12] -> 2, [10, 11] -> 1
        assertEquals(2 / 5.0, r.precisionAll(), 1e-12);
        assertEquals(3 / 5.0, r.priorAll(), 1e-12);
        // content truth {12, 99} and {13}: model [12, 14] -> 1 of 2, [13] -> 1 of 1;
        // prior over content types [12, 13] -> 1, [12] -> 0
        assertEquals(2 / 3.0, r.precisionContent(), 1e-12);
        assertEquals(1 / 3.0, r.priorContent(), 1e-12);
        assertEquals(2, r.sentences());
    }

    /**
     * A soft target on a single class is that class's one-hot label: the soft-target epoch must
     * train exactly as the labelled one (same seed, same shuffle, same logits to the last bit).
     */
    @Test
    void softTargetsOnOneClassTrainAsLabels() {
        Random r = new Random(8);
        int n = 200;
        float[] x = new float[n * 6];
        int[] y = new int[n];
        int[][] sets = new int[n][];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(5);
            sets[i] = new int[] {y[i]};
            for (int k = 0; k < 6; k++) {
                x[i * 6 + k] = (float) (r.nextGaussian() + (k == y[i] ? 4 : 0));
            }
        }
        try (NDManager m = Toy.manager()) {
            ai.djl.ndarray.NDArray xs = m.create(x, new ai.djl.ndarray.types.Shape(n, 6));
            float[] hard;
            float[] soft;
            try (MlpClassifier a = new MlpClassifier(m, 6, 16, 5, 1e-2f, 3L)) {
                Random shuffle = new Random(4);
                for (int e = 0; e < 3; e++) {
                    a.trainEpoch(xs, y, 16, shuffle, Progress.NONE);
                }
                hard = a.logits(xs).toFloatArray();
            }
            try (MlpClassifier b = new MlpClassifier(m, 6, 16, 5, 1e-2f, 3L)) {
                Random shuffle = new Random(4);
                for (int e = 0; e < 3; e++) {
                    b.trainEpochSoft(xs, sets, 16, shuffle, Progress.NONE);
                }
                soft = b.logits(xs).toFloatArray();
                assertArrayEquals(hard, soft);
                // and not because neither moved: the classes sit 4 standard deviations apart
                assertTrue(b.accuracy(xs, y) > 0.9, "it learned: " + b.accuracy(xs, y));
            }
        }
    }

    /** [CLS] and the last unmasked special row, not a masked [PAD]; one special row: zeros after it. */
    @Test
    void featuresAreTheFirstAndLastUnmaskedSpecialRows() {
        long c = Toy.CLS;
        long s = Toy.SEP;
        long p = Toy.PAD;
        ObservedRepresentations.Batch b = batch(new long[][] {{c, 5, s, p}, {c, 5, 6, 7}, {5, 6, 7, 8}},
                new int[] {3, 4, 4});
        float[][] f = SpecialRowBagOfWords.features(b, Toy.specials(10));
        // batch() fills row p (flat position) with the value p + 1 in every coordinate
        assertArrayEquals(new float[] {1, 1, 3, 3}, f[0]);
        assertArrayEquals(new float[] {5, 5, 0, 0}, f[1]);
        assertArrayEquals(new float[] {0, 0, 0, 0}, f[2]);
    }

    @Test
    void stopsWhenCancelled() {
        Progress cancelled = new Progress() {
            @Override
            public void begin(String task, int totalWork) {
            }

            @Override
            public void worked(int units) {
            }

            @Override
            public boolean isCancelled() {
                return true;
            }
        };
        try (NDManager m = Toy.manager()) {
            ObservedRepresentations obs = observations(64, Rows.FROM_BAG, 5);
            assertThrows(CancelledException.class,
                    () -> SpecialRowBagOfWords.run(obs, obs, SPECIAL, config(1), m, cancelled));
        }
    }

    /** One batch of d = 2 where the row at flat position p holds p + 1; {@code lengths} unmasked positions each. */
    private static ObservedRepresentations.Batch batch(long[][] ids, int[] lengths) {
        int n = ids.length;
        int t = ids[0].length;
        float[] rep = new float[n * t * 2];
        long[] flat = new long[n * t];
        long[] mask = new long[n * t];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < t; j++) {
                int q = i * t + j;
                flat[q] = ids[i][j];
                mask[q] = j < lengths[i] ? 1 : 0;
                rep[2 * q] = q + 1;
                rep[2 * q + 1] = q + 1;
            }
        }
        return new ObservedRepresentations.Batch(n, t, 2, rep, mask, flat, new boolean[n * t]);
    }
}
