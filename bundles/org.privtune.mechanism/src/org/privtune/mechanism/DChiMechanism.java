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

    /**
     * z_i = s_i r_i g_i / ||g_i|| with g_i ~ N(0, I_d) and r_i ~ Gamma(d, 1/eps): one normal draw,
     * one row norm and one in-place scaling by a per-row factor that also carries the eligibility.
     */
    @Override
    protected Noise noise(Batch b) {
        int n = b.rows();
        int d = b.dim();
        NDArray g = TorchRandom.withSeed(b.seed(), () -> b.m().randomNormal(new Shape(n, d)));
        float[] gn = g.norm(new int[] {1}).toFloatArray();
        float[] r = DChiNoise.radii(n, d, 1.0 / spec.eps(), TorchRandom.mix(b.seed(), 7));
        float[] s = scale == null ? null : new float[n];
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            float si = s == null ? 1f : (s[i] = scale[(int) b.idArr()[i]]);
            f[i] = b.eligible()[i] * si * r[i] / Math.max(gn[i], 1e-30f);
        }
        g.muli(b.column(f));
        return new Noise(g, null, null, s);
    }
    @Override
    public NDArray deterministicPart(NDArray hidden, NDArray tokenIds) {
        return hidden.duplicate();
    }
}
