package org.privtune.attack;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * What crossed the wire for a set of sentences, kept on the Java heap so that it can be cached
 * (e.g. a sample for the Noise Tuner view) and attacked several times: per batch the perturbed
 * representations [B, T, d] and attention mask [B, T], plus what only the evaluator knows, the
 * true token ids [B, T] (for scoring) and which positions are scored (mask 1 and not a special
 * token). Sentences are grouped in batches of similar length, in the order they were given.
 */
public final class ObservedRepresentations {

    /** One batch; arrays are row-major. {@code ids} are the true ids before any text-level change. */
    public record Batch(int sentences, int length, int dim, float[] representations, long[] mask, long[] ids,
            boolean[] scored) {

        public int positions() {
            return sentences * length;
        }

        public NDArray representations(NDManager m) {
            return m.create(representations, new Shape(sentences, length, dim));
        }

        public NDArray mask(NDManager m) {
            return m.create(mask, new Shape(sentences, length));
        }

        public NDArray ids(NDManager m) {
            return m.create(ids, new Shape(sentences, length));
        }

        /** Number of scored positions. */
        public int scoredCount() {
            int n = 0;
            for (boolean s : scored) {
                n += s ? 1 : 0;
            }
            return n;
        }

        /** Flat indices (into B * T) of the scored positions. */
        public long[] scoredIndices() {
            long[] out = new long[scoredCount()];
            int j = 0;
            for (int i = 0; i < scored.length; i++) {
                if (scored[i]) {
                    out[j++] = i;
                }
            }
            return out;
        }

        /** The scored rows [n, d] of this batch. */
        public NDArray scoredRows(NDManager m) {
            long[] idx = scoredIndices();
            float[] out = new float[idx.length * dim];
            for (int r = 0; r < idx.length; r++) {
                System.arraycopy(representations, (int) idx[r] * dim, out, r * dim, dim);
            }
            return m.create(out, new Shape(idx.length, dim));
        }

        /** True ids of the scored positions. */
        public long[] scoredIds() {
            long[] idx = scoredIndices();
            long[] out = new long[idx.length];
            for (int r = 0; r < idx.length; r++) {
                out[r] = ids[(int) idx[r]];
            }
            return out;
        }

        /** Sentences [from, to) of this batch (same padded length). */
        public Batch slice(int from, int to) {
            int n = to - from;
            int p0 = from * length;
            int p1 = to * length;
            return new Batch(n, length, dim, java.util.Arrays.copyOfRange(representations, p0 * dim, p1 * dim),
                    java.util.Arrays.copyOfRange(mask, p0, p1), java.util.Arrays.copyOfRange(ids, p0, p1),
                    java.util.Arrays.copyOfRange(scored, p0, p1));
        }

        /** Mean of the representations over the positions with mask 1, one row per sentence. */
        public float[][] meanPooled() {
            float[][] out = new float[sentences][dim];
            for (int s = 0; s < sentences; s++) {
                int count = 0;
                for (int t = 0; t < length; t++) {
                    int p = s * length + t;
                    if (mask[p] != 0) {
                        count++;
                        for (int k = 0; k < dim; k++) {
                            out[s][k] += representations[p * dim + k];
                        }
                    }
                }
                for (int k = 0; k < dim; k++) {
                    out[s][k] /= Math.max(1, count);
                }
            }
            return out;
        }
    }

    private final List<Batch> batches;
    private final int dim;

    public ObservedRepresentations(List<Batch> batches) {
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("no batches");
        }
        this.batches = List.copyOf(batches);
        this.dim = batches.get(0).dim();
    }

    /** Copies one batch out of the engine; {@code scored} is mask != 0 and not special. */
    public static Batch batch(NDArray representations, NDArray mask, NDArray trueIds, boolean[] specialFlags) {
        Shape s = representations.getShape();
        int b = (int) s.get(0);
        int t = (int) s.get(1);
        int d = (int) s.get(2);
        long[] m = mask.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
        long[] ids = trueIds.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
        boolean[] scored = new boolean[b * t];
        for (int i = 0; i < scored.length; i++) {
            scored[i] = m[i] != 0 && !(ids[i] >= 0 && ids[i] < specialFlags.length && specialFlags[(int) ids[i]]);
        }
        return new Batch(b, t, d, representations.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray(),
                m, ids, scored);
    }

    public List<Batch> batches() {
        return batches;
    }

    public int dim() {
        return dim;
    }

    public int sentences() {
        return batches.stream().mapToInt(Batch::sentences).sum();
    }

    public int scoredCount() {
        return batches.stream().mapToInt(Batch::scoredCount).sum();
    }

    /** True ids of all scored positions, batch by batch. */
    public long[] scoredIds() {
        List<long[]> parts = new ArrayList<>();
        int n = 0;
        for (Batch b : batches) {
            long[] p = b.scoredIds();
            parts.add(p);
            n += p.length;
        }
        long[] out = new long[n];
        int o = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    /** Mean-pooled representation of every sentence, in order. */
    public float[][] meanPooled() {
        List<float[]> rows = new ArrayList<>();
        for (Batch b : batches) {
            Collections.addAll(rows, b.meanPooled());
        }
        return rows.toArray(new float[0][]);
    }

    /** The first {@code count} sentences (the last batch cut; at least one sentence). */
    public ObservedRepresentations firstSentences(int count) {
        List<Batch> out = new ArrayList<>();
        int n = 0;
        for (Batch b : batches) {
            int want = Math.max(1, count) - n;
            if (want <= 0) {
                break;
            }
            out.add(want >= b.sentences() ? b : b.slice(0, want));
            n += Math.min(want, b.sentences());
        }
        return new ObservedRepresentations(out);
    }
}
