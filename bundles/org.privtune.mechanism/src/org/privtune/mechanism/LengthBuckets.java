package org.privtune.mechanism;

import java.util.random.RandomGenerator;

import org.privtune.model.TextTokenizer;

/**
 * Length hiding: the attention mask tells the cloud how many tokens each sentence has, which
 * alone gives away its length (and through it, for example, which source it came from). Each
 * sentence is padded to the next multiple of {@code bucket} positions with tokens drawn at random
 * from its own non-special tokens, inserted before its closing special token, all with mask 1:
 * to the cloud they are ordinary rows of ordinary words, so the mask reveals only the bucket.
 * They are copies of private words, so they are perturbed, and attacked, like the others.
 * The cost is in utility: the top sees each sentence with a few words repeated.
 */
public final class LengthBuckets {

    /** The model's position limit: no sentence is padded past it. */
    public static final int MAX_POSITIONS = 512;
    /** Mixed into a fixed seed for the padding draws' own stream. */
    static final long SALT = 0x1E57B0C5L;

    private final int bucket;
    private final SpecialTokens special;
    private final Draws draws;
    private long calls;

    /** One mechanism's length hiding: its bucket, its specials, its randomness. */
    LengthBuckets(int bucket, SpecialTokens special, Draws draws) {
        this.bucket = bucket;
        this.special = special;
        this.draws = draws;
    }

    /** {@link #pad} with this mechanism's next draws; the batch itself when lengths are not hidden. */
    TextTokenizer.Batch apply(TextTokenizer.Batch batch) {
        if (bucket <= 0) {
            return batch;
        }
        return pad(batch, bucket, special, draws.generator(draws.callSeed(SALT, calls++)));
    }

    /** The padded length of a sentence of {@code length} real positions (specials included). */
    public static int padded(int length, int bucket) {
        if (bucket <= 0 || length == 0) {
            return length;
        }
        int p = (length + bucket - 1) / bucket * bucket;
        return Math.max(length, Math.min(p, MAX_POSITIONS));
    }

    /**
     * The batch with every sentence padded to its bucket, the batch as long as its longest padded
     * sentence. Sentences without a non-special token are left as they are.
     *
     * @param special per id: a special token (never copied; the last one of a sentence closes it)
     */
    public static TextTokenizer.Batch pad(TextTokenizer.Batch batch, int bucket, SpecialTokens special,
            RandomGenerator rnd) {
        if (bucket <= 0) {
            return batch;
        }
        int b = batch.size();
        int[] real = new int[b];
        int t = 0;
        for (int i = 0; i < b; i++) {
            for (long v : batch.mask()[i]) {
                real[i] += v != 0 ? 1 : 0;
            }
            t = Math.max(t, padded(real[i], bucket));
        }
        long[][] ids = new long[b][t];
        long[][] mask = new long[b][t];
        long[][] types = new long[b][t];
        String[][] tokens = new String[b][t];
        for (int i = 0; i < b; i++) {
            long[] src = batch.ids()[i];
            String[] srcTok = batch.tokens() == null ? null : batch.tokens()[i];
            int n = real[i];
            int[] words = new int[n];
            int w = 0;
            for (int j = 0; j < n; j++) {
                if (!special.isSpecial((int) src[j])) {
                    words[w++] = j;
                }
            }
            int target = w == 0 ? n : padded(n, bucket);
            int extra = target - n;
            // the sentence's closing special token (if any) moves to the end of the padded span
            int close = n > 0 && special.isSpecial((int) src[n - 1]) ? n - 1 : n;
            int k = 0;
            for (int j = 0; j < close; j++, k++) {
                copy(batch, i, j, ids[i], mask[i], types[i], tokens[i], k, srcTok);
            }
            for (int e = 0; e < extra; e++, k++) {
                int j = words[rnd.nextInt(w)];
                copy(batch, i, j, ids[i], mask[i], types[i], tokens[i], k, srcTok);
            }
            for (int j = close; j < n; j++, k++) {
                copy(batch, i, j, ids[i], mask[i], types[i], tokens[i], k, srcTok);
            }
            for (; k < t; k++) {
                tokens[i][k] = srcTok == null ? null : "[PAD]";
            }
        }
        return new TextTokenizer.Batch(ids, mask, types, batch.tokens() == null ? null : tokens);
    }

    private static void copy(TextTokenizer.Batch batch, int i, int j, long[] ids, long[] mask, long[] types,
            String[] tokens, int k, String[] srcTok) {
        ids[k] = batch.ids()[i][j];
        mask[k] = 1;
        types[k] = batch.typeIds()[i][j];
        if (srcTok != null && j < srcTok.length) {
            tokens[k] = srcTok[j];
        }
    }
}
