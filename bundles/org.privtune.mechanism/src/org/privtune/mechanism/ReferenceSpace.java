package org.privtune.mechanism;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The reference matrix R [V, d]: one row per vocabulary token, in the space of the bottom model's
 * output at the split layer L. The neighbour graph, the mechanisms' targets and the inversion
 * attacks all use the same R.
 *
 * <p>Our choice, for every split including L = 0: R[v] is the bottom output at position 1 of the
 * three-token input {@code [CLS] v [SEP]} (token type 0, full attention). At L = 0 this is
 * LayerNorm(word[v] + position[1] + type[0]), the embedding module's output; at L > 0 it is v's
 * representation in the shortest fixed context a BERT model is trained on.
 */
public final class ReferenceSpace {

    private static final int MAGIC = 0x50545253; // "PTRS"

    /** Computes bottom outputs for a batch: ids and mask int64 [B, T] to float32 [B, T, d]. */
    @FunctionalInterface
    public interface BottomEncoder {
        NDArray encode(NDArray tokenIds, NDArray attentionMask);
    }

    private final int vocabSize;
    private final int dim;
    private final float[] data;

    private ReferenceSpace(int vocabSize, int dim, float[] data) {
        if (data.length != (long) vocabSize * dim) {
            throw new IllegalArgumentException("data length " + data.length + " != " + vocabSize + " x " + dim);
        }
        this.vocabSize = vocabSize;
        this.dim = dim;
        this.data = data;
    }

    /** Wraps a row-major [V, d] matrix (not copied). */
    public static ReferenceSpace of(float[] rowMajor, int vocabSize, int dim) {
        return new ReferenceSpace(vocabSize, dim, rowMajor);
    }

    /** Copies a [V, d] float32 array. */
    public static ReferenceSpace of(NDArray matrix) {
        Shape s = matrix.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("reference matrix must be [V, d], got " + s);
        }
        return new ReferenceSpace((int) s.get(0), (int) s.get(1), matrix.toType(DataType.FLOAT32, false).toFloatArray());
    }

    /**
     * Runs the encoder over every token v as {@code [CLS] v [SEP]} in batches and keeps position 1.
     *
     * @param batchSize tokens per encoder call (e.g. 1024)
     */
    public static ReferenceSpace compute(NDManager manager, BottomEncoder encoder, int vocabSize, int clsId, int sepId,
            int batchSize, Progress progress) {
        progress.begin("Reference space (" + vocabSize + " tokens)", vocabSize);
        float[] out = null;
        int d = -1;
        try {
            for (int start = 0; start < vocabSize; start += batchSize) {
                progress.checkCancelled();
                int b = Math.min(batchSize, vocabSize - start);
                long[] ids = new long[3 * b];
                for (int i = 0; i < b; i++) {
                    ids[3 * i] = clsId;
                    ids[3 * i + 1] = start + i;
                    ids[3 * i + 2] = sepId;
                }
                try (NDManager sub = manager.newSubManager()) {
                    NDArray idArr = sub.create(ids, new Shape(b, 3));
                    NDArray mask = sub.ones(new Shape(b, 3), DataType.INT64);
                    NDArray h = encoder.encode(idArr, mask);
                    NDArray row = h.get(":, 1, :").toType(DataType.FLOAT32, false);
                    if (out == null) {
                        d = (int) row.getShape().get(1);
                        out = new float[vocabSize * d];
                    }
                    float[] part = row.toFloatArray();
                    System.arraycopy(part, 0, out, start * d, part.length);
                }
                progress.worked(b);
            }
        } finally {
            progress.done();
        }
        return new ReferenceSpace(vocabSize, d, out);
    }

    /**
     * The cached R for (weights, split) in {@code cacheDir}, computed and written on a miss.
     *
     * @param weightsChecksum checksum of the model weights (any stable string, e.g. SHA-256 of the file)
     */
    public static ReferenceSpace loadOrCompute(Path cacheDir, String weightsChecksum, int splitLayer, NDManager manager,
            BottomEncoder encoder, int vocabSize, int clsId, int sepId, int batchSize, Progress progress) {
        Path file = cacheFile(cacheDir, weightsChecksum, splitLayer);
        if (Files.isRegularFile(file)) {
            ReferenceSpace r = load(file);
            if (r.vocabSize == vocabSize) {
                return r;
            }
        }
        ReferenceSpace r = compute(manager, encoder, vocabSize, clsId, sepId, batchSize, progress);
        r.save(file);
        return r;
    }

    public static Path cacheFile(Path cacheDir, String weightsChecksum, int splitLayer) {
        return cacheDir.resolve("reference-" + CacheFiles.key("reference-v1", weightsChecksum, splitLayer).substring(0, 24)
                + ".bin");
    }

    public void save(Path file) {
        CacheFiles.write(file, MAGIC, new int[] {vocabSize, dim}, data, null);
    }

    public static ReferenceSpace load(Path file) {
        CacheFiles.Content c = CacheFiles.read(file, MAGIC);
        if (c.header().length != 2 || c.header()[0] <= 0 || c.header()[1] <= 0) {
            throw new InvalidInputException(file.toString(), 0, "shape", "expected [V, d] header");
        }
        int v = c.header()[0];
        int d = c.header()[1];
        if (c.payload().remaining() != 4L * v * d) {
            throw new InvalidInputException(file.toString(), 0, "payload", "expected " + (4L * v * d) + " bytes");
        }
        return new ReferenceSpace(v, d, c.floats(v * d));
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int dim() {
        return dim;
    }

    /** Row v, copied. */
    public float[] row(int v) {
        return Arrays.copyOfRange(data, v * dim, (v + 1) * dim);
    }

    /** The backing row-major array (not copied: do not modify). */
    public float[] data() {
        return data;
    }

    /** R as a float32 [V, d] array in {@code manager}. */
    public NDArray toNDArray(NDManager manager) {
        return manager.create(data, new Shape(vocabSize, dim));
    }
}
