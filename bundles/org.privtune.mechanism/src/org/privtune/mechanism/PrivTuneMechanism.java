package org.privtune.mechanism;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * {@code privtune}, faithful to the paper's description in our formulation (docs/method.md):
 * for token i with id v, delta_i = {@link OptimalDirection#solve} towards the centroid direction of
 * N_n(v) and away from that of {v} and N_1(v) (both placed at ||h_i||), under ||delta|| <= rho and
 * cos(h + delta, h) >= tau; then d_chi noise with its mean moved to delta_i and the whole scaled by
 * the importance scale s_i = 1 - alpha w(v):  h~_i = h_i + s_i (delta_i + z_i).
 * E[h~_i] = h_i + s_i delta_i, which {@link #deterministicPart} returns for the attacker.
 *
 * <p>Why targets sit at ||h_i||: the graph and the attacks match by cosine, and a plain centroid
 * of many rows is shorter than any row, so moving towards it would mostly shrink h without
 * changing its nearest token. With a = ||h|| A[v] and b = ||h|| B[v] the unconstrained optimum is
 * delta* = ||h|| P[v] - ((lt - la) / c) h with the precomputed table P = (lt A - la B) / c, so
 * the hot path is one gather, a handful of [N, d] passes and per-row scalars: delta = alpha h +
 * beta delta* (projection), z = (r / ||g||) g, and the eligibility mask and s folded into them.
 */
final class PrivTuneMechanism extends RepresentationMechanism {

    private final NDArray pull;
    private final float[] scale;
    private final float hCoef;

    PrivTuneMechanism(MechanismSpec spec, MechanismResources res, HopDistances hops, NDManager parent) {
        super(spec, res.tokens(), parent);
        ReferenceSpace r = res.reference();
        double c = spec.lambdaTarget() - spec.lambdaAvoid() + spec.lambdaUtility();
        float[] a = hops.indirectDirections(r);
        float[] b = hops.selfAndDirectDirections(r);
        float wa = (float) (spec.lambdaTarget() / c);
        float wb = (float) (spec.lambdaAvoid() / c);
        for (int i = 0; i < a.length; i++) {
            a[i] = wa * a[i] - wb * b[i];
        }
        this.pull = tables.create(a, new Shape(r.vocabSize(), r.dim()));
        this.hCoef = (float) ((spec.lambdaTarget() - spec.lambdaAvoid()) / c);
        float[] w = res.importance().weights();
        this.scale = new float[w.length];
        for (int v = 0; v < w.length; v++) {
            scale[v] = TokenImportance.scale(w[v], (float) spec.alpha());
        }
    }

    /** delta* for rows h (in m), and ||h|| per row. */
    private NDArray unconstrained(NDManager m, NDArray h, NDArray ids, float[] hNormOut) {
        NDArray hn = h.norm(new int[] {1}, true);
        System.arraycopy(hn.toFloatArray(), 0, hNormOut, 0, hNormOut.length);
        return gather(pull, m, ids).mul(hn).sub(h.mul(hCoef));
    }

    @Override
    protected Noise noise(NDManager m, NDArray h, NDArray ids, NDArray eligible, Shape shape, long seed) {
        int n = (int) h.getShape().get(0);
        int d = (int) h.getShape().get(1);
        float[] hn = new float[n];
        NDArray dStar = unconstrained(m, h, ids, hn);
        float[][] ab = OptimalDirection.coefficients(hn, h, dStar, spec.rho(), spec.tau());
        NDArray g = TorchRandom.withSeed(seed, () -> m.randomNormal(new Shape(n, d)));
        float[] gn = g.norm(new int[] {1}).toFloatArray();
        float[] radius = DChiNoise.radii(n, d, 1.0 / spec.eps(), TorchRandom.mix(seed, 7));
        long[] id = ids.toLongArray();
        float[] el = eligible.toFloatArray();
        float[] ca = new float[n];
        float[] cb = new float[n];
        float[] cz = new float[n];
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = scale[(int) id[i]];
            float k = el[i] * s[i];
            ca[i] = k * ab[0][i];
            cb[i] = k * ab[1][i];
            cz[i] = k * radius[i] / Math.max(gn[i], 1e-30f);
        }
        Shape col = new Shape(n, 1);
        NDArray shift = h.mul(m.create(ca, col)).add(dStar.mul(m.create(cb, col)));
        NDArray noise = shift.add(g.mul(m.create(cz, col)));
        return new Noise(noise, shift, null, m.create(s, col), true);
    }

    @Override
    public NDArray deterministicPart(NDArray hidden, NDArray tokenIds) {
        NDManager out = hidden.getManager();
        try (NDManager m = out.newSubManager()) {
            NDArray h = hidden.duplicate();
            h.attach(m);
            NDArray ids = tokenIds.duplicate();
            ids.attach(m);
            int n = (int) h.getShape().get(0);
            float[] hn = new float[n];
            NDArray dStar = unconstrained(m, h, ids, hn);
            float[][] ab = OptimalDirection.coefficients(hn, h, dStar, spec.rho(), spec.tau());
            long[] id = ids.toLongArray();
            NDArray keep = nonSpecial(m, ids);
            float[] kp = keep.toFloatArray();
            for (int i = 0; i < n; i++) {
                float k = kp[i] * scale[(int) id[i]];
                ab[0][i] *= k;
                ab[1][i] *= k;
            }
            Shape col = new Shape(n, 1);
            NDArray result = h.add(h.mul(m.create(ab[0], col))).add(dStar.mul(m.create(ab[1], col)));
            result.attach(out);
            return result;
        }
    }
}
