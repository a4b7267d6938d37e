package org.privtune.mechanism;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.privtune.core.InvalidInputException;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A partition of the vocabulary's target types (neither special nor non-target) into K clusters
 * of the reference space R by spherical k-means: cosine similarity, as the graph and the attacks
 * use; k-means++ seeding (D^2 weighting on 1 - cos) from a seeded stream, then Lloyd iterations
 * whose assignment step is a batched [rows, d] x [d, K] product on the engine. Why a partition
 * (docs/method.md, privtune-swap): a substitute that is a function of the cluster alone tells the cloud
 * the cluster and nothing more, so the context-free Bayes attacker's best guess is the cluster's
 * likeliest member, while the top sees one word with the cluster's meaning instead of a random
 * n-hop neighbour; the sets N_n(v) overlap and cannot be used that way.
 */
public final class TokenClusters {

    /** Lloyd iterations at most; they stop earlier once no assignment changes. */
    static final int MAX_ITERATIONS = 25;
    private static final int CHUNK = 4096;

    private final int[] cluster;
    private final int count;
    private final int iterations;

    private TokenClusters(int[] cluster, int count, int iterations) {
        this.cluster = cluster;
        this.count = count;
        this.iterations = iterations;
    }

    /**
     * @param r        the reference space
     * @param tokens   which ids are special or non-targets (never clustered)
     * @param k        number of clusters, 1 .. number of target types
     * @param seed     seed of the k-means++ draw (the partition is a function of R, k and seed)
     * @param manager  engine manager for the assignment products (nothing is left in it)
     */
    public static TokenClusters compute(ReferenceSpace r, SpecialTokens tokens, int k, long seed, NDManager manager) {
        int vocab = r.vocabSize();
        int d = r.dim();
        int[] types = java.util.stream.IntStream.range(0, vocab).filter(v -> !tokens.isNonTarget(v)).toArray();
        int t = types.length;
        if (k < 1 || k > t) {
            throw new InvalidInputException("mechanism spec", 0, "clusters",
                    "must be between 1 and the number of target types (" + t + "), got " + k);
        }
        float[] unit = HopDistances.unitRows(r);
        float[] x = new float[t * d];
        for (int i = 0; i < t; i++) {
            System.arraycopy(unit, types[i] * d, x, i * d, d);
        }
        int[] assign = new int[t];
        Arrays.fill(assign, -1);
        int it = 0;
        try (NDManager m = manager.newSubManager()) {
            NDArray xs = m.create(x, new Shape(t, d));
            float[] c = seedCentres(m, xs, x, t, d, k, new SplittableRandom(seed));
            while (it < MAX_ITERATIONS) {
                it++;
                int changed = assignStep(m, xs, c, t, d, k, assign);
                updateCentres(x, assign, c, t, d, k);
                if (changed == 0) {
                    break;
                }
            }
        }
        int[] cluster = new int[vocab];
        Arrays.fill(cluster, -1);
        for (int i = 0; i < t; i++) {
            cluster[types[i]] = assign[i];
        }
        return new TokenClusters(cluster, k, it);
    }

    /** k-means++: the first centre uniform, each next one with probability proportional to D^2. */
    private static float[] seedCentres(NDManager m, NDArray xs, float[] x, int t, int d, int k, SplittableRandom rnd) {
        float[] c = new float[k * d];
        double[] dist = new double[t];
        Arrays.fill(dist, Double.MAX_VALUE);
        int pick = rnd.nextInt(t);
        for (int j = 0; j < k; j++) {
            System.arraycopy(x, pick * d, c, j * d, d);
            float[] dots;
            try (NDArray centre = m.create(Arrays.copyOfRange(x, pick * d, (pick + 1) * d), new Shape(d, 1));
                    NDArray prod = xs.matMul(centre)) {
                dots = prod.toFloatArray();
            }
            double total = 0;
            for (int i = 0; i < t; i++) {
                double gap = Math.max(0, 1 - dots[i]);
                dist[i] = Math.min(dist[i], gap * gap);
                total += dist[i];
            }
            if (j + 1 == k) {
                break;
            }
            double u = rnd.nextDouble() * total;
            int next = t - 1;
            double run = 0;
            for (int i = 0; i < t; i++) {
                run += dist[i];
                if (run > u) {
                    next = i;
                    break;
                }
            }
            pick = next;
        }
        return c;
    }

    /** Each row to its most similar centre (cosine; ties to the lower index); returns how many changed. */
    private static int assignStep(NDManager m, NDArray xs, float[] c, int t, int d, int k, int[] assign) {
        int changed = 0;
        try (NDManager step = m.newSubManager()) {
            NDArray ct = step.create(c, new Shape(k, d)).transpose();
            for (int from = 0; from < t; from += CHUNK) {
                int to = Math.min(t, from + CHUNK);
                long[] best = xs.get(from + ":" + to).matMul(ct).argMax(1).toLongArray();
                for (int i = from; i < to; i++) {
                    int a = (int) best[i - from];
                    if (assign[i] != a) {
                        assign[i] = a;
                        changed++;
                    }
                }
            }
        }
        return changed;
    }

    /** Centres = normalised member means; an empty cluster keeps its centre. */
    private static void updateCentres(float[] x, int[] assign, float[] c, int t, int d, int k) {
        double[] sum = new double[k * d];
        int[] size = new int[k];
        for (int i = 0; i < t; i++) {
            int a = assign[i];
            size[a]++;
            for (int q = 0; q < d; q++) {
                sum[a * d + q] += x[i * d + q];
            }
        }
        for (int j = 0; j < k; j++) {
            if (size[j] == 0) {
                continue;
            }
            double sq = 0;
            for (int q = 0; q < d; q++) {
                sq += sum[j * d + q] * sum[j * d + q];
            }
            double inv = 1 / Math.max(Math.sqrt(sq), 1e-30);
            for (int q = 0; q < d; q++) {
                c[j * d + q] = (float) (sum[j * d + q] * inv);
            }
        }
    }

    /** The cluster of type v, or -1 for a special or non-target id. */
    public int of(int v) {
        return cluster[v];
    }

    /** K. */
    public int count() {
        return count;
    }

    /** Lloyd iterations run (<= {@link #MAX_ITERATIONS}). */
    public int iterations() {
        return iterations;
    }

    /** Per cluster its member types, ascending. */
    public int[][] members() {
        int[] size = new int[count];
        for (int a : cluster) {
            if (a >= 0) {
                size[a]++;
            }
        }
        int[][] out = new int[count][];
        for (int j = 0; j < count; j++) {
            out[j] = new int[size[j]];
        }
        int[] fill = new int[count];
        for (int v = 0; v < cluster.length; v++) {
            if (cluster[v] >= 0) {
                out[cluster[v]][fill[cluster[v]]++] = v;
            }
        }
        return out;
    }
}
