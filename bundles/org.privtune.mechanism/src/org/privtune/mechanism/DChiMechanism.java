package org.privtune.mechanism;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * {@code dchi} and {@code sap}: z with density proportional to exp(-eps ||z||) added to every
 * eligible token (Feyisetan et al. 2020). For {@code sap} each token's noise is scaled by
 * s = 1 - alpha w(v) from its TF-IDF importance (SAP's contributing-token identification;
 * equivalently a per-token budget eps / s). Zero-mean, so the deterministic part is the identity.
 */
final class DChiMechanism extends RepresentationMechanism {

    /** Per-type scale s(v), or null for plain d_chi. */
    private final float[] scale;

    /** @param importance null for plain d_chi */
    DChiMechanism(MechanismSpec spec, SpecialTokens tokens, TokenImportance importance, NDManager parent) {
        super(spec, tokens, parent);
        this.scale = importance == null ? null : importance.scaleArray((float) spec.alpha());
    }

    /** z_i = s_i r_i g_i / ||g_i|| with g_i ~ N(0, I_d) and r_i ~ Gamma(d, 1/eps). */
    @Override
    protected Noise noise(Batch b) {
        float[] s = scale == null ? null : new float[b.rows()];
        if (s != null) {
            for (int i = 0; i < s.length; i++) {
                s[i] = scale[(int) b.idArr()[i]];
            }
        }
        return new Noise(sample(b, spec.eps(), s), null, null, s);
    }

    /**
     * d_chi noise for the batch's eligible rows, each row times its scale (null: 1): one normal
     * draw, one row norm and one in-place scaling by a per-row factor that also carries the
     * eligibility and the Gamma radius.
     */
    static NDArray sample(Batch b, double eps, float[] rowScale) {
        int n = b.rows();
        int d = b.dim();
        NDArray g = TorchRandom.withSeed(b.seed(), () -> b.m().randomNormal(new Shape(n, d)));
        float[] gn = g.norm(new int[] {1}).toFloatArray();
        float[] r = DChiNoise.radii(n, d, 1.0 / eps, TorchRandom.mix(b.seed(), 7));
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = b.eligible()[i] * (rowScale == null ? 1f : rowScale[i]) * r[i] / Math.max(gn[i], 1e-30f);
        }
        return g.muli(b.column(f));
    }

    @Override
    public NDArray deterministicPart(NDArray hidden, NDArray tokenIds) {
        return hidden.duplicate();
    }
}
