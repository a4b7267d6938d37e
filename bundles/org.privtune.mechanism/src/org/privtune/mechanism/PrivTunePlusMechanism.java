package org.privtune.mechanism;

import java.util.random.RandomGenerator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * {@code privtune+}: our variant of PrivTune (docs/method.md, "privtune+"). Three changes aimed at
 * the attacks that defeat the straightforward design:
 * <ol>
 * <li><b>Random target per occurrence.</b> delta_i is solved towards R[u_i] for u_i drawn uniformly
 * from N_n(v) at every occurrence, not towards the fixed centroid: the mean shift no longer
 * identifies v, so an attacker who applies the deterministic part to R has no fixed table to
 * match.</li>
 * <li><b>Context mixing.</b> The token-specific residual r_i = h_i - R[v] (where a learned
 * attacker finds the token's identity) is partly replaced by the sentence's mean residual:
 * h'_i = R[v] + (1 - mix) r_i + mix * mean_j r_j over the sentence's eligible tokens.</li>
 * <li><b>Noise in the target's neighbourhood.</b> The random part lies in the span of the m
 * neighbour differences R[w] - R[u_i], w among u_i's m nearest: direction = normalise(sum_j g_j
 * (R[w_j] - R[u_i])), g ~ N(0, I_m), radius ~ Gamma(m, 1/eps) (the d_chi radius law in m
 * dimensions). It spreads the output among u_i's neighbours, not v's: re-ranking on the noise
 * subspace points at the random target, not the token.</li>
 * </ol>
 * Output: h~_i = h'_i + s_i (delta_i + z_i) with the importance scale s_i of {@code privtune}.
 * There is no formal d_chi guarantee for this noise: eps here only sets the radius law.
 */
final class PrivTunePlusMechanism extends RepresentationMechanism {

    private final NDArray reference;
    private final NDArray unitReference;
    private final NDArray avoidDirections;
    private final NDArray scaleTable;
    private final PrivTuneMechanism meanModel;
    private final HopDistances hops;
    private final NeighbourGraph graph;
    private final int sub;

    PrivTunePlusMechanism(MechanismSpec spec, MechanismResources res, HopDistances hops, NeighbourGraph graph,
            NDManager parent) {
        super(spec, res.tokens(), res.reference(), parent);
        ReferenceSpace r = res.reference();
        Shape vd = new Shape(r.vocabSize(), r.dim());
        this.reference = r.toNDArray(tables);
        this.unitReference = tables.create(HopDistances.unitRows(r), vd);
        this.avoidDirections = tables.create(hops.selfAndDirectDirections(r), vd);
        this.scaleTable = res.importance().scales(tables, (float) spec.alpha());
        this.meanModel = new PrivTuneMechanism(spec, res, hops, tables);
        this.hops = hops;
        this.graph = graph;
        this.sub = Math.max(1, Math.min(spec.subspace(), graph.k()));
    }

    @Override
    protected Noise noise(Batch batch) {
        NDManager m = batch.m();
        NDArray h = batch.h();
        NDArray ids = batch.ids();
        Shape shape = batch.shape();
        long seed = batch.seed();
        int n = batch.rows();
        int d = batch.dim();
        long[] idArr = batch.idArr();
        float[] el = batch.eligible();
        NDArray eligible = batch.eligibleColumn();
        int[] off = hops.indirectOffsets();
        int[] mem = hops.indirectMembers();
        int[] nb = graph.neighbours();
        int k = graph.k();
        RandomGenerator rnd = draws.generator(TorchRandom.mix(seed, 11));
        long[] target = new long[n];
        long[] subIds = new long[n * sub];
        int[] targets = new int[n];
        for (int i = 0; i < n; i++) {
            int v = (int) idArr[i];
            int size = off[v + 1] - off[v];
            int u = el[i] > 0 && size > 0 ? mem[off[v] + rnd.nextInt(size)] : v;
            target[i] = u;
            targets[i] = u;
            for (int j = 0; j < sub; j++) {
                subIds[i * sub + j] = nb[u * k + j];
            }
        }
        NDArray uIds = m.create(target);
        NDArray rv = gather(reference, m, ids);
        NDArray ru = gather(reference, m, uIds);
        // Context mixing over each sentence's eligible tokens.
        int b = (int) shape.get(0);
        int t = (int) shape.get(1);
        NDArray resid = h.sub(rv).mul(eligible);
        NDArray count = eligible.reshape(b, t, 1).sum(new int[] {1}, true).maximum(1f);
        NDArray meanResid = resid.reshape(b, t, d).sum(new int[] {1}, true).div(count);
        NDArray mixed = rv.add(resid.mul((float) (1 - spec.mix())))
                .add(meanResid.broadcast(new Shape(b, t, d)).reshape(n, d).mul((float) spec.mix()));
        NDArray norm = mixed.norm(new int[] {1}, true);
        NDArray delta = OptimalDirection.solve(mixed, gather(unitReference, m, uIds).mul(norm),
                gather(avoidDirections, m, ids).mul(norm), spec.lambdaTarget(),
                spec.lambdaAvoid(), spec.lambdaUtility(), spec.rho(), spec.tau());
        NDArray diffs = gather(reference, m, m.create(subIds)).reshape(n, sub, d).sub(ru.reshape(n, 1, d));
        NDArray coef = draws.normal(m, new Shape(n, 1, sub), seed);
        NDArray dir = coef.batchMatMul(diffs).reshape(n, d);
        dir = dir.div(dir.norm(new int[] {1}, true).maximum(1e-30f));
        float[] radius = DChiNoise.radii(n, sub, 1.0 / spec.eps(), draws.generator(TorchRandom.mix(seed, 13)));
        NDArray z = dir.mul(m.create(radius, new Shape(n, 1)));
        NDArray s = gather(scaleTable, m, ids).reshape(n, 1);
        NDArray shift = mixed.sub(h).add(delta.mul(s)).muli(eligible);
        NDArray noise = z.muli(s).muli(eligible).addi(shift);
        return new Noise(noise, shift.norm(new int[] {1}).toFloatArray(), targets, s.reshape(n).toFloatArray());
    }

    /**
     * For a one-token sentence mixing is void, and the mean over the random target of the
     * (affine, when the constraints are slack) optimal direction is the direction towards the
     * centroid of N_n(v): the {@code privtune} deterministic part. The noise is zero-mean.
     */
    @Override
    public NDArray deterministicPart(NDArray hidden, NDArray tokenIds) {
        return meanModel.deterministicPart(hidden, tokenIds);
    }

    @Override
    public void close() {
        meanModel.close();
        super.close();
    }
}
