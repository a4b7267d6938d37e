package org.privtune.mechanism;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.core.Progress;

import ai.djl.ndarray.NDManager;

class NeighbourGraphTest {

    /** Brute-force top-k by cosine in double precision, self and non-targets excluded. */
    static int[][] bruteForce(ReferenceSpace r, int k, SpecialTokens tokens, double[][] simsOut) {
        int v = r.vocabSize();
        int d = r.dim();
        float[] a = r.data();
        double[] norm = new double[v];
        for (int i = 0; i < v; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += (double) a[i * d + j] * a[i * d + j];
            }
            norm[i] = Math.sqrt(s);
        }
        int[][] out = new int[v][];
        for (int i = 0; i < v; i++) {
            double[] sim = new double[v];
            Integer[] order = new Integer[v];
            for (int u = 0; u < v; u++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += (double) a[i * d + j] * a[u * d + j];
                }
                sim[u] = (u == i || tokens.isNonTarget(u)) ? Double.NEGATIVE_INFINITY : s / (norm[i] * norm[u]);
                order[u] = u;
            }
            Arrays.sort(order, (x, y) -> Double.compare(sim[y], sim[x]));
            out[i] = new int[k];
            simsOut[i] = sim;
            for (int j = 0; j < k; j++) {
                out[i][j] = order[j];
            }
        }
        return out;
    }

    @Test
    void graphEqualsBruteForceOnRandom500x384() {
        ReferenceSpace r = Synthetic.reference(500, 384, 1f, 42);
        SpecialTokens tokens = SpecialTokens.only(500, 0, 3, 7);
        int k = 10;
        try (NDManager m = Synthetic.manager()) {
            // Block of 128 rows so that several blocks (and a partial last one) are exercised.
            NeighbourGraph g = NeighbourGraph.build(r, k, tokens, m, 128, Progress.NONE);
            double[][] sims = new double[500][];
            int[][] ref = bruteForce(r, k, tokens, sims);
            int mismatches = 0;
            for (int v = 0; v < 500; v++) {
                int[] got = g.neighboursOf(v);
                float[] gs = g.similaritiesOf(v);
                for (int j = 0; j < k; j++) {
                    assertFalse(got[j] == v, "self listed for " + v);
                    assertFalse(tokens.isNonTarget(got[j]), "non-target listed for " + v);
                    assertEquals(sims[v][got[j]], gs[j], 1e-5, "similarity of " + v + "->" + got[j]);
                    if (got[j] != ref[v][j]) {
                        // Only a near-tie may swap order: the similarities must agree to float precision.
                        assertEquals(sims[v][ref[v][j]], sims[v][got[j]], 1e-5, "rank " + j + " of token " + v);
                        mismatches++;
                    }
                }
                int[] a = got.clone();
                int[] b = ref[v].clone();
                Arrays.sort(a);
                Arrays.sort(b);
                if (!Arrays.equals(a, b)) {
                    // Sets may differ only when the k-th and (k+1)-th similarities tie.
                    double kth = sims[v][ref[v][k - 1]];
                    for (int u : got) {
                        assertTrue(sims[v][u] >= kth - 1e-5, "token " + v + " lists " + u + " below the k-th");
                    }
                }
            }
            assertTrue(mismatches < 10, "too many order swaps: " + mismatches);
        }
    }

    @Test
    void cacheRoundTripAndHit(@TempDir Path dir) throws Exception {
        ReferenceSpace r = Synthetic.reference(300, 16, 1f, 5);
        SpecialTokens tokens = SpecialTokens.only(300, 0);
        try (NDManager m = Synthetic.manager()) {
            NeighbourGraph g1 = NeighbourGraph.loadOrBuild(dir, "w1", 2, r, 5, tokens, m, Progress.NONE);
            Path f = NeighbourGraph.cacheFile(dir, "w1", 2, 5, tokens);
            assertTrue(Files.isRegularFile(f));
            NeighbourGraph g2 = NeighbourGraph.load(f);
            assertArrayEquals(g1.neighbours(), g2.neighbours());
            assertArrayEquals(g1.similarities(), g2.similarities());
            // Other split or k: other key, other file.
            assertFalse(f.equals(NeighbourGraph.cacheFile(dir, "w1", 3, 5, tokens)));
            assertFalse(f.equals(NeighbourGraph.cacheFile(dir, "w1", 2, 6, tokens)));
            assertFalse(f.equals(NeighbourGraph.cacheFile(dir, "w2", 2, 5, tokens)));
            // A hit reads the file: overwrite it with a different graph and load it back through loadOrBuild.
            NeighbourGraph other = NeighbourGraph.build(Synthetic.reference(300, 16, 1f, 6), 5, tokens, m, 64,
                    Progress.NONE);
            other.save(f);
            NeighbourGraph g3 = NeighbourGraph.loadOrBuild(dir, "w1", 2, r, 5, tokens, m, Progress.NONE);
            assertArrayEquals(other.neighbours(), g3.neighbours());
        }
    }

    @Test
    void truncateKeepsTheBestNeighbours() {
        ReferenceSpace r = Synthetic.reference(200, 8, 1f, 9);
        SpecialTokens tokens = SpecialTokens.only(200);
        try (NDManager m = Synthetic.manager()) {
            NeighbourGraph g10 = NeighbourGraph.build(r, 10, tokens, m, 64, Progress.NONE);
            NeighbourGraph g4 = NeighbourGraph.build(r, 4, tokens, m, 64, Progress.NONE);
            assertArrayEquals(g4.neighbours(), g10.truncate(4).neighbours());
        }
    }
}
