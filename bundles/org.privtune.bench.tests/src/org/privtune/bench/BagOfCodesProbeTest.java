package org.privtune.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.privtune.mechanism.SpecialTokens;
import org.privtune.mechanism.TokenSubstitution;

/** The bag of sent types, and the probe reading the label from it. */
class BagOfCodesProbeTest {

    private static final SpecialTokens TOKENS = SpecialTokens.only(100, 0, 1, 2);

    /** Even ids are sent as 10, odd ones as 11, except 7, which is 20 or 21 with equal odds. */
    private static final TokenSubstitution LAW = v -> v == 7
            ? new TokenSubstitution.Substitution(new int[] {20, 21}, new double[] {0.5, 0.5})
            : new TokenSubstitution.Substitution(new int[] {10 + v % 2}, new double[] {1});

    @Test
    void bagsHoldTheDistinctSentTypesWithoutSpecials() {
        List<int[]> bags = BagOfCodesProbe.bags(List.of(new int[] {1, 4, 6, 9, 2}, new int[] {1, 3, 0}), LAW, TOKENS,
                new Random(1));
        assertArrayEquals(new int[] {10, 11}, bags.get(0));
        assertArrayEquals(new int[] {11}, bags.get(1));
        assertArrayEquals(new int[] {4, 6, 9}, BagOfCodesProbe.bags(List.of(new int[] {1, 9, 4, 6, 4, 2}), null, TOKENS,
                new Random(1)).get(0), "no law: the tokens themselves");
        int twenty = 0;
        Random r = new Random(2);
        for (int i = 0; i < 2_000; i++) {
            twenty += BagOfCodesProbe.draw(LAW.substitutes(7), r) == 20 ? 1 : 0;
        }
        assertEquals(1_000, twenty, 100, "draws follow q(u | v)");
    }

    @Test
    void probeReadsALabelThatTheCodeKeepsAndNotOneItErases() {
        Random r = new Random(3);
        List<int[]> sentences = new ArrayList<>();
        int[] y = new int[300];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 2;
            // the label word: 4 for class 0, 5 for class 1, among filler words 30..59
            sentences.add(new int[] {1, 30 + r.nextInt(30), 4 + y[i], 30 + r.nextInt(30), 2});
        }
        List<int[]> kept = BagOfCodesProbe.bags(sentences, null, TOKENS, r);
        BagOfCodesProbe.Result clear = BagOfCodesProbe.probe(kept.subList(0, 200), java.util.Arrays.copyOf(y, 200),
                kept.subList(200, 250), java.util.Arrays.copyOfRange(y, 200, 250), kept.subList(250, 300),
                java.util.Arrays.copyOfRange(y, 250, 300), 2);
        assertTrue(clear.test() > 0.95, "label word sent: " + clear.test());
        // sent as v / 10: 4 and 5 become one word, so nothing is left to read
        TokenSubstitution eraser = v -> new TokenSubstitution.Substitution(new int[] {10 + v / 10}, new double[] {1});
        List<int[]> erased = BagOfCodesProbe.bags(sentences, eraser, TOKENS, r);
        BagOfCodesProbe.Result none = BagOfCodesProbe.probe(erased.subList(0, 200), java.util.Arrays.copyOf(y, 200),
                erased.subList(200, 250), java.util.Arrays.copyOfRange(y, 200, 250), erased.subList(250, 300),
                java.util.Arrays.copyOfRange(y, 250, 300), 2);
        assertTrue(none.test() < 0.75, "4 and 5 sent as one code: " + none.test());
    }

    @Test
    void primalProbeLearnsFromEveryTrainingRowItIsGiven() {
        Random r = new Random(4);
        List<int[]> bags = new ArrayList<>();
        int[] y = new int[2_400];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 2;
            // rows from 400 on say the opposite: label word 5 for class 0 and 4 for class 1
            int word = i < 400 ? 4 + y[i] : 5 - y[i];
            bags.add(new int[] {word, 30 + r.nextInt(30), 60 + r.nextInt(30)});
        }
        List<int[]> dev = bags.subList(200, 300);
        List<int[]> test = bags.subList(300, 400);
        int[] yDev = java.util.Arrays.copyOfRange(y, 200, 300);
        int[] yTest = java.util.Arrays.copyOfRange(y, 300, 400);
        BagOfCodesProbe.Result own = BagOfCodesProbe.primalProbe(bags.subList(0, 200), java.util.Arrays.copyOf(y, 200),
                dev, yDev, test, yTest, 2);
        assertTrue(own.test() > 0.95, "label word read: " + own.test());
        List<int[]> more = new ArrayList<>(bags.subList(0, 200));
        more.addAll(bags.subList(400, 2_400));
        int[] yMore = new int[2_200];
        System.arraycopy(y, 0, yMore, 0, 200);
        System.arraycopy(y, 400, yMore, 200, 2_000);
        BagOfCodesProbe.Result misled = BagOfCodesProbe.primalProbe(more, yMore, dev, yDev, test, yTest, 2);
        assertTrue(misled.test() < 0.2, "2,000 added rows that say the opposite outweigh 200: " + misled.test());
    }
}
