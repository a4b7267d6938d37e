package org.privtune.mechanism;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** {@code none}: sends the bottom output unchanged (the utility and attack ceiling). */
final class NoneMechanism extends RepresentationMechanism {

    private final SpecialTokens tokens;
    private PerturbationReport last;

    NoneMechanism(MechanismSpec spec, SpecialTokens tokens, NDManager parent) {
        super(spec, tokens, null, parent);
        this.tokens = tokens;
    }

    /** Nothing to draw or mask: the input itself, with a report counting the eligible positions. */
    @Override
    public Perturbation perturb(NDArray hidden, NDArray tokenIds, NDArray attentionMask) {
        long[] ids = tokenIds.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
        long[] mask = attentionMask.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
        int perturbed = 0;
        for (int i = 0; i < ids.length; i++) {
            perturbed += mask[i] != 0 && !tokens.isSpecial((int) ids[i]) ? 1 : 0;
        }
        int[] targets = new int[ids.length];
        java.util.Arrays.fill(targets, -1);
        float[] ones = new float[ids.length];
        java.util.Arrays.fill(ones, 1f);
        last = new PerturbationReport(spec.toString(), ids.length, perturbed, new float[ids.length],
                new float[ids.length], targets, ones);
        return new Perturbation(hidden, last);
    }

    @Override
    public PerturbationReport lastReport() {
        return last;
    }

    @Override
    protected Noise noise(Batch b) {
        return new Noise(b.m().zeros(b.h().getShape()), null, null, null);
    }

    @Override
    public NDArray deterministicPart(NDArray hidden, NDArray tokenIds) {
        return hidden.duplicate();
    }
}
