package org.privtune.mechanism;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class HopDistancesTest {

    /** Floyd-Warshall over the undirected closure, excluding edges into non-targets. */
    static int[][] allPairs(NeighbourGraph g, SpecialTokens tokens) {
        int v = g.vocabSize();
        int inf = 1 << 20;
        int[][] d = new int[v][v];
        for (int[] row : d) {
            Arrays.fill(row, inf);
        }
        for (int a = 0; a < v; a++) {
            d[a][a] = 0;
            for (int b : g.neighboursOf(a)) {
                d[a][b] = 1;
                if (!tokens.isNonTarget(a)) {
                    d[b][a] = 1;
                }
            }
        }
        for (int k = 0; k < v; k++) {
            for (int i = 0; i < v; i++) {
                for (int j = 0; j < v; j++) {
                    if (d[i][k] + d[k][j] < d[i][j]) {
                        d[i][j] = d[i][k] + d[k][j];
                    }
                }
            }
        }
        return d;
    }

    @Test
    void indirectSetsMatchAllPairsShortestPaths() {
        int v = 150;
        int k = 3;
        Random r = new Random(3);
        int[] nb = new int[v * k];
        for (int a = 0; a < v; a++) {
            int[] picks = r.ints(0, v).filter(x -> x != 0).distinct().limit(k + 1).toArray();
            int c = 0;
            for (int p : picks) {
                if (p != a && c < k) {
                    nb[a * k + c++] = p;
                }
            }
        }
        NeighbourGraph g = NeighbourGraph.of(v, k, nb, new float[v * k]);
        SpecialTokens tokens = SpecialTokens.only(v, 0);
        int[][] d = allPairs(g, tokens);
        for (int n = 1; n <= 3; n++) {
            HopDistances h = HopDistances.compute(g, n, tokens);
            for (int a = 1; a < v; a++) {
                final int src = a;
                final int hop = h.hopUsed(a);
                int[] expect = java.util.stream.IntStream.range(0, v).filter(b -> d[src][b] == hop).toArray();
                assertArrayEquals(expect, h.indirect(a), "N_" + n + " of " + a);
                int[] direct = java.util.stream.IntStream.range(0, v).filter(b -> d[src][b] == 1).toArray();
                assertArrayEquals(direct, h.direct(a));
                // The hop used is the largest non-empty distance <= n.
                final int nn = n;
                int largest = Arrays.stream(d[a]).filter(x -> x >= 1 && x <= nn).max().orElse(-1);
                assertEquals(largest, hop, "hop used by " + a);
            }
        }
    }

    @Test
    void emptyHopFallsBackToTheLargestNonEmptyHopAndIsCounted() {
        // Two components: a 3-clique {1,2,3} (every token's N_2 is empty) and a second component on 4..8.
        int k = 2;
        int[] nb = {
            1, 2, // 0: a non-target placeholder listing real tokens
            2, 3, 1, 3, 1, 2, // clique
            5, 6, 4, 6, 5, 7, 6, 8, 7, 6 // a second component
        };
        NeighbourGraph g = NeighbourGraph.of(9, k, nb, new float[9 * k]);
        SpecialTokens tokens = SpecialTokens.of(9, new int[0], new int[] {0});
        HopDistances h = HopDistances.compute(g, 2, tokens);
        for (int a = 1; a <= 3; a++) {
            assertEquals(1, h.hopUsed(a), "clique token " + a + " falls back to hop 1");
        }
        // 0 never enters another token's lists.
        assertArrayEquals(new int[] {2, 3}, h.direct(1));
        assertArrayEquals(new int[] {7, 8}, h.indirect(4));
        assertEquals(2, h.hopUsed(4));
        // 6 is adjacent to every other path token: its N_2 is empty, it falls back to N_1.
        assertArrayEquals(new int[] {4, 5, 7, 8}, h.indirect(6));
        assertEquals(1, h.hopUsed(6));
        // Token 0 reaches 1 and 2 directly, 3 at distance 2; the clique's 3 tokens and 6 fell back.
        assertArrayEquals(new int[] {3}, h.indirect(0));
        assertEquals(4, h.fallbackCount());
        assertEquals(0, h.emptyCount());
    }
}
