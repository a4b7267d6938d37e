package org.privtune.mechanism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.privtune.core.Progress;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

class PrivTuneMechanismTest {

    static final int V = 400;
    static final int D = 32;

    /** Nearest row of R by cosine for each row of x. */
    static int[] nearest(NDManager m, ReferenceSpace r, NDArray x) {
        NDArray rn = r.toNDArray(m);
        rn = rn.div(rn.norm(new int[] {1}, true));
        NDArray xn = x.div(x.norm(new int[] {1}, true));
        long[] idx = xn.matMul(rn.transpose()).argMax(1).toType(DataType.INT64, false).toLongArray();
        return Arrays.stream(idx).mapToInt(i -> (int) i).toArray();
    }

    @Test
    void optimalDirectionMovesTheNearestTokenAwayFromTheTrueToken() {
        ReferenceSpace r = Synthetic.reference(V, D, 1f, 21);
        SpecialTokens tokens = SpecialTokens.only(V, 0);
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = Synthetic.resources(m, r, 5, tokens);
            MechanismSpec spec = MechanismSpec.parse("privtune:eps=10,n=2,k=5,rho=8,tau=0.2,alpha=0");
            HopDistances hops = Mechanisms.hops(res, spec);
            try (NoiseMechanism mech = Mechanisms.create(spec, res, m)) {
                long[] ids = new long[V - 1];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = i + 1;
                }
                NDArray h = r.toNDArray(m).get("1:");
                // Clean representations: nearest-neighbour inversion is perfect.
                int[] clean = nearest(m, r, h);
                for (int i = 0; i < ids.length; i++) {
                    assertEquals(ids[i], clean[i]);
                }
                NDArray moved = mech.deterministicPart(h, m.create(ids));
                int[] nn = nearest(m, r, moved);
                int same = 0;
                int inDirect = 0;
                int inIndirect = 0;
                float[] shift = moved.sub(h).norm(new int[] {1}).toFloatArray();
                for (int i = 0; i < ids.length; i++) {
                    int v = (int) ids[i];
                    assertTrue(shift[i] <= 8 * 1.0001f, "norm budget exceeded: " + shift[i]);
                    same += nn[i] == v ? 1 : 0;
                    inDirect += Arrays.binarySearch(hops.direct(v), nn[i]) >= 0 ? 1 : 0;
                    inIndirect += Arrays.binarySearch(hops.indirect(v), nn[i]) >= 0 ? 1 : 0;
                }
                int total = ids.length;
                System.out.printf("privtune mean shift on %d synthetic tokens: NN stays %d, in N_1 %d, in N_2 %d%n",
                        total, same, inDirect, inIndirect);
                assertTrue(same < 0.05 * total, "true token still nearest for " + same + " of " + total);
                assertTrue(inIndirect > 0.5 * total, "nearest token in N_2 for only " + inIndirect);
                assertTrue(inDirect < 0.3 * total, "nearest token a direct neighbour for " + inDirect);
                // The cosine bound holds.
                float[] cos = moved.mul(h).sum(new int[] {1})
                        .div(moved.norm(new int[] {1}).mul(h.norm(new int[] {1}))).toFloatArray();
                for (float c : cos) {
                    assertTrue(c >= 0.2f - 1e-4f, "cos " + c);
                }
            }
        }
    }

    @Test
    void meanOfThePerturbationIsTheScaledOptimalDirection() {
        ReferenceSpace r = Synthetic.reference(V, D, 1f, 22);
        SpecialTokens tokens = SpecialTokens.only(V, 0, 101, 102);
        float[] w = new float[V];
        for (int v = 0; v < V; v++) {
            w[v] = (v % 7) / 6f;
        }
        try (NDManager m = Synthetic.manager()) {
            NeighbourGraph g = NeighbourGraph.build(r, 5, tokens, m, 128, Progress.NONE);
            MechanismResources res = new MechanismResources(r, g, tokens, TokenImportance.of(w));
            MechanismSpec spec = MechanismSpec.parse("privtune:eps=8,n=2,k=5,rho=3,tau=0.5,alpha=0.6,seed=9,specials=clean");
            try (NoiseMechanism mech = Mechanisms.create(spec, res, m)) {
                long[] sentence = {101, 17, 230, 5, 399, 102};
                int t = sentence.length;
                int copies = 4000;
                long[] ids = new long[copies * t];
                for (int c = 0; c < copies; c++) {
                    System.arraycopy(sentence, 0, ids, c * t, t);
                }
                NDArray hSent = Synthetic.hidden(m, r, sentence, 1, t, 0.3f, 4).reshape(t, D);
                NDArray hidden = hSent.reshape(1, t, D).repeat(0, copies);
                NDArray out = mech.perturb(hidden, m.create(ids, new Shape(copies, t)),
                        m.ones(new Shape(copies, t), DataType.INT64)).output();
                float[] meanShift = out.sub(hidden).mean(new int[] {0}).toFloatArray();
                float[] expect = mech.deterministicPart(hSent, m.create(sentence)).sub(hSent).toFloatArray();
                // Per-coordinate sd of the mean: sqrt((d+1)/eps^2) * s / sqrt(copies) <= 0.0115.
                for (int i = 0; i < expect.length; i++) {
                    assertEquals(expect[i], meanShift[i], 0.06f, "coordinate " + i);
                }
                // The shift is not trivial, specials get none, and it is scaled by s = 1 - 0.6 w.
                double shiftNorm = 0;
                for (int j = D; j < 2 * D; j++) {
                    shiftNorm += expect[j] * expect[j];
                }
                assertTrue(Math.sqrt(shiftNorm) > 0.5, "optimal direction too small: " + Math.sqrt(shiftNorm));
                for (int j = 0; j < D; j++) {
                    assertEquals(0f, expect[j]);
                    assertEquals(0f, expect[(t - 1) * D + j]);
                }
                // Independently of the mechanism's scalar algebra: s_v * OptimalDirection.solve towards
                // ||h|| A[v] and away from ||h|| B[v] (A, B the unit centroid directions).
                HopDistances hops = Mechanisms.hops(res, spec);
                float[] a = hops.indirectDirections(r);
                float[] b = hops.selfAndDirectDirections(r);
                float[] hs = hSent.toFloatArray();
                for (int p = 1; p < t - 1; p++) {
                    int v = (int) sentence[p];
                    float[] row = Arrays.copyOfRange(hs, p * D, (p + 1) * D);
                    double n = 0;
                    for (float x : row) {
                        n += x * x;
                    }
                    n = Math.sqrt(n);
                    float[] ta = new float[D];
                    float[] tb = new float[D];
                    for (int j = 0; j < D; j++) {
                        ta[j] = (float) (n * a[v * D + j]);
                        tb[j] = (float) (n * b[v * D + j]);
                    }
                    float[] delta = OptimalDirection.solve(m.create(row, new Shape(1, D)), m.create(ta, new Shape(1, D)),
                            m.create(tb, new Shape(1, D)), spec.lambdaTarget(), spec.lambdaAvoid(), spec.lambdaUtility(),
                            spec.rho(), spec.tau()).toFloatArray();
                    float sv = 1 - 0.6f * w[v];
                    for (int j = 0; j < D; j++) {
                        assertEquals(sv * delta[j], expect[p * D + j], 1e-4f, "token " + v + " coordinate " + j);
                    }
                }
                // The report's norms: ||out - h|| per position, and the shift norm of the last batch.
                PerturbationReport rep = mech.lastReport();
                float[] diff = out.sub(hidden).toFloatArray();
                for (int p = 0; p < t; p++) {
                    double q = 0;
                    double e = 0;
                    for (int j = 0; j < D; j++) {
                        q += diff[p * D + j] * diff[p * D + j];
                        e += expect[p * D + j] * expect[p * D + j];
                    }
                    assertEquals(Math.sqrt(q), rep.noiseNorms()[p], 1e-3, "noise norm at " + p);
                    assertEquals(Math.sqrt(e), rep.shiftNorms()[p], 1e-3, "shift norm at " + p);
                }
                float[] scales = mech.lastReport().scales();
                assertEquals(1 - 0.6f * w[17], scales[1], 1e-6f);
                assertEquals(1 - 0.6f * w[230], scales[2], 1e-6f);
            }
        }
    }
}
