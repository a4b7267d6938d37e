package org.privtune.mechanism;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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
    /** ||P[v]||^2 per token, so that ||delta*|| needs no pass over [N, d]. */
    private final float[] pullNormSq;
    private final float[] scale;
    private final float hCoef;

    PrivTuneMechanism(MechanismSpec spec, MechanismResources res, HopDistances hops, NDManager parent) {
        super(spec, res.tokens(), res.reference(), parent);
        ReferenceSpace r = res.reference();
        double c = spec.lambdaTarget() - spec.lambdaAvoid() + spec.lambdaUtility();
        float wa = (float) (spec.lambdaTarget() / c);
        float wb = (float) (spec.lambdaAvoid() / c);
        int dim = r.dim();
        PullTable pt = hops.memo(r, "privtune.pull " + wa + " " + wb, () -> PullTable.of(hops, r, wa, wb));
        this.pullNormSq = pt.normSq();
        // shares the memo's memory (never written in place); copying 47 MB per mechanism cost 150 ms
        this.pull = tables.create(pt.rows(), new Shape(r.vocabSize(), dim), DataType.FLOAT32);
        this.hCoef = (float) ((spec.lambdaTarget() - spec.lambdaAvoid()) / c);
        this.scale = res.importance().scaleArray((float) spec.alpha());
    }

    /**
     * P = wa A - wb B (row-major float32 in a direct buffer, which DJL wraps without a copy) and
     * ||P[v]||^2; shared by every privtune mechanism on the same graph through its memo.
     */
    private record PullTable(ByteBuffer rows, float[] normSq) {

        static PullTable of(HopDistances hops, ReferenceSpace r, float wa, float wb) {
            float[] a = hops.indirectDirections(r);
            float[] b = hops.selfAndDirectDirections(r);
            int dim = r.dim();
            float[] normSq = new float[r.vocabSize()];
            for (int i = 0; i < a.length; i++) {
                a[i] = wa * a[i] - wb * b[i];
                normSq[i / dim] += a[i] * a[i];
            }
            ByteBuffer rows = ByteBuffer.allocateDirect(4 * a.length).order(ByteOrder.nativeOrder());
            rows.asFloatBuffer().put(a);
            return new PullTable(rows, normSq);
        }
    }

    /**
     * The mean shift k_i delta_i as per-row coefficients of h and of D = P[ids]:
     * k delta = ch h + cd D, from ||h||, h.D and ||D||^2 alone. With delta* = ||h|| D - hCoef h,
     * h.delta* = ||h|| (h.D) - hCoef ||h||^2 and ||delta*||^2 = ||h||^2 ||D||^2
     * - 2 hCoef ||h|| (h.D) + hCoef^2 ||h||^2; the projection gives delta = alpha h + beta delta*.
     *
     * @param k per-row factor (eligibility times importance scale)
     * @return {ch, cd, ||k delta||}
     */
    private float[][] shiftCoefficients(float[] hn, float[] hd, long[] ids, float[] k) {
        int n = hn.length;
        float[] dot = new float[n];
        float[] dn = new float[n];
        for (int i = 0; i < n; i++) {
            double h = hn[i];
            double dd = pullNormSq[(int) ids[i]];
            dot[i] = (float) (h * hd[i] - hCoef * h * h);
            dn[i] = (float) Math.sqrt(Math.max(0, h * h * dd - 2 * hCoef * h * hd[i] + hCoef * hCoef * h * h));
        }
        float[][] ab = OptimalDirection.coefficients(hn, dot, dn, spec.rho(), spec.tau());
        float[] ch = new float[n];
        float[] cd = new float[n];
        float[] norm = new float[n];
        for (int i = 0; i < n; i++) {
            ch[i] = k[i] * (ab[0][i] - ab[1][i] * hCoef);
            cd[i] = k[i] * ab[1][i] * hn[i];
            double sq = (double) ch[i] * ch[i] * hn[i] * hn[i] + 2.0 * ch[i] * cd[i] * hd[i]
                    + (double) cd[i] * cd[i] * pullNormSq[(int) ids[i]];
            norm[i] = (float) Math.sqrt(Math.max(0, sq));
        }
        return new float[][] {ch, cd, norm};
    }

    /**
     * h~ - h = ch h + cd D + cz g: the gathered rows and the normal draw are scaled in place and
     * summed with one scaled copy of h, three [N, d] allocations in all.
     */
    @Override
    protected Noise noise(Batch b) {
        int n = b.rows();
        int d = b.dim();
        NDArray h = b.h();
        float[] hn = h.norm(new int[] {1}).toFloatArray();
        NDArray dRows = gather(pull, b.m(), b.ids());
        float[] hd = rowDots(h, dRows);
        float[] s = new float[n];
        float[] k = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = scale[(int) b.idArr()[i]];
            k[i] = b.eligible()[i] * s[i];
        }
        float[][] c = shiftCoefficients(hn, hd, b.idArr(), k);
        NDArray g = draws.normal(b.m(), new Shape(n, d), b.seed());
        float[] gn = g.norm(new int[] {1}).toFloatArray();
        float[] radius = DChiNoise.radii(n, d, 1.0 / spec.eps(), draws.generator(TorchRandom.mix(b.seed(), 7)));
        float[] cz = new float[n];
        for (int i = 0; i < n; i++) {
            cz[i] = k[i] * radius[i] / Math.max(gn[i], 1e-30f);
        }
        g.muli(b.column(cz));
        g.addi(dRows.muli(b.column(c[1])));
        g.addi(h.mul(b.column(c[0])));
        return new Noise(g, c[2], null, s);
    }

    @Override
    public NDArray deterministicPart(NDArray hidden, NDArray tokenIds) {
        NDManager out = hidden.getManager();
        try (NDManager m = out.newSubManager()) {
            NDArray h = hidden.duplicate();
            h.attach(m);
            NDArray ids = tokenIds.toType(DataType.INT64, true);
            ids.attach(m);
            long[] idArr = ids.toLongArray();
            float[] hn = h.norm(new int[] {1}).toFloatArray();
            NDArray dRows = gather(pull, m, ids);
            float[] hd = rowDots(h, dRows);
            float[] k = nonSpecial(idArr);
            for (int i = 0; i < k.length; i++) {
                k[i] *= scale[(int) idArr[i]];
            }
            float[][] c = shiftCoefficients(hn, hd, idArr, k);
            Shape col = new Shape(k.length, 1);
            NDArray result = h.add(h.mul(m.create(c[0], col))).addi(dRows.muli(m.create(c[1], col)));
            result.attach(out);
            return result;
        }
    }
}
