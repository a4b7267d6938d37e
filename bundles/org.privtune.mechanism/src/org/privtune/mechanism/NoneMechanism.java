package org.privtune.mechanism;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** {@code none}: sends the bottom output unchanged (the utility and attack ceiling). */
final class NoneMechanism extends RepresentationMechanism {

    NoneMechanism(MechanismSpec spec, SpecialTokens tokens, NDManager parent) {
        super(spec, tokens, parent);
    }

    @Override
    protected Noise noise(NDManager m, NDArray h, NDArray ids, NDArray eligible, Shape shape, long seed) {
        return new Noise(m.zeros(h.getShape()), null, null, null);
    }

    @Override
    public NDArray deterministicPart(NDArray hidden, NDArray tokenIds) {
        return hidden.duplicate();
    }
}
