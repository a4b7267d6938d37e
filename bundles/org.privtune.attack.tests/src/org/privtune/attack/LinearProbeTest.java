package org.privtune.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The tuner's linear probe: finds a linear signal, and finds none in random labels. */
class LinearProbeTest {

    private static float[] features(int n, int d, int[] y, float signal, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                x[i * d + c] = (float) r.nextGaussian();
            }
            x[i * d + (y[i] % d)] += signal; // class c shifts coordinate c
        }
        return x;
    }

    /** Labels 0, 1, ..., classes - 1, 0, 1, ... */
    private static int[] cyclic(int n, int classes) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % classes;
        }
        return y;
    }

    @Test
    void separatesClassesWithALinearSignalAndNotRandomLabels() {
        int n = 120;
        int d = 64;
        int[] y = cyclic(n, 3);
        LinearProbe.Estimate strong = LinearProbe.crossValidated(features(n, d, y, 4f, 1), d, y, 3, 4, 0.1, 7);
        assertTrue(strong.accuracy() > 0.9, "separable classes: " + strong.accuracy());
        assertEquals(1 / 3.0, strong.majority(), 1e-9);
        assertEquals(n, strong.samples());

        float[] x = features(n, d, y, 0f, 2);
        Random r = new Random(3);
        int[] shuffled = new int[n];
        for (int i = 0; i < n; i++) {
            shuffled[i] = r.nextInt(3);
        }
        LinearProbe.Estimate none = LinearProbe.crossValidated(x, d, shuffled, 3, 4, 0.1, 7);
        assertTrue(none.accuracy() < 0.5, "no signal, yet accuracy " + none.accuracy());
    }

    /** Fitted on the first rows only, scored on the rest: learns from the training rows alone. */
    @Test
    void trainTestScoresOnlyTheHeldOutRows() {
        int n = 200;
        int d = 32;
        int[] y = cyclic(n, 2);
        float[] x = features(n, d, y, 4f, 5);
        assertTrue(LinearProbe.trainTest(x, d, y, 2, 100, 0.1) > 0.9, "same signal in both parts");
        // the held-out rows' labels flipped: a probe that learned from the training rows is wrong on them
        int[] flipped = y.clone();
        for (int i = 100; i < n; i++) {
            flipped[i] = 1 - y[i];
        }
        assertTrue(LinearProbe.trainTest(x, d, flipped, 2, 100, 0.1) < 0.1, "scored on the held-out labels");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LinearProbe.trainTest(x, d, y, 2, n, 0.1));
    }
}
