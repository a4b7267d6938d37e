package org.privtune.mechanism;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.privtune.core.InvalidInputException;

import ai.djl.ndarray.NDManager;

/** Spherical k-means over the reference space: planted groups, Lloyd fixed point, refusals. */
class TokenClustersTest {

    /** Six well-separated directions, 40 tokens each with small noise, ids interleaved. */
    private static ReferenceSpace planted(int groups, int per, int d, long seed) {
        Random r = new Random(seed);
        float[][] centre = new float[groups][d];
        for (float[] c : centre) {
            for (int j = 0; j < d; j++) {
                c[j] = (float) r.nextGaussian();
            }
        }
        float[] data = new float[groups * per * d];
        for (int v = 0; v < groups * per; v++) {
            int g = v % groups;
            float scale = 0.5f + r.nextFloat(); // norms differ: the clustering is by direction
            for (int j = 0; j < d; j++) {
                data[v * d + j] = scale * (centre[g][j] + 0.05f * (float) r.nextGaussian());
            }
        }
        return ReferenceSpace.of(data, groups * per, d);
    }

    @Test
    void recoversPlantedDirectionsAndSkipsSpecials() {
        int groups = 6;
        ReferenceSpace r = planted(groups, 40, 16, 3);
        SpecialTokens tokens = SpecialTokens.of(r.vocabSize(), new int[] {0}, new int[] {1});
        try (NDManager m = Synthetic.manager()) {
            TokenClusters tc = TokenClusters.compute(r, tokens, groups, 11, m);
            assertEquals(-1, tc.of(0), "special");
            assertEquals(-1, tc.of(1), "non-target");
            for (int v = 2; v < r.vocabSize(); v++) {
                for (int u = 2; u < r.vocabSize(); u++) {
                    boolean same = v % groups == u % groups;
                    assertEquals(same, tc.of(v) == tc.of(u), "tokens " + v + " and " + u);
                }
            }
            int total = 0;
            for (int[] members : tc.members()) {
                assertTrue(members.length > 0);
                total += members.length;
            }
            assertEquals(r.vocabSize() - 2, total, "a partition of the target types");
        }
    }

    /** On unstructured data the result is a Lloyd fixed point: every type is closest to its own cluster's mean. */
    @Test
    void convergedPartitionIsAFixedPointAndReproducible() {
        ReferenceSpace r = Synthetic.reference(300, 12, 1f, 9);
        SpecialTokens tokens = SpecialTokens.only(300, 0);
        try (NDManager m = Synthetic.manager()) {
            TokenClusters tc = TokenClusters.compute(r, tokens, 8, 5, m);
            assertTrue(tc.iterations() < TokenClusters.MAX_ITERATIONS, "converged in " + tc.iterations());
            int d = r.dim();
            int[][] members = tc.members();
            double[][] mean = new double[members.length][d];
            for (int c = 0; c < members.length; c++) {
                for (int v : members[c]) {
                    double[] x = unit(r.row(v));
                    for (int j = 0; j < d; j++) {
                        mean[c][j] += x[j];
                    }
                }
            }
            for (int v = 1; v < 300; v++) {
                double[] x = unit(r.row(v));
                int best = -1;
                double bestCos = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < members.length; c++) {
                    double dot = 0;
                    double nn = 0;
                    for (int j = 0; j < d; j++) {
                        dot += x[j] * mean[c][j];
                        nn += mean[c][j] * mean[c][j];
                    }
                    double cos = dot / Math.sqrt(nn);
                    if (cos > bestCos + 1e-6) {
                        bestCos = cos;
                        best = c;
                    }
                }
                assertEquals(best, tc.of(v), "type " + v);
            }
            TokenClusters again = TokenClusters.compute(r, tokens, 8, 5, m);
            TokenClusters other = TokenClusters.compute(r, tokens, 8, 6, m);
            int[] a = new int[300];
            int[] b = new int[300];
            int[] c = new int[300];
            for (int v = 0; v < 300; v++) {
                a[v] = tc.of(v);
                b[v] = again.of(v);
                c[v] = other.of(v);
            }
            assertArrayEquals(a, b, "same seed, same partition");
            assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c), "another seed, another draw");
        }
    }

    @Test
    void refusesAClusterCountOutsideTheTargetTypes() {
        ReferenceSpace r = Synthetic.reference(20, 4, 1f, 1);
        SpecialTokens tokens = SpecialTokens.only(20, 0);
        try (NDManager m = Synthetic.manager()) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> TokenClusters.compute(r, tokens, 20, 1, m));
            assertTrue(e.getMessage().contains("clusters") && e.getMessage().contains("19"), e.getMessage());
            assertThrows(InvalidInputException.class, () -> TokenClusters.compute(r, tokens, 0, 1, m));
        }
    }

    private static double[] unit(float[] row) {
        double n = 0;
        for (float f : row) {
            n += f * f;
        }
        double[] x = new double[row.length];
        for (int j = 0; j < row.length; j++) {
            x[j] = row[j] / Math.sqrt(n);
        }
        return x;
    }
}
