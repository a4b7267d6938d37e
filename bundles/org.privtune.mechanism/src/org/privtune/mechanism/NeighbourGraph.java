package org.privtune.mechanism;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The exact k-nearest-neighbour graph over the reference space by cosine similarity: for each
 * token v, the k other tokens u with the largest cos(R[v], R[u]), best first, never v itself and
 * never a non-target id (special tokens, placeholders). Built as blocked matrix products
 * R_n[block] x R_n^T plus top-k on the PyTorch engine; cached on disk.
 */
public final class NeighbourGraph {

    private static final int MAGIC = 0x50544e47; // "PTNG"

    private final int vocabSize;
    private final int k;
    private final int[] neighbours;
    private final float[] similarities;

    private NeighbourGraph(int vocabSize, int k, int[] neighbours, float[] similarities) {
        this.vocabSize = vocabSize;
        this.k = k;
        this.neighbours = neighbours;
        this.similarities = similarities;
    }

    /**
     * Builds the graph. Row blocks of {@code blockRows} keep the similarity block at
     * blockRows x V floats (1024 x 30,522 = 125 MB).
     */
    public static NeighbourGraph build(ReferenceSpace r, int k, SpecialTokens tokens, NDManager manager, int blockRows,
            Progress progress) {
        int v = r.vocabSize();
        boolean[] nonTarget = tokens.nonTargetFlags();
        int candidates = 0;
        for (boolean b : nonTarget) {
            candidates += b ? 0 : 1;
        }
        if (k < 1 || k >= candidates) {
            throw new IllegalArgumentException("k must be in [1, " + (candidates - 1) + "], got " + k);
        }
        int[] nbr = new int[v * k];
        float[] sim = new float[v * k];
        progress.begin("Neighbour graph (k=" + k + ")", v);
        // Columns are the candidate (target) tokens only: no mask pass over the similarity block.
        int[] cand = new int[candidates];
        for (int i = 0, c = 0; i < v; i++) {
            if (!nonTarget[i]) {
                cand[c++] = i;
            }
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray rn = r.toNDArray(m);
            rn = rn.div(rn.norm(new int[] {1}, true).maximum(1e-12f));
            NDArray candT = rn.get(m, new NDIndex("{}", m.create(cand))).transpose();
            for (int start = 0; start < v; start += blockRows) {
                progress.checkCancelled();
                int b = Math.min(blockRows, v - start);
                try (NDManager blk = m.newSubManager()) {
                    NDArray rows = rn.get(blk, new NDIndex(start + ":" + (start + b)));
                    NDArray s = rows.matMul(candT);
                    // k + 1 so that dropping v itself (always its own best match) leaves k.
                    NDList top = s.topK(k + 1, 1, true, true);
                    float[] vals = top.get(0).toFloatArray();
                    long[] idx = top.get(1).toType(DataType.INT64, false).toLongArray();
                    for (int i = 0; i < b; i++) {
                        int self = start + i;
                        int out = self * k;
                        int filled = 0;
                        for (int j = 0; j <= k && filled < k; j++) {
                            int u = cand[(int) idx[i * (k + 1) + j]];
                            if (u == self) {
                                continue;
                            }
                            nbr[out + filled] = u;
                            sim[out + filled] = vals[i * (k + 1) + j];
                            filled++;
                        }
                    }
                }
                progress.worked(b);
            }
        } finally {
            progress.done();
        }
        return new NeighbourGraph(v, k, nbr, sim);
    }

    /** The cached graph for (weights, split, k, non-target set), built and written on a miss. */
    public static NeighbourGraph loadOrBuild(Path cacheDir, String weightsChecksum, int splitLayer, ReferenceSpace r,
            int k, SpecialTokens tokens, NDManager manager, Progress progress) {
        Path file = cacheFile(cacheDir, weightsChecksum, splitLayer, k, tokens);
        if (Files.isRegularFile(file)) {
            NeighbourGraph g = load(file);
            if (g.vocabSize == r.vocabSize() && g.k == k) {
                return g;
            }
        }
        NeighbourGraph g = build(r, k, tokens, manager, 1024, progress);
        g.save(file);
        return g;
    }

    public static Path cacheFile(Path cacheDir, String weightsChecksum, int splitLayer, int k, SpecialTokens tokens) {
        String key = CacheFiles.key("graph-v1", weightsChecksum, splitLayer, k,
                Arrays.hashCode(tokens.nonTargetFlags()));
        return cacheDir.resolve("graph-" + key.substring(0, 24) + ".bin");
    }

    public void save(Path file) {
        CacheFiles.write(file, MAGIC, new int[] {vocabSize, k}, similarities, neighbours);
    }

    public static NeighbourGraph load(Path file) {
        CacheFiles.Content c = CacheFiles.read(file, MAGIC);
        if (c.header().length != 2) {
            throw new InvalidInputException(file.toString(), 0, "shape", "expected [V, k] header");
        }
        int v = c.header()[0];
        int k = c.header()[1];
        if (v <= 0 || k <= 0 || c.payload().remaining() != 8L * v * k) {
            throw new InvalidInputException(file.toString(), 0, "payload", "size does not match [" + v + ", " + k + "]");
        }
        float[] sim = c.floats(v * k);
        int[] nbr = c.ints(v * k);
        return new NeighbourGraph(v, k, nbr, sim);
    }

    /** Wraps precomputed neighbour lists (row-major [V, k], best first). */
    public static NeighbourGraph of(int vocabSize, int k, int[] neighbours, float[] similarities) {
        return new NeighbourGraph(vocabSize, k, neighbours, similarities);
    }

    /** The graph with each list cut to its first {@code k2 <= k} entries (the exact k2-NN graph). */
    public NeighbourGraph truncate(int k2) {
        if (k2 == k) {
            return this;
        }
        if (k2 < 1 || k2 > k) {
            throw new IllegalArgumentException("cannot truncate a k=" + k + " graph to k=" + k2);
        }
        int[] nb = new int[vocabSize * k2];
        float[] sm = new float[vocabSize * k2];
        for (int v = 0; v < vocabSize; v++) {
            System.arraycopy(neighbours, v * k, nb, v * k2, k2);
            System.arraycopy(similarities, v * k, sm, v * k2, k2);
        }
        return new NeighbourGraph(vocabSize, k2, nb, sm);
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int k() {
        return k;
    }

    /** The k neighbours of v, best first (copy). */
    public int[] neighboursOf(int v) {
        return Arrays.copyOfRange(neighbours, v * k, (v + 1) * k);
    }

    /** Cosine similarities matching {@link #neighboursOf(int)} (copy). */
    public float[] similaritiesOf(int v) {
        return Arrays.copyOfRange(similarities, v * k, (v + 1) * k);
    }

    /** Row-major [V, k] neighbour ids (not copied: do not modify). */
    public int[] neighbours() {
        return neighbours;
    }

    /** Row-major [V, k] similarities (not copied: do not modify). */
    public float[] similarities() {
        return similarities;
    }
}
