package org.privtune.mechanism;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Shortest-path hop distances in the neighbour graph, treated as <b>undirected</b>: u and v are
 * adjacent when either lists the other among its k nearest. Why undirected: k-NN is asymmetric
 * (hub tokens appear in many lists), and a token u that lists v as one of its nearest is close to
 * v whatever v's own list says; in a directed graph such a u could sit at distance 2 or more from
 * v and become a "far" target that is in fact v's close neighbour, which is what the defence
 * must avoid. Symmetric distances also make N_n a symmetric relation.
 *
 * <p>For a hop count n, N_n(v) = tokens at distance exactly n. When N_n(v) is empty (v's
 * connected component is too small), the nearest non-empty hop is used instead; because BFS
 * layers are contiguous, nothing lies beyond an empty layer, so that hop is the largest m < n
 * with a non-empty layer (m = 1, the direct neighbours, in the worst case).
 * {@link #fallbackCount()} reports how many tokens fell back; {@link #emptyCount()} how many
 * have no neighbour at all (possible only for non-target ids, which never enter others' lists).
 */
public final class HopDistances {

    private final int vocabSize;
    private final int n;
    private final int[] adjOffsets;
    private final int[] adj;
    private final int[] setOffsets;
    private final int[] setMembers;
    private final int[] hopUsed;
    private final int fallbackCount;
    private final int emptyCount;

    private HopDistances(int vocabSize, int n, int[] adjOffsets, int[] adj, int[] setOffsets, int[] setMembers,
            int[] hopUsed, int fallbackCount, int emptyCount) {
        this.vocabSize = vocabSize;
        this.n = n;
        this.adjOffsets = adjOffsets;
        this.adj = adj;
        this.setOffsets = setOffsets;
        this.setMembers = setMembers;
        this.hopUsed = hopUsed;
        this.fallbackCount = fallbackCount;
        this.emptyCount = emptyCount;
    }

    /**
     * Computes N_n for every token of the graph (n >= 1). Non-target ids (see {@link SpecialTokens})
     * keep their own out-edges but never enter another token's adjacency, so they are never in
     * any N_1 or N_n of a real token.
     */
    public static HopDistances compute(NeighbourGraph g, int n, SpecialTokens tokens) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        int v = g.vocabSize();
        int k = g.k();
        int[] nb = g.neighbours();
        boolean[] nonTarget = tokens.nonTargetFlags();
        // Undirected adjacency (CSR), duplicates removed.
        int[] deg = new int[v];
        for (int a = 0; a < v; a++) {
            for (int j = 0; j < k; j++) {
                deg[a]++;
                if (!nonTarget[a]) {
                    deg[nb[a * k + j]]++;
                }
            }
        }
        int[] off = new int[v + 1];
        for (int a = 0; a < v; a++) {
            off[a + 1] = off[a] + deg[a];
        }
        int[] tmp = new int[off[v]];
        int[] fill = Arrays.copyOf(off, v);
        for (int a = 0; a < v; a++) {
            for (int j = 0; j < k; j++) {
                int b = nb[a * k + j];
                tmp[fill[a]++] = b;
                if (!nonTarget[a]) {
                    // A non-target keeps its own out-edges but is never added to others' lists.
                    tmp[fill[b]++] = a;
                }
            }
        }
        int[] cOff = new int[v + 1];
        int[][] rows = new int[v][];
        for (int a = 0; a < v; a++) {
            int[] r = Arrays.copyOfRange(tmp, off[a], off[a + 1]);
            Arrays.sort(r);
            rows[a] = Arrays.stream(r).distinct().toArray();
            cOff[a + 1] = cOff[a] + rows[a].length;
        }
        int[] cAdj = new int[cOff[v]];
        for (int a = 0; a < v; a++) {
            System.arraycopy(rows[a], 0, cAdj, cOff[a], rows[a].length);
        }
        int[][] sets = new int[v][];
        int[] hop = new int[v];
        // Each source's truncated BFS is independent: parallel over sources with per-thread scratch.
        ThreadLocal<int[]> distTl = ThreadLocal.withInitial(() -> {
            int[] d = new int[v];
            Arrays.fill(d, -1);
            return d;
        });
        IntStream.range(0, v).parallel().forEach(src -> {
            int[] dist = distTl.get();
            Bfs bfs = Bfs.run(src, n, cOff, cAdj, dist);
            int chosen = -1;
            for (int m = n; m >= 1 && chosen < 0; m--) {
                if (bfs.countAt[m] > 0) {
                    chosen = m;
                }
            }
            hop[src] = chosen;
            if (chosen < 0) {
                sets[src] = new int[0];
            } else {
                int[] members = new int[bfs.countAt[chosen]];
                int c = 0;
                for (int q = 0; q < bfs.tail; q++) {
                    if (dist[bfs.queue[q]] == chosen) {
                        members[c++] = bfs.queue[q];
                    }
                }
                Arrays.sort(members);
                sets[src] = members;
            }
            bfs.clear(dist);
        });
        int[] sOff = new int[v + 1];
        for (int a = 0; a < v; a++) {
            sOff[a + 1] = sOff[a] + sets[a].length;
        }
        int[] sMem = new int[sOff[v]];
        int fallback = 0;
        int empty = 0;
        for (int a = 0; a < v; a++) {
            System.arraycopy(sets[a], 0, sMem, sOff[a], sets[a].length);
            if (hop[a] < 0) {
                empty++;
            } else if (hop[a] != n) {
                fallback++;
            }
        }
        return new HopDistances(v, n, cOff, cAdj, sOff, sMem, hop, fallback, empty);
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** The requested hop count n. */
    public int n() {
        return n;
    }

    /** N_n(v) (or the fallback hop's set), sorted ids (copy). */
    public int[] indirect(int v) {
        return Arrays.copyOfRange(setMembers, setOffsets[v], setOffsets[v + 1]);
    }

    /** N_1(v) in the undirected graph: v's direct neighbours, sorted ids (copy). */
    public int[] direct(int v) {
        return Arrays.copyOfRange(adj, adjOffsets[v], adjOffsets[v + 1]);
    }

    /** The hop actually used for v: n, a fallback hop, or -1 when none was found. */
    public int hopUsed(int v) {
        return hopUsed[v];
    }

    /** Number of tokens whose N_n was empty and that use another hop. */
    public int fallbackCount() {
        return fallbackCount;
    }

    /** Number of tokens left with no indirect set at all. */
    public int emptyCount() {
        return emptyCount;
    }

    /** CSR offsets [V + 1] of the indirect sets (not copied). */
    int[] indirectOffsets() {
        return setOffsets;
    }

    int[] indirectMembers() {
        return setMembers;
    }

    /**
     * Row-major [V, d] unit directions of the centroids of the unit rows R[u]/||R[u]|| over
     * u in N_n(v): the direction of N_n(v) in the cosine geometry of the graph; a token with an
     * empty set gets its own direction. Setup-time work, done once per (R, graph, n).
     */
    public float[] indirectDirections(ReferenceSpace r) {
        return memo(r, "indirect", () -> centroids(r, setOffsets, setMembers, false)).clone();
    }

    /** Unit directions of the centroids of the unit rows of {v} united with N_1(v): the region to leave. */
    public float[] selfAndDirectDirections(ReferenceSpace r) {
        return memo(r, "selfAndDirect", () -> centroids(r, adjOffsets, adj, true)).clone();
    }

    /** Tables derived from the last reference space asked for (privtune and privtune+ share them). */
    private ReferenceSpace memoFor;
    private final java.util.Map<String, Object> memo = new java.util.HashMap<>();

    /**
     * A setup-time table derived from this graph and {@code r}, computed once per key while {@code r}
     * stays the same (the Noise Tuner creates a mechanism for every slider move; rebuilding its
     * [V, d] tables each time cost 350-500 ms). Callers must not modify the result.
     */
    @SuppressWarnings("unchecked")
    synchronized <T> T memo(ReferenceSpace r, String key, java.util.function.Supplier<T> compute) {
        if (memoFor != r) {
            memoFor = r;
            memo.clear();
        }
        // not computeIfAbsent: a derived table may ask for the tables it is made of
        Object v = memo.get(key);
        if (v == null) {
            v = compute.get();
            memo.put(key, v);
        }
        return (T) v;
    }

    /** Unit rows R[v]/||R[v]|| (row-major [V, d]). */
    static float[] unitRows(ReferenceSpace r) {
        int v = r.vocabSize();
        int d = r.dim();
        float[] data = r.data();
        float[] out = new float[v * d];
        IntStream.range(0, v).parallel().forEach(a -> {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += (double) data[a * d + j] * data[a * d + j];
            }
            float inv = (float) (1 / Math.max(1e-12, Math.sqrt(s)));
            for (int j = 0; j < d; j++) {
                out[a * d + j] = data[a * d + j] * inv;
            }
        });
        return out;
    }

    private static float[] centroids(ReferenceSpace r, int[] off, int[] mem, boolean includeSelf) {
        int v = r.vocabSize();
        int d = r.dim();
        float[] data = unitRows(r);
        float[] out = new float[v * d];
        IntStream.range(0, v).parallel().forEach(a -> {
            int count = off[a + 1] - off[a] + (includeSelf ? 1 : 0);
            int o = a * d;
            if (count == 0) {
                System.arraycopy(data, o, out, o, d);
                return;
            }
            if (includeSelf) {
                System.arraycopy(data, o, out, o, d);
            }
            for (int p = off[a]; p < off[a + 1]; p++) {
                int b = mem[p] * d;
                for (int j = 0; j < d; j++) {
                    out[o + j] += data[b + j];
                }
            }
            double norm = 0;
            for (int j = 0; j < d; j++) {
                norm += (double) out[o + j] * out[o + j];
            }
            if (norm < 1e-24) {
                System.arraycopy(data, o, out, o, d); // neighbours cancel out: fall back to v's own direction
                return;
            }
            float inv = (float) (1 / Math.sqrt(norm));
            for (int j = 0; j < d; j++) {
                out[o + j] *= inv;
            }
        });
        return out;
    }

    /** One truncated breadth-first search; {@code dist} is scratch (-1 = unvisited) restored by clear. */
    private static final class Bfs {
        int[] queue = new int[64];
        int tail;
        int[] countAt;

        static Bfs run(int src, int maxDepth, int[] off, int[] adj, int[] dist) {
            Bfs b = new Bfs();
            b.countAt = new int[maxDepth + 1];
            b.queue[b.tail++] = src;
            dist[src] = 0;
            int head = 0;
            while (head < b.tail) {
                int a = b.queue[head++];
                int da = dist[a];
                b.countAt[da]++;
                if (da == maxDepth) {
                    continue;
                }
                for (int p = off[a]; p < off[a + 1]; p++) {
                    int c = adj[p];
                    if (dist[c] < 0) {
                        dist[c] = da + 1;
                        if (b.tail == b.queue.length) {
                            b.queue = Arrays.copyOf(b.queue, b.queue.length * 2);
                        }
                        b.queue[b.tail++] = c;
                    }
                }
            }
            return b;
        }

        void clear(int[] dist) {
            for (int q = 0; q < tail; q++) {
                dist[queue[q]] = -1;
            }
        }
    }
}
