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

    private final NDArray scaleTable;

    /** @param importance null for plain d_chi */
    DChiMechanism(MechanismSpec spec, SpecialTokens tokens, TokenImportance importance, NDManager parent) {
        super(spec, tokens, parent);
        this.scaleTable = importance == null ? null : importance.scales(tables, (float) spec.alpha());
    }

    @Override
    protected Noise noise(NDManager m, NDArray h, NDArray ids, NDArray eligible, Shape shape, long seed) {
        int n = (int) h.getShape().get(0);
        int d = (int) h.getShape().get(1);
        NDArray z = DChiNoise.sample(m, n, d, (float) spec.eps(), seed);
        if (scaleTable == null) {
            return new Noise(z, null, null, null);
        }
        NDArray s = gather(scaleTable, m, ids).reshape(n, 1);
        return new Noise(z.mul(s), null, null, s);
    }

    @Override
    public NDArray deterministicPart(NDArray hidden, NDArray tokenIds) {
        return hidden.duplicate();
    }
}
