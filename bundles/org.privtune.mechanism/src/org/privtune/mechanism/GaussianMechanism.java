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

    GaussianMechanism(MechanismSpec spec, SpecialTokens tokens, ReferenceSpace reference, NDManager parent) {
        super(spec, tokens, reference, parent);
        double sensitivity = 2 * spec.clip();
        this.sigma = "classical".equals(spec.calibration())
                ? GaussianCalibration.classicalSigma(spec.eps(), spec.delta(), sensitivity)
                : GaussianCalibration.analyticSigma(spec.eps(), spec.delta(), sensitivity);
    }

    /** The noise standard deviation in use. */
    double sigma() {
        return sigma;
    }

    /**
     * noise_i = (f_i - 1) h_i + sigma g_i with the clip factor f_i = min(1, C / ||h_i||): the
     * normal draw is scaled in place, and the clipping adds one scaled copy of h.
     */
    @Override
    protected Noise noise(Batch b) {
        int n = b.rows();
        float[] hn = b.h().norm(new int[] {1}).toFloatArray();
        NDArray g = draws.normal(b.m(), b.h().getShape(), b.seed());
        float[] fz = new float[n];
        float[] fh = new float[n];
        float[] shift = new float[n];
        for (int i = 0; i < n; i++) {
            float el = b.eligible()[i];
            float clip = (float) Math.min(1.0, spec.clip() / Math.max(hn[i], 1e-12));
            fz[i] = el * (float) sigma;
            fh[i] = el * (clip - 1f);
            shift[i] = Math.abs(fh[i]) * hn[i];
        }
        g.muli(b.column(fz));
        g.addi(b.h().mul(b.column(fh)));
        return new Noise(g, shift, null, null);
    }

    private NDArray clip(NDArray h) {
        NDArray norm = h.norm(new int[] {1}, true);
        NDArray factor = norm.maximum(1e-12f).pow(-1).mul((float) spec.clip()).minimum(1f);
        return h.mul(factor);
    }

    @Override
    public NDArray deterministicPart(NDArray hidden, NDArray tokenIds) {
        try (NDManager m = hidden.getManager().newSubManager()) {
            NDArray keep = m.create(nonSpecial(longIds(tokenIds)), new Shape(tokenIds.getShape().size(), 1));
            NDArray out = hidden.add(clip(hidden).sub(hidden).mul(keep));
            out.attach(hidden.getManager());
            return out;
        }
    }
}
