package org.privtune.mechanism;

import java.util.Random;

import org.privtune.core.Progress;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Synthetic vocabularies and batches for the tests. */
final class Synthetic {

    private Synthetic() {
    }

    static NDManager manager() {
        return Engine.getEngine("PyTorch").newBaseManager();
    }

    /** Row-major [v, d] with i.i.d. N(0, scale^2) entries. */
    static float[] gaussianMatrix(int v, int d, float scale, long seed) {
        Random r = new Random(seed);
        float[] a = new float[v * d];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }

    /** A vocabulary of v random tokens in d dimensions (norm about scale * sqrt(d)). */
    static ReferenceSpace reference(int v, int d, float scale, long seed) {
        return ReferenceSpace.of(gaussianMatrix(v, d, scale, seed), v, d);
    }

    /** Resources over a random vocabulary with the given specials, uniform importance 0. */
    static MechanismResources resources(NDManager m, ReferenceSpace r, int k, SpecialTokens tokens) {
        NeighbourGraph g = NeighbourGraph.build(r, k, tokens, m, 128, Progress.NONE);
        return new MechanismResources(r, g, tokens, TokenImportance.uniform(r.vocabSize(), 0f));
    }

    /** A [b, t] id batch of random non-special tokens below v, with specials at the ends and padding. */
    static long[] ids(int b, int t, int v, int cls, int sep, int pad, long seed) {
        Random r = new Random(seed);
        long[] ids = new long[b * t];
        for (int i = 0; i < b; i++) {
            int len = 3 + r.nextInt(t - 2);
            for (int j = 0; j < t; j++) {
                long id;
                if (j == 0) {
                    id = cls;
                } else if (j == len - 1) {
                    id = sep;
                } else if (j >= len) {
                    id = pad;
                } else {
                    id = 10 + r.nextInt(v - 10);
                }
                ids[i * t + j] = id;
            }
        }
        return ids;
    }

    static NDArray mask(NDManager m, long[] ids, int b, int t, int pad) {
        long[] mask = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            mask[i] = ids[i] == pad ? 0 : 1;
        }
        return m.create(mask, new Shape(b, t));
    }

    /** A random batch ({@link #ids}, {@link #mask}, {@link #hidden}) on the engine. */
    record Sample(long[] idArr, NDArray ids, NDArray mask, NDArray hidden) {
    }

    static Sample sample(NDManager m, ReferenceSpace r, int b, int t, long idSeed, float context, long hiddenSeed) {
        long[] idArr = ids(b, t, r.vocabSize(), 101, 102, 0, idSeed);
        return new Sample(idArr, m.create(idArr, new Shape(b, t)), mask(m, idArr, b, t, 0),
                hidden(m, r, idArr, b, t, context, hiddenSeed));
    }

    /** Hidden states: the reference row of each token plus context noise of the given scale. */
    static NDArray hidden(NDManager m, ReferenceSpace r, long[] ids, int b, int t, float context, long seed) {
        int d = r.dim();
        Random rnd = new Random(seed);
        float[] h = new float[ids.length * d];
        for (int i = 0; i < ids.length; i++) {
            float[] row = r.row((int) ids[i]);
            for (int j = 0; j < d; j++) {
                h[i * d + j] = row[j] + (float) (rnd.nextGaussian() * context);
            }
        }
        return m.create(h, new Shape(b, t, d)).toType(DataType.FLOAT32, false);
    }
}
