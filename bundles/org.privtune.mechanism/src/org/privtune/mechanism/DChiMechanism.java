package org.privtune.mechanism;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

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
    DChiMechanism(MechanismSpec spec, SpecialTokens tokens, ReferenceSpace reference, TokenImportance importance,
            NDManager parent) {
        super(spec, tokens, reference, parent);
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
        return new Noise(dchi(b, spec.eps(), s), null, null, s);
    }

    @Override
    public NDArray deterministicPart(NDArray hidden, NDArray tokenIds) {
        return hidden.duplicate();
    }
}
