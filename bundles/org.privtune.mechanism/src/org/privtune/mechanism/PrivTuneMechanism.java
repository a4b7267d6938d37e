package org.privtune.mechanism;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * {@code privtune}, faithful to the paper's description in our formulation (docs/method.md):
 * for token i with id v, delta_i = {@link OptimalDirection#solve} towards the centroid direction of N_n(v)
 * and away from that of {v} and N_1(v) (both at ||h_i||, see {@link #direction}), under ||delta|| <= rho and
 * cos(h + delta, h) >= tau; then d_chi noise with its mean moved to delta_i and the whole scaled by
 * the importance scale s_i = 1 - alpha w(v):  h~_i = h_i + s_i (delta_i + z_i).
 * E[h~_i] = h_i + s_i delta_i, which {@link #deterministicPart} returns for the attacker.
 */
final class PrivTuneMechanism extends RepresentationMechanism {

    private final NDArray targetDirections;
    private final NDArray avoidDirections;
    private final NDArray scaleTable;

    PrivTuneMechanism(MechanismSpec spec, MechanismResources res, HopDistances hops, NDManager parent) {
        super(spec, res.tokens(), parent);
        ReferenceSpace r = res.reference();
        Shape vd = new Shape(r.vocabSize(), r.dim());
        this.targetDirections = tables.create(hops.indirectDirections(r), vd);
        this.avoidDirections = tables.create(hops.selfAndDirectDirections(r), vd);
        this.scaleTable = res.importance().scales(tables, (float) spec.alpha());
    }

    /**
     * The optimal directions delta [N, d] for rows h of tokens ids (in m). Target and avoid points
     * are the centroid directions placed at h's own norm: the graph and the attacks match by
     * cosine, and a plain centroid of many rows is shorter than any row, so moving towards it would
     * mostly shrink h without changing its nearest token.
     */
    NDArray direction(NDManager m, NDArray h, NDArray ids) {
        NDArray norm = h.norm(new int[] {1}, true);
        NDArray a = gather(targetDirections, m, ids).mul(norm);
        NDArray b = gather(avoidDirections, m, ids).mul(norm);
        return OptimalDirection.solve(h, a, b, spec.lambdaTarget(), spec.lambdaAvoid(), spec.lambdaUtility(),
                spec.rho(), spec.tau());
    }

    @Override
    protected Noise noise(NDManager m, NDArray h, NDArray ids, NDArray eligible, Shape shape, long seed) {
        int n = (int) h.getShape().get(0);
        int d = (int) h.getShape().get(1);
        NDArray delta = direction(m, h, ids);
        NDArray z = DChiNoise.sample(m, n, d, (float) spec.eps(), seed);
        NDArray s = gather(scaleTable, m, ids).reshape(n, 1);
        NDArray shift = delta.mul(s);
        return new Noise(shift.add(z.mul(s)), shift, null, s);
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
            NDArray s = gather(scaleTable, m, ids).reshape(n, 1);
            NDArray result = h.add(direction(m, h, ids).mul(s).mul(nonSpecial(m, ids)));
            result.attach(out);
            return result;
        }
    }
}
