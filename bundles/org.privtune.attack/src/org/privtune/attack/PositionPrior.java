package org.privtune.attack;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.privtune.model.DeviceTransform;
import org.privtune.model.TextTokenizer;

/**
 * A0, the attack that reads no representation at all: for every scored position it guesses the
 * tokens most frequent at that place in the attacker's auxiliary text, the place being the
 * position counted from the sentence start and from its end (each capped at {@link #CAP}), e.g.
 * "." just before [SEP]. Every mechanism here sends one representation per token, so positions and
 * sentence length are visible to the cloud whatever the noise; this is the recovery an attacker
 * gets from them and public text alone.
 *
 * <p>Why it is measured (docs/results.md): it is the floor of the inversion ASR. Any setting
 * whose other attacks come close to it hides token identities completely, and a goal stated as an
 * ASR (the paper's 10%) has to be read against it: on the sentiment test split the most frequent
 * token alone (".") is 6.8% of the scored tokens.
 */
public final class PositionPrior {

    /** Positions from the start and from the end are distinguished up to this many. */
    public static final int CAP = 8;
    private static final int GUESSES = 5;

    private final Map<Integer, long[]> byPlace;
    private final long[] overall;

    private PositionPrior(Map<Integer, long[]> byPlace, long[] overall) {
        this.byPlace = byPlace;
        this.overall = overall;
    }

    /** Counts the auxiliary text's tokens per place; special and padding tokens are not counted. */
    public static PositionPrior learn(List<TextTokenizer.Batch> auxiliary, boolean[] special) {
        Map<Integer, Map<Long, Integer>> counts = new HashMap<>();
        Map<Long, Integer> all = new HashMap<>();
        for (TextTokenizer.Batch b : auxiliary) {
            for (int i = 0; i < b.size(); i++) {
                long[] ids = b.ids()[i];
                long[] mask = b.mask()[i];
                int len = length(mask);
                for (int t = 0; t < ids.length; t++) {
                    if (mask[t] != 0 && !isSpecial(ids[t], special)) {
                        counts.computeIfAbsent(place(t, len), k -> new HashMap<>()).merge(ids[t], 1, Integer::sum);
                        all.merge(ids[t], 1, Integer::sum);
                    }
                }
            }
        }
        Map<Integer, long[]> byPlace = new HashMap<>();
        counts.forEach((place, c) -> byPlace.put(place, mostFrequent(c)));
        return new PositionPrior(byPlace, mostFrequent(all));
    }

    /**
     * The auxiliary text as {@code transform} sends it, for an attacker who knows the mechanism:
     * each batch goes through {@link DeviceTransform#beforeBottom} and every sent position gets the
     * true token that now stands there ({@link DeviceTransform#lastOrder}). Learned on this, the
     * prior guesses what a place holds after the mechanism, e.g. under a shuffle the sentence's
     * likeliest tokens at every place instead of the clean text's typical token of that place.
     *
     * @return null when the transform keeps the order (the clean prior is then the aware one)
     */
    public static List<TextTokenizer.Batch> asSent(List<TextTokenizer.Batch> auxiliary, DeviceTransform transform,
            NDManager manager) {
        List<TextTokenizer.Batch> out = new ArrayList<>(auxiliary.size());
        for (TextTokenizer.Batch b : auxiliary) {
            int[] order;
            try (NDManager m = manager.newSubManager()) {
                Shape shape = new Shape(b.size(), b.length());
                NDArray ids = m.create(b.flatIds(), shape);
                NDArray mask = m.create(b.flatMask(), shape);
                transform.beforeBottom(ids, mask);
                order = transform.lastOrder();
            }
            if (order == null) {
                return null;
            }
            long[] sent = DeviceTransform.inSentOrder(b.flatIds(), order);
            long[][] rows = new long[b.size()][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = java.util.Arrays.copyOfRange(sent, i * b.length(), (i + 1) * b.length());
            }
            out.add(new TextTokenizer.Batch(rows, b.mask(), b.typeIds(), null));
        }
        return out;
    }

    /** Scores the guesses at every scored position of {@code observed} (its representations unread). */
    public TokenRecovery evaluate(ObservedRepresentations observed) {
        TokenRecovery r = TokenRecovery.EMPTY;
        for (ObservedRepresentations.Batch b : observed.batches()) {
            int[] lengths = new int[b.sentences()];
            for (int i = 0; i < b.mask().length; i++) {
                lengths[i / b.length()] += b.mask()[i] != 0 ? 1 : 0;
            }
            long[] idx = b.scoredIndices();
            long[][] guesses = new long[idx.length][];
            for (int j = 0; j < idx.length; j++) {
                guesses[j] = guesses((int) idx[j] % b.length(), lengths[(int) idx[j] / b.length()]);
            }
            r = r.plus(TokenRecovery.score(guesses, b.scoredIds()));
        }
        return r;
    }

    /** The ranked guesses at position t of a sentence of {@code len} tokens (specials included). */
    long[] guesses(int t, int len) {
        long[] g = byPlace.get(place(t, len));
        return g == null || g.length == 0 ? overall : g;
    }

    private static int place(int t, int len) {
        return Math.min(t, CAP) * (CAP + 1) + Math.min(Math.max(len - 1 - t, 0), CAP);
    }

    private static int length(long[] mask) {
        int n = 0;
        for (long m : mask) {
            n += m != 0 ? 1 : 0;
        }
        return n;
    }

    private static boolean isSpecial(long id, boolean[] special) {
        return id < 0 || id >= special.length || special[(int) id];
    }

    private static long[] mostFrequent(Map<Long, Integer> c) {
        return c.entrySet().stream()
                .sorted(Map.Entry.<Long, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(GUESSES).mapToLong(Map.Entry::getKey).toArray();
    }
}
