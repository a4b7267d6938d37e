package org.privtune.attack;

import java.util.function.Supplier;

import org.privtune.mechanism.NoiseMechanism;
import org.privtune.mechanism.ReferenceSpace;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A1, nearest-neighbour inversion: each received vector is mapped to the closest rows of a table
 * with one row per vocabulary token, by cosine similarity or by L2 distance. The plain attack uses
 * the reference space R; the mechanism-aware attack uses R with the mechanism's deterministic part
 * applied to every row ({@link NoiseMechanism#deterministicPart}), which undoes a mean shift.
 * Excluded ids (special tokens, placeholders) are never guessed: the attacker knows they are not
 * sent perturbed. Scores are computed as blocked matrix products on the engine.
 */
public final class NearestNeighbourInversion implements AutoCloseable {

    public enum Metric {
        COSINE, L2
    }

    /** The four A1 variants and the strongest of them by top-1. */
    public record Result(TokenRecovery plainCosine, TokenRecovery plainL2, TokenRecovery awareCosine,
            TokenRecovery awareL2) {

        public TokenRecovery strongest() {
            TokenRecovery best = plainCosine;
            for (TokenRecovery r : new TokenRecovery[] {plainL2, awareCosine, awareL2}) {
                if (r.top1() > best.top1() || (r.top1() == best.top1() && r.top5() > best.top5())) {
                    best = r;
                }
            }
            return best;
        }

        /** Strongest mechanism-aware variant. */
        public TokenRecovery aware() {
            return awareCosine.top1() >= awareL2.top1() ? awareCosine : awareL2;
        }

        /** Strongest plain variant. */
        public TokenRecovery plain() {
            return plainCosine.top1() >= plainL2.top1() ? plainCosine : plainL2;
        }
    }

    private static final int QUERY_BLOCK = 256;
    /** Block of {@link #topKBoth}: smaller, so that a cancelled tuner point stops within ~30 ms. */
    private static final int CHECKED_BLOCK = 128;

    private final NDManager tables;
    /** Rows of the candidate ids only (excluded ids removed), so that no score needs a penalty. */
    private final NDArray table;
    /** max(||r||, 1e-12) per candidate row. */
    private final NDArray rowNorms;
    private final NDArray unitTable;
    private final NDArray halfSquaredNorms;
    /** Candidate row index -> token id. */
    private final long[] candidateIds;

    /**
     * @param table    [V, d] float32 rows (copied into this attack's own manager)
     * @param excluded per id, true when it is never a guess (may be null)
     */
    public NearestNeighbourInversion(NDArray table, boolean[] excluded, NDManager manager) {
        this.tables = manager.newSubManager();
        int v = (int) table.getShape().get(0);
        int candidates = 0;
        for (int i = 0; i < v; i++) {
            candidates += excluded != null && excluded[i] ? 0 : 1;
        }
        this.candidateIds = new long[candidates];
        for (int i = 0, j = 0; i < v; i++) {
            if (excluded == null || !excluded[i]) {
                candidateIds[j++] = i;
            }
        }
        try (NDManager m = tables.newSubManager()) {
            // A real copy (gather or duplicate): DJL's toType(same type, copy=true) returns an alias of
            // the storage, and a table built in a sub-manager that closes right after (plain, aware)
            // would then point at memory the garbage collector frees (a native crash in the matmul).
            NDArray t = table.getDataType() == DataType.FLOAT32 ? table : table.toType(DataType.FLOAT32, false);
            NDArray rows = candidates == v ? t.duplicate() : t.get(m, new NDIndex("{}", m.create(candidateIds)));
            this.table = rows;
            this.table.attach(tables);
            if (t != table) {
                t.close();
            }
        }
        this.rowNorms = this.table.norm(new int[] {1}).maximum(1e-12f);
        this.unitTable = this.table.div(rowNorms.reshape(candidates, 1));
        this.halfSquaredNorms = this.table.square().sum(new int[] {1}).mul(0.5f);
    }

    /** The table R (plain attack). */
    public static NearestNeighbourInversion plain(ReferenceSpace r, boolean[] excluded, NDManager manager) {
        try (NDManager m = manager.newSubManager()) {
            return new NearestNeighbourInversion(r.toNDArray(m), excluded, manager);
        }
    }

    /** The table R with the mechanism's deterministic part applied to every row v (as token v). */
    public static NearestNeighbourInversion aware(ReferenceSpace r, NoiseMechanism mechanism, boolean[] excluded,
            NDManager manager) {
        try (NDManager m = manager.newSubManager()) {
            NDArray ids = m.arange(0, r.vocabSize(), 1, DataType.INT64);
            NDArray shifted = mechanism.deterministicPart(r.toNDArray(m), ids);
            return new NearestNeighbourInversion(shifted, excluded, manager);
        }
    }

    /** The {@code k} best ids per query row [n, d], best first. */
    public long[][] topK(NDArray queries, Metric metric, int k) {
        int n = (int) queries.getShape().get(0);
        long[][] out = new long[n][];
        for (int start = 0; start < n; start += QUERY_BLOCK) {
            int end = Math.min(n, start + QUERY_BLOCK);
            try (NDManager m = tables.newSubManager()) {
                NDArray q = queries.get(start + ":" + end).toType(DataType.FLOAT32, true);
                q.attach(m);
                NDArray scores;
                if (metric == Metric.COSINE) {
                    NDArray qn = q.div(q.norm(new int[] {1}, true).maximum(1e-12f));
                    scores = qn.matMul(unitTable.transpose());
                } else {
                    // argmin ||q - r||^2 = argmax q.r - ||r||^2 / 2
                    scores = q.matMul(table.transpose()).subi(halfSquaredNorms);
                }
                best(scores, k, out, start);
            }
        }
        return out;
    }

    /**
     * The {@code k} best ids per query row by cosine ([0]) and by L2 ([1]) from one matrix product
     * per block: both rankings are q.r up to a per-candidate term (cosine divides by ||r||, L2
     * subtracts ||r||^2 / 2), so the Noise Tuner pays for one product instead of two. Equal to
     * {@link #topK} up to float rounding of near-ties (the experiment runner keeps topK).
     *
     * @param betweenBlocks run before each block of 128 queries (a cancellation check)
     */
    public long[][][] topKBoth(NDArray queries, int k, Runnable betweenBlocks) {
        int n = (int) queries.getShape().get(0);
        long[][][] out = new long[2][n][];
        for (int start = 0; start < n; start += CHECKED_BLOCK) {
            betweenBlocks.run();
            int end = Math.min(n, start + CHECKED_BLOCK);
            try (NDManager m = tables.newSubManager()) {
                NDArray q = queries.get(start + ":" + end).toType(DataType.FLOAT32, true);
                q.attach(m);
                NDArray dot = q.matMul(table.transpose());
                best(dot.div(rowNorms), k, out[0], start);
                best(dot.subi(halfSquaredNorms), k, out[1], start);
            }
        }
        return out;
    }

    /** The k best token ids of each row of {@code scores} [rows, candidates] into out[start...]. */
    private void best(NDArray scores, int k, long[][] out, int start) {
        int rows = (int) scores.getShape().get(0);
        int kk = Math.min(k, (int) scores.getShape().get(1));
        long[] idx = scores.topK(kk, 1, true, true).get(1).toType(DataType.INT64, false).toLongArray();
        for (int i = 0; i < rows; i++) {
            long[] row = new long[kk];
            for (int j = 0; j < kk; j++) {
                row[j] = candidateIds[(int) idx[i * kk + j]];
            }
            out[start + i] = row;
        }
    }

    /** Top-1/top-5 recovery over the scored positions. */
    public TokenRecovery evaluate(ObservedRepresentations observed, Metric metric) {
        TokenRecovery total = TokenRecovery.EMPTY;
        for (ObservedRepresentations.Batch b : observed.batches()) {
            if (b.scoredCount() == 0) {
                continue;
            }
            try (NDManager m = tables.newSubManager()) {
                total = total.plus(TokenRecovery.score(topK(b.scoredRows(m), metric, 5), b.scoredIds()));
            }
        }
        return total;
    }

    /** Per scored position of {@code observed} (in order), the {@code k} best ids. */
    public long[][] guesses(ObservedRepresentations observed, Metric metric, int k) {
        java.util.List<long[]> rows = new java.util.ArrayList<>();
        for (ObservedRepresentations.Batch b : observed.batches()) {
            if (b.scoredCount() == 0) {
                continue;
            }
            try (NDManager m = tables.newSubManager()) {
                java.util.Collections.addAll(rows, topK(b.scoredRows(m), metric, k));
            }
        }
        return rows.toArray(new long[0][]);
    }

    /**
     * All four A1 variants against one mechanism. For zero-mean mechanisms (deterministic part =
     * identity) the aware table equals R and the aware figures are the plain ones.
     *
     * @param mechanism the mechanism the attacker knows (null: plain only, aware = plain)
     */
    public static Result run(ReferenceSpace r, NoiseMechanism mechanism, boolean[] excluded,
            ObservedRepresentations observed, NDManager manager) {
        boolean identity = mechanism == null || isIdentity(r, mechanism, manager);
        return evaluateAll(r, identity ? null : () -> aware(r, mechanism, excluded, manager), excluded, observed,
                manager);
    }

    /**
     * All four A1 variants with the aware attacker's table already built (e.g. the one an export
     * writes, so that it is not computed twice).
     *
     * @param awareTable [V, d] rows of R with the deterministic part applied (null: aware = plain)
     */
    public static Result runWithAwareTable(ReferenceSpace r, NDArray awareTable, boolean[] excluded,
            ObservedRepresentations observed, NDManager manager) {
        return evaluateAll(r, awareTable == null ? null : () -> new NearestNeighbourInversion(awareTable, excluded,
                manager), excluded, observed, manager);
    }

    private static Result evaluateAll(ReferenceSpace r, Supplier<NearestNeighbourInversion> awareAttack,
            boolean[] excluded, ObservedRepresentations observed, NDManager manager) {
        TokenRecovery pc;
        TokenRecovery pl;
        try (NearestNeighbourInversion plain = plain(r, excluded, manager)) {
            pc = plain.evaluate(observed, Metric.COSINE);
            pl = plain.evaluate(observed, Metric.L2);
        }
        if (awareAttack == null) {
            return new Result(pc, pl, pc, pl);
        }
        try (NearestNeighbourInversion aware = awareAttack.get()) {
            return new Result(pc, pl, aware.evaluate(observed, Metric.COSINE), aware.evaluate(observed, Metric.L2));
        }
    }

    /** True when the deterministic part leaves a sample of rows of R unchanged. */
    public static boolean isIdentity(ReferenceSpace r, NoiseMechanism mechanism, NDManager manager) {
        int v = r.vocabSize();
        int n = Math.min(v, 256);
        long[] ids = new long[n];
        float[] rows = new float[n * r.dim()];
        for (int i = 0; i < n; i++) {
            ids[i] = (long) i * v / n;
            System.arraycopy(r.data(), (int) ids[i] * r.dim(), rows, i * r.dim(), r.dim());
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray h = m.create(rows, new Shape(n, r.dim()));
            NDArray out = mechanism.deterministicPart(h, m.create(ids));
            return out.sub(h).abs().max().getFloat() == 0f;
        }
    }

    @Override
    public void close() {
        tables.close();
    }
}
