package org.privtune.attack;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.privtune.model.TextTokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Synthetic vocabularies, sentences and a linear "bottom model" with known answers. */
final class Toy {

    static final int CLS = 1;
    static final int SEP = 2;
    static final int PAD = 0;

    private Toy() {
    }

    /** Random [v, d] rows from a normal distribution. */
    static float[] randomRows(int v, int d, long seed) {
        Random r = new Random(seed);
        float[] a = new float[v * d];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** Sentences of random non-special ids (>= 3) with [CLS] ... [SEP] and padding, batches of {@code size}. */
    static List<TextTokenizer.Batch> sentences(int count, int size, int vocab, long seed) {
        Random r = new Random(seed);
        List<TextTokenizer.Batch> out = new ArrayList<>();
        for (int s = 0; s < count; s += size) {
            int b = Math.min(size, count - s);
            int t = 10;
            long[][] ids = new long[b][t];
            long[][] mask = new long[b][t];
            for (int i = 0; i < b; i++) {
                int len = 4 + r.nextInt(t - 3);
                ids[i][0] = CLS;
                mask[i][0] = 1;
                for (int j = 1; j < len - 1; j++) {
                    ids[i][j] = 3 + r.nextInt(vocab - 3);
                    mask[i][j] = 1;
                }
                ids[i][len - 1] = SEP;
                mask[i][len - 1] = 1;
            }
            out.add(new TextTokenizer.Batch(ids, mask, new long[b][t], new String[b][t]));
        }
        return out;
    }

    static boolean[] specials(int vocab) {
        boolean[] s = new boolean[vocab];
        s[PAD] = true;
        s[CLS] = true;
        s[SEP] = true;
        return s;
    }

    /** Rows of {@code table} [V, d] gathered at ids [B, T]: a bottom model that is a lookup. */
    static NDArray lookup(NDArray table, NDArray ids) {
        Shape s = ids.getShape();
        NDArray out = table.get(ids.reshape(-1)).reshape(s.get(0), s.get(1), table.getShape().get(1));
        out.attach(ids.getManager());
        return out;
    }

    static NDManager manager() {
        return ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager();
    }
}
