package org.privtune.mechanism;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * {@code gaussian}: DP-Forward-style noise on the representations. Each eligible token vector is
 * clipped to L2 norm C and gets N(0, sigma^2 I). Our choices: clipping and the guarantee are per
 * token (a token vector replaced by any other has L2 sensitivity 2C); sigma comes from the
 * analytic Gaussian mechanism of Balle and Wang (2018), exact for every eps > 0, or, with
 * {@code calibration=classical}, sigma = 2C sqrt(2 ln(1.25/delta)) / eps (Dwork-Roth, valid for
 * eps < 1 only). The deterministic part is the clipping.
 */
final class GaussianMechanism extends RepresentationMechanism {

    private final double sigma;

    GaussianMechanism(MechanismSpec spec, SpecialTokens tokens, NDManager parent) {
        super(spec, tokens, parent);
        double sensitivity = 2 * spec.clip();
        this.sigma = "classical".equals(spec.calibration())
                ? GaussianCalibration.classicalSigma(spec.eps(), spec.delta(), sensitivity)
                : GaussianCalibration.analyticSigma(spec.eps(), spec.delta(), sensitivity);
    }

    /** The noise standard deviation in use. */
    double sigma() {
        return sigma;
    }

    @Override
    protected Noise noise(NDManager m, NDArray h, NDArray ids, NDArray eligible, Shape shape, long seed) {
        NDArray clipped = clip(h);
        NDArray g = TorchRandom.withSeed(seed, () -> m.randomNormal(h.getShape())).mul((float) sigma);
        NDArray shift = clipped.sub(h);
        return new Noise(shift.add(g), shift, null, null);
    }

    private NDArray clip(NDArray h) {
        NDArray norm = h.norm(new int[] {1}, true);
        NDArray factor = norm.maximum(1e-12f).pow(-1).mul((float) spec.clip()).minimum(1f);
        return h.mul(factor);
    }

    @Override
    public NDArray deterministicPart(NDArray hidden, NDArray tokenIds) {
        try (NDManager m = hidden.getManager().newSubManager()) {
            NDArray keep = nonSpecial(m, tokenIds);
            NDArray out = hidden.add(clip(hidden).sub(hidden).mul(keep));
            out.attach(hidden.getManager());
            return out;
        }
    }
}
