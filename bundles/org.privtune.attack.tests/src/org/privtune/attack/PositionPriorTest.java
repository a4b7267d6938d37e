package org.privtune.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.privtune.model.TextTokenizer;

class PositionPriorTest {

    private static final boolean[] SPECIAL = special();

    private static boolean[] special() {
        boolean[] s = new boolean[200];
        s[0] = true;
        s[101] = true;
        s[102] = true;
        return s;
    }

    /** Sentences "[CLS] w . [SEP]" padded to 6, with the given middle words. */
    private static TextTokenizer.Batch batch(long... words) {
        long[][] ids = new long[words.length][];
        long[][] mask = new long[words.length][];
        for (int i = 0; i < words.length; i++) {
            ids[i] = new long[] {101, words[i], 50, 102, 0, 0};
            mask[i] = new long[] {1, 1, 1, 1, 0, 0};
        }
        return new TextTokenizer.Batch(ids, mask, new long[words.length][6], null);
    }

    @Test
    void guessesThePlaceMostFrequentTokensAndReadsNoRepresentation() {
        // auxiliary text: the full stop is always second to last; the first word is 7 twice, 8 once
        PositionPrior a0 = PositionPrior.learn(List.of(batch(7, 7, 8)), SPECIAL);
        assertArrayEquals(new long[] {50}, a0.guesses(2, 4), "second to last of four");
        assertArrayEquals(new long[] {7, 8}, a0.guesses(1, 4), "ranked by count");
        // a place never seen in the auxiliary text falls back to the overall ranking (50 three times)
        assertEquals(50, a0.guesses(3, 9)[0]);

        // victim: [CLS] 8 . [SEP] and [CLS] 9 . [SEP]; representations are random and unread
        float[] reps = new float[2 * 6 * 4];
        for (int i = 0; i < reps.length; i++) {
            reps[i] = (float) Math.sin(i * 7.1);
        }
        long[] ids = {101, 8, 50, 102, 0, 0, 101, 9, 50, 102, 0, 0};
        long[] mask = {1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0};
        boolean[] scored = new boolean[12];
        for (int i = 0; i < 12; i++) {
            scored[i] = mask[i] != 0 && !SPECIAL[(int) ids[i]];
        }
        ObservedRepresentations observed = new ObservedRepresentations(
                List.of(new ObservedRepresentations.Batch(2, 6, 4, reps, mask, ids, scored)));
        TokenRecovery r = a0.evaluate(observed);
        assertEquals(4, r.scored());
        assertEquals(2, r.top1Hits(), "both full stops, neither word (7 is the first guess)");
        assertEquals(3, r.top5Hits(), "8 is the second guess at its place");
    }
    /** Swaps the two middle tokens of every row ("[CLS] w . [SEP]" becomes "[CLS] . w [SEP]"). */
    private static final class SwapMiddle implements org.privtune.model.DeviceTransform {
        private int[] order;

        @Override
        public ai.djl.ndarray.NDArray beforeBottom(ai.djl.ndarray.NDArray ids, ai.djl.ndarray.NDArray mask) {
            long t = ids.getShape().get(1);
            order = new int[(int) ids.getShape().size()];
            for (int i = 0; i < order.length; i++) {
                int col = (int) (i % t);
                order[i] = col == 1 ? i + 1 : col == 2 ? i - 1 : i;
            }
            return ids;
        }

        @Override
        public ai.djl.ndarray.NDArray afterBottom(ai.djl.ndarray.NDArray hidden, ai.djl.ndarray.NDArray tokenIds,
                ai.djl.ndarray.NDArray attentionMask) {
            return hidden;
        }

        @Override
        public int[] lastOrder() {
            return order;
        }
    }

    /** A0 aware of a reordering learns where the mechanism puts the tokens, not where the text had them. */
    @Test
    void learnsThePriorOnTheTextAsTheMechanismSendsIt() {
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            List<TextTokenizer.Batch> sent = PositionPrior.asSent(List.of(batch(7, 7, 8)), new SwapMiddle(), m);
            assertArrayEquals(new long[] {101, 50, 7, 102, 0, 0}, sent.get(0).ids()[0]);
            PositionPrior aware = PositionPrior.learn(sent, SPECIAL);
            assertArrayEquals(new long[] {50}, aware.guesses(1, 4), "the full stop now stands first");
            assertArrayEquals(new long[] {7, 8}, aware.guesses(2, 4));
            org.privtune.model.DeviceTransform keeps = new org.privtune.model.DeviceTransform() {
                @Override
                public ai.djl.ndarray.NDArray afterBottom(ai.djl.ndarray.NDArray h, ai.djl.ndarray.NDArray ids,
                        ai.djl.ndarray.NDArray mask) {
                    return h;
                }
            };
            assertEquals(null, PositionPrior.asSent(List.of(batch(7)), keeps, m), "no reordering: the clean prior");
        }
    }
}
