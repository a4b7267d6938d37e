package org.privtune.mechanism;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Shared batch plumbing of the representation-level mechanisms: flattening [B, T, d] to [N, d],
 * the eligibility mask (attention mask 1 and not a special id), the per-call seed, masking the
 * noise so that special and padding positions are returned bit-for-bit, and the report.
 * Subclasses only say what noise a batch of eligible rows gets.
 */
abstract class RepresentationMechanism implements NoiseMechanism {

    protected final MechanismSpec spec;
    /** Owns the mechanism's tables (special flags, scales, centroids); closed by {@link #close()}. */
    protected final NDManager tables;
    private final NDArray specialFlags;
    private long calls;
    private PerturbationReport last;

    protected RepresentationMechanism(MechanismSpec spec, SpecialTokens tokens, NDManager parent) {
        this.spec = spec;
        this.tables = parent.newSubManager();
        boolean[] s = tokens.specialFlags();
        float[] f = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            f[i] = s[i] ? 1f : 0f;
        }
        this.specialFlags = tables.create(f);
    }

    /**
     * What one batch of N flattened rows gets; every array must live in {@code m}. When
     * {@code masked}, noise and shift are already zero on ineligible rows (a subclass that folds
     * the mask into per-row scalars saves two passes over [N, d]).
     */
    protected record Noise(NDArray noise, NDArray shift, int[] targets, NDArray scales, boolean masked) {
        Noise(NDArray noise, NDArray shift, int[] targets, NDArray scales) {
            this(noise, shift, targets, scales, false);
        }
    }

    /**
     * The noise for flattened rows.
     *
     * @param m        scratch manager of this call
     * @param h        [N, d] representations
     * @param ids      [N] int64 token ids
     * @param eligible [N, 1] float32, 1 where the row may be perturbed
     * @param shape    the original [B, T, d] shape (for sentence-level operations)
     * @param seed     seed of this call
     */
    protected abstract Noise noise(NDManager m, NDArray h, NDArray ids, NDArray eligible, Shape shape, long seed);

    @Override
    public MechanismSpec spec() {
        return spec;
    }

    @Override
    public Perturbation perturb(NDArray hidden, NDArray tokenIds, NDArray attentionMask) {
        Shape shape = hidden.getShape();
        int n = (int) (shape.get(0) * shape.get(1));
        int d = (int) shape.get(2);
        long seed = TorchRandom.mix(spec.seed(), calls++);
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
            NDArray mask = maskView.toType(DataType.FLOAT32, false);
            NDArray special = gather(specialFlags, m, ids);
            NDArray eligible = mask.neq(0).toType(DataType.FLOAT32, false).mul(special.neg().add(1)).reshape(n, 1);
            Noise z = noise(m, h, ids, eligible, shape, seed);
            NDArray masked = z.masked() ? z.noise() : z.noise().mul(eligible);
            NDArray result = h.add(masked).reshape(shape);
            float[] el = eligible.toFloatArray();
            int perturbed = 0;
            for (float e : el) {
                perturbed += e > 0 ? 1 : 0;
            }
            float[] noiseNorms = masked.norm(new int[] {1}).toFloatArray();
            float[] shiftNorms = z.shift() == null ? new float[n]
                    : (z.masked() ? z.shift() : z.shift().mul(eligible)).norm(new int[] {1}).toFloatArray();
            int[] targets = new int[n];
            for (int i = 0; i < n; i++) {
                targets[i] = z.targets() != null && el[i] > 0 ? z.targets()[i] : -1;
            }
            float[] scales = z.scales() == null ? ones(n) : z.scales().reshape(n).toFloatArray();
            last = new PerturbationReport(spec.toString(), n, perturbed, noiseNorms, shiftNorms, targets, scales);
            result.attach(out);
            return new Perturbation(result, last);
        }
    }

    @Override
    public PerturbationReport lastReport() {
        return last;
    }

    @Override
    public void close() {
        tables.close();
    }

    /** Rows of {@code table} at {@code ids} [N], allocated in {@code m}. */
    static NDArray gather(NDArray table, NDManager m, NDArray ids) {
        return table.get(m, new NDIndex("{}", ids));
    }

    /** 1 - special flag as [N, 1] float for rows of ids (used by deterministic parts). */
    protected NDArray nonSpecial(NDManager m, NDArray ids) {
        return gather(specialFlags, m, ids).neg().add(1).reshape(-1, 1);
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }
}
