package org.privtune.mechanism;

import java.util.Arrays;
import java.util.stream.IntStream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Per-token-type importance w(v) in [0, 1] from TF-IDF over the training split's token ids (the
 * SAP-style "contributing token" score), and the noise scale s = 1 - alpha * w that PrivTune and
 * SAP apply: important tokens get less noise. Our choices: a token's raw score is its mean TF-IDF
 * over the training sentences that contain it (tf = count / sentence length, idf =
 * ln((1 + N) / (1 + df)) + 1); the raw scores of seen tokens are turned into their percentile
 * rank (robust to the heavy tail of idf); special tokens and tokens never seen in training get
 * w = 0 (full noise: a token the task never saw cannot be important to it, and rare unseen
 * tokens such as names are the most identifying).
 */
public final class TokenImportance {

    private final float[] weight;

    private TokenImportance(float[] weight) {
        this.weight = weight;
    }

    /** Every token the same weight (e.g. 0: no importance scaling). */
    public static TokenImportance uniform(int vocabSize, float w) {
        float[] a = new float[vocabSize];
        Arrays.fill(a, w);
        return new TokenImportance(a);
    }

    /** Wraps given weights (each clamped to [0, 1]). */
    public static TokenImportance of(float[] weights) {
        float[] a = new float[weights.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.max(0f, Math.min(1f, weights[i]));
        }
        return new TokenImportance(a);
    }

    /**
     * TF-IDF importance from the training sentences' token ids (special ids ignored).
     *
     * @param sentences one int[] of token ids per training sentence (padding excluded)
     */
    public static TokenImportance fromTrainingIds(int vocabSize, Iterable<int[]> sentences, SpecialTokens tokens) {
        int[] df = new int[vocabSize];
        double[] tfSum = new double[vocabSize];
        int docs = 0;
        int[] count = new int[vocabSize];
        int[] seen = new int[vocabSize];
        Arrays.fill(seen, -1);
        for (int[] s : sentences) {
            int len = 0;
            for (int id : s) {
                if (id >= 0 && id < vocabSize && !tokens.isSpecial(id)) {
                    len++;
                }
            }
            if (len == 0) {
                continue;
            }
            for (int id : s) {
                if (id >= 0 && id < vocabSize && !tokens.isSpecial(id)) {
                    if (seen[id] != docs) {
                        seen[id] = docs;
                        count[id] = 0;
                        df[id]++;
                    }
                    count[id]++;
                }
            }
            for (int id : s) {
                if (id >= 0 && id < vocabSize && !tokens.isSpecial(id) && count[id] > 0) {
                    tfSum[id] += count[id] / (double) len;
                    count[id] = 0; // add each type once per sentence
                }
            }
            docs++;
        }
        final int n = docs;
        double[] raw = new double[vocabSize];
        for (int v = 0; v < vocabSize; v++) {
            if (df[v] > 0) {
                double idf = Math.log((1.0 + n) / (1.0 + df[v])) + 1.0;
                raw[v] = (tfSum[v] / df[v]) * idf;
            }
        }
        Integer[] order = IntStream.range(0, vocabSize).filter(v -> df[v] > 0).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (a, b) -> Double.compare(raw[a], raw[b]));
        float[] w = new float[vocabSize];
        for (int i = 0; i < order.length; i++) {
            // Ties share the rank of their first member so that equal raw scores get equal weights.
            int j = i;
            while (j > 0 && raw[order[j - 1]] == raw[order[i]]) {
                j--;
            }
            w[order[i]] = (j + 1) / (float) order.length;
        }
        return new TokenImportance(w);
    }

    public int vocabSize() {
        return weight.length;
    }

    public float weight(int v) {
        return weight[v];
    }

    /** The weights (copy). */
    public float[] weights() {
        return Arrays.copyOf(weight, weight.length);
    }

    /**
     * The noise scale for importance w: s = 1 - alpha * w, alpha in [0, 1). Non-increasing in w,
     * equal to 1 at w = 0 and to 1 - alpha for the most important token. For d_chi noise this is
     * the same as a per-token budget eps_i = eps / s.
     */
    public static float scale(float w, float alpha) {
        return 1f - alpha * w;
    }

    /** Per-type scales [V] as an array in {@code manager}. */
    public NDArray scales(NDManager manager, float alpha) {
        return manager.create(scaleArray(alpha));
    }

    /** Per-type scales s(v) = 1 - alpha w(v). */
    public float[] scaleArray(float alpha) {
        float[] s = new float[weight.length];
        for (int v = 0; v < s.length; v++) {
            s[v] = scale(weight[v], alpha);
        }
        return s;
    }
}
