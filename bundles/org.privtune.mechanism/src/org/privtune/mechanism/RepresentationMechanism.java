package org.privtune.mechanism;

import org.privtune.model.TextTokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;

/**
 * Shared batch plumbing of the representation-level mechanisms: flattening [B, T, d] to [N, d],
 * the eligibility mask (attention mask 1 and not a special id), the per-call seed, and the report.
 * Subclasses only say what noise a batch of eligible rows gets.
 *
 * <p>Why the hot path looks the way it does (a budget of 5% of the bottom forward, docs/benchmarks.md): every
 * fresh [N, d] tensor costs more in page faults than the arithmetic on it (glibc hands large
 * blocks back to the kernel on free), so mechanisms fold per-row factors (eligibility, importance
 * scale, radius) into Java scalars and scale their few big tensors in place; the eligibility mask
 * and the report's per-row numbers are computed in Java on N values, not on the engine.
 */
abstract class RepresentationMechanism implements NoiseMechanism {

    protected final MechanismSpec spec;
    /** Owns the mechanism's tables (centroids, directions); closed by {@link #close()}. */
    protected final NDManager tables;
    /** The mechanism's randomness: secret unless the spec fixes a seed. */
    protected final Draws draws;
    private final boolean[] special;
    private final LengthBuckets lengths;
    private long calls;
    private PerturbationReport last;

    /** Per special id, the public row sent in its place under {@code specials=public} (else null). */
    private final float[][] publicRows;

    /**
     * @param reference the public reference space (the row of a special token alone is what
     *                  {@code specials=public} sends in its place); may be null only when the spec
     *                  does not ask for public special rows
     */
    protected RepresentationMechanism(MechanismSpec spec, SpecialTokens tokens, ReferenceSpace reference,
            NDManager parent) {
        this.spec = spec;
        this.tables = parent.newSubManager();
        this.draws = Draws.of(spec);
        this.special = tokens.specialFlags();
        this.lengths = new LengthBuckets(spec.lengths(), tokens, draws);
        if (MechanismSpec.SPECIALS_PUBLIC.equals(spec.specials())) {
            if (reference == null) {
                throw new IllegalArgumentException("specials=public needs the reference space");
            }
            this.publicRows = new float[special.length][];
            for (int v = 0; v < special.length; v++) {
                if (special[v] && v < reference.vocabSize()) {
                    publicRows[v] = reference.row(v);
                }
            }
        } else {
            this.publicRows = null;
        }
    }

    /**
     * One flattened batch as a subclass sees it.
     *
     * @param m        scratch manager of this call; every array a subclass makes must live here
     * @param h        [N, d] representations (read only: it is the caller's tensor)
     * @param ids      [N] int64 token ids
     * @param idArr    the same ids in Java
     * @param eligible per row 1 where the row may be perturbed, else 0
     * @param shape    the original [B, T, d] shape (for sentence-level operations)
     * @param seed     fixed-seed runs: the seed of this call (ignored by {@link Draws} otherwise)
     */
    protected record Batch(NDManager m, NDArray h, NDArray ids, long[] idArr, float[] eligible, Shape shape,
            long seed) {

        int rows() {
            return idArr.length;
        }

        int dim() {
            return (int) h.getShape().get(1);
        }

        /** eligible as an [N, 1] column in m. */
        NDArray eligibleColumn() {
            return column(eligible);
        }

        /** Per-row scalars as an [N, 1] column in m. */
        NDArray column(float[] values) {
            return m.create(values, new Shape(values.length, 1));
        }
    }

    /**
     * What one batch gets.
     *
     * @param noise      [N, d] in the batch's manager, already zero on ineligible rows, owned by
     *                   the call: the output is made by adding h to it in place
     * @param shiftNorms per row the norm of the deterministic part of the noise, null when zero
     * @param targets    per row a target token id (-1 for none), or null
     * @param scales     per row the importance scale, or null when no scaling applies
     */
    protected record Noise(NDArray noise, float[] shiftNorms, int[] targets, float[] scales) {
    }

    /** The noise for one flattened batch. */
    protected abstract Noise noise(Batch batch);

    /**
     * d_chi noise for the batch's eligible rows, each row times its scale (null: 1): one normal
     * draw, one row norm and one in-place scaling by a per-row factor that also carries the
     * eligibility and the Gamma radius.
     */
    protected NDArray dchi(Batch b, double eps, float[] rowScale) {
        int n = b.rows();
        int d = b.dim();
        NDArray g = draws.normal(b.m(), new Shape(n, d), b.seed());
        float[] gn = g.norm(new int[] {1}).toFloatArray();
        float[] r = DChiNoise.radii(n, d, 1.0 / eps, draws.generator(TorchRandom.mix(b.seed(), 7)));
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = b.eligible()[i] * (rowScale == null ? 1f : rowScale[i]) * r[i] / Math.max(gn[i], 1e-30f);
        }
        return g.muli(b.column(f));
    }

    /** {@code lengths=B}: pads every sentence to a multiple of B ({@link LengthBuckets}). */
    @Override
    public TextTokenizer.Batch hideLengths(TextTokenizer.Batch batch) {
        return lengths.apply(batch);
    }

    @Override
    public MechanismSpec spec() {
        return spec;
    }

    @Override
    public Perturbation perturb(NDArray hidden, NDArray tokenIds, NDArray attentionMask) {
        Shape shape = hidden.getShape();
        int n = (int) (shape.get(0) * shape.get(1));
        int d = (int) shape.get(2);
        long seed = draws.callSeed(0L, calls++);
        NDManager out = hidden.getManager();
        try (NDManager m = out.newSubManager()) {
            NDArray h = hidden.reshape(n, d);
            h.attach(m);
            // Views first attached to the scratch manager, so that no conversion lands in the caller's.
            NDArray idView = tokenIds.reshape(n);
            idView.attach(m);
            NDArray ids = idView.toType(DataType.INT64, false);
            NDArray maskView = attentionMask.reshape(n);
            maskView.attach(m);
            long[] idArr = ids.toLongArray();
            long[] mask = maskView.toType(DataType.INT64, false).toLongArray();
            float[] el = new float[n];
            int perturbed = 0;
            for (int i = 0; i < n; i++) {
                boolean ok = mask[i] != 0 && !isSpecial(idArr[i]);
                el[i] = ok ? 1f : 0f;
                perturbed += ok ? 1 : 0;
            }
            Noise z = noise(new Batch(m, h, ids, idArr, el, shape, seed));
            // the report covers the eligible rows; special rows are handled after it
            float[] noiseNorms = z.noise().norm(new int[] {1}).toFloatArray();
            NDArray sum = z.noise().addi(h);
            protectSpecialRows(sum, h, idArr, mask, d, seed);
            NDArray result = sum.reshape(shape);
            float[] shiftNorms = z.shiftNorms() == null ? new float[n] : z.shiftNorms();
            int[] targets = new int[n];
            for (int i = 0; i < n; i++) {
                targets[i] = z.targets() != null && el[i] > 0 ? z.targets()[i] : -1;
            }
            float[] scales = z.scales() == null ? ones(n) : z.scales();
            last = new PerturbationReport(spec.toString(), n, perturbed, noiseNorms, shiftNorms, targets, scales);
            result.attach(out);
            return new Perturbation(result, last);
        }
    }

    /**
     * The rows of special tokens ([CLS], [SEP]) the cloud receives: the bottom computes them from
     * the whole clean sentence, so sent as they are they carry its bag of words past every
     * token-level perturbation. {@code specials=public} puts the token's public reference row in
     * their place; {@code specials=perturb} adds d_chi noise at the mechanism's eps (no shift).
     * Only the few special rows of the batch are touched (an indexed write, no [N, d] temporary).
     */
    private void protectSpecialRows(NDArray sum, NDArray h, long[] idArr, long[] mask, int d, long seed) {
        if (MechanismSpec.SPECIALS_CLEAN.equals(spec.specials())) {
            return;
        }
        int count = 0;
        for (int i = 0; i < idArr.length; i++) {
            count += mask[i] != 0 && isSpecial(idArr[i]) ? 1 : 0;
        }
        if (count == 0) {
            return;
        }
        long[] rows = new long[count];
        int j = 0;
        for (int i = 0; i < idArr.length; i++) {
            if (mask[i] != 0 && isSpecial(idArr[i])) {
                rows[j++] = i;
            }
        }
        NDManager m = sum.getManager();
        NDArray index = m.create(rows);
        NDArray values;
        if (publicRows != null) {
            float[] v = new float[count * d];
            for (int r = 0; r < count; r++) {
                float[] row = publicRows[(int) idArr[(int) rows[r]]];
                if (row != null) {
                    System.arraycopy(row, 0, v, r * d, d);
                }
            }
            values = m.create(v, new Shape(count, d));
        } else {
            NDArray g = draws.normal(m, new Shape(count, d), TorchRandom.mix(seed, 23));
            float[] gn = g.norm(new int[] {1}).toFloatArray();
            float[] radius = DChiNoise.radii(count, d, 1.0 / spec.eps(), draws.generator(TorchRandom.mix(seed, 29)));
            float[] f = new float[count];
            for (int r = 0; r < count; r++) {
                f[r] = radius[r] / Math.max(gn[r], 1e-30f);
            }
            values = h.get(new NDIndex("{}", index)).add(g.muli(m.create(f, new Shape(count, 1))));
        }
        sum.set(new NDIndex("{}", index), values);
    }

    /** Special, padding-like or out-of-vocabulary ids: never perturbed. */
    protected boolean isSpecial(long id) {
        return id < 0 || id >= special.length || special[(int) id];
    }

    @Override
    public PerturbationReport lastReport() {
        return last;
    }

    @Override
    public void close() {
        draws.close();
        tables.close();
    }

    /**
     * Rows of {@code table} at {@code ids} [N], allocated in {@code m}. A [V, d] table with int64
     * ids goes through the engine's embedding lookup (a row-wise index_select), which gives the
     * same values as advanced indexing in about 60% of its time here (1.1 against 1.8 ms for 2,048
     * rows of 384, docs/design-notes.md); other tables and id types use the indexing.
     */
    static NDArray gather(NDArray table, NDManager m, NDArray ids) {
        if (table.getShape().dimension() == 2 && ids.getShape().dimension() == 1
                && ids.getDataType() == DataType.INT64 && table.getDataType() == DataType.FLOAT32) {
            NDArray rows = table.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).get(0);
            rows.attach(m);
            return rows;
        }
        return table.get(m, new NDIndex("{}", ids));
    }

    /** Per row 1 - special flag (1 where a deterministic part applies). */
    protected float[] nonSpecial(long[] ids) {
        float[] k = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            k[i] = isSpecial(ids[i]) ? 0f : 1f;
        }
        return k;
    }

    /** Token ids of any integer type as Java longs, leaving no conversion behind in their manager. */
    static long[] longIds(NDArray ids) {
        if (ids.getDataType() == DataType.INT64) {
            return ids.toLongArray();
        }
        try (NDArray c = ids.toType(DataType.INT64, true)) {
            return c.toLongArray();
        }
    }

    /** Per-row dot products a_i . b_i of two [N, d] arrays, without an [N, d] temporary. */
    static float[] rowDots(NDArray a, NDArray b) {
        int n = (int) a.getShape().get(0);
        int d = (int) a.getShape().get(1);
        return a.reshape(n, 1, d).batchMatMul(b.reshape(n, d, 1)).toFloatArray();
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }
}
