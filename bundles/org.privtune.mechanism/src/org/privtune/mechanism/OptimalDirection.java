package org.privtune.mechanism;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The optimal noise direction of PrivTune (our formulation). For a representation h of token v,
 * a target point a (the centroid of N_n(v) in R for {@code privtune}) and an avoid point b (the
 * centroid of {v} and N_1(v) in R):
 *
 * <pre>
 *   minimise  J(delta) = lt ||h + delta - a||^2 - la ||h + delta - b||^2 + lu ||delta||^2
 *   subject to ||delta|| <= rho  and  cos(h + delta, h) >= tau
 * </pre>
 *
 * With c = lt - la + lu > 0, J is a strictly convex isotropic quadratic (Hessian 2c I), so the
 * constrained minimiser is the Euclidean projection of the unconstrained one,
 * delta* = (lt (a - h) - la (b - h)) / c, onto the feasible set. That set (a ball around h
 * intersected with a cone around h) is symmetric about the axis h, so the projection lies in the
 * plane spanned by h and delta* and is computed there in closed form (2-D geometry on three
 * scalars per token), then mapped back as delta = alpha h + beta delta*. Vector work is batched
 * on the engine; only the per-token scalars pass through Java.
 */
public final class OptimalDirection {

    private OptimalDirection() {
    }

    /**
     * @param h      [N, d] representations
     * @param target [N, d] target points a
     * @param avoid  [N, d] avoid points b
     * @return delta [N, d], in h's manager
     */
    public static NDArray solve(NDArray h, NDArray target, NDArray avoid, double lt, double la, double lu, double rho,
            double tau) {
        double c = lt - la + lu;
        if (c <= 0) {
            throw new IllegalArgumentException("lt - la + lu must be > 0 for a bounded objective, got " + c);
        }
        NDArray hMinus = h.neg();
        NDArray dStar = target.add(hMinus).mul(lt / c).sub(avoid.add(hMinus).mul(la / c));
        return project(h, dStar, rho, tau);
    }

    /** Euclidean projection of each row of dStar onto {||delta|| <= rho, cos(h + delta, h) >= tau}. */
    public static NDArray project(NDArray h, NDArray dStar, double rho, double tau) {
        int rows = (int) h.getShape().get(0);
        float[][] ab = coefficients(h.norm(new int[] {1}).toFloatArray(), h, dStar, rho, tau);
        NDManager m = h.getManager();
        NDArray a = m.create(ab[0], new Shape(rows, 1));
        NDArray b = m.create(ab[1], new Shape(rows, 1));
        return h.mul(a).add(dStar.mul(b));
    }

    /**
     * The projection as per-row coefficients: delta = alpha h + beta dStar ({alpha, beta}).
     *
     * @param hNorm ||h|| per row (given because callers usually have it)
     */
    static float[][] coefficients(float[] hNorm, NDArray h, NDArray dStar, double rho, double tau) {
        return coefficients(hNorm, RepresentationMechanism.rowDots(h, dStar), dStar.norm(new int[] {1}).toFloatArray(),
                rho, tau);
    }

    /**
     * The same from per-row scalars.
     *
     * @param dot h . delta* per row
     * @param dn  ||delta*|| per row
     */
    static float[][] coefficients(float[] hNorm, float[] dot, float[] dn, double rho, double tau) {
        int rows = hNorm.length;
        float[] alpha = new float[rows];
        float[] beta = new float[rows];
        double cosT = Math.max(-1, Math.min(1, tau));
        double sinT = Math.sqrt(1 - cosT * cosT);
        for (int i = 0; i < rows; i++) {
            double n = hNorm[i];
            if (n < 1e-12) {
                // No direction to preserve: only the norm bound applies.
                beta[i] = (float) (dn[i] > rho ? rho / dn[i] : 1.0);
                continue;
            }
            double p = dot[i] / n; // component of delta* along h
            double q = Math.sqrt(Math.max(0, (double) dn[i] * dn[i] - p * p)); // orthogonal part
            double[] pq = project2d(n + p, q, n, rho, cosT, sinT);
            double bq = q > 1e-12 * Math.max(1, n) ? pq[1] / q : 0;
            beta[i] = (float) bq;
            alpha[i] = (float) ((pq[0] - n) / n - bq * p / n);
        }
        return new float[][] {alpha, beta};
    }

    /**
     * Projects the point (P, Q), Q >= 0, onto {(x - n)^2 + y^2 <= rho^2} intersected with
     * {cos angle((x, y), (1, 0)) >= cosT}, in the plane. Public for tests.
     */
    public static double[] project2d(double pp, double qq, double n, double rho, double cosT, double sinT) {
        boolean inBall = sq(pp - n) + qq * qq <= rho * rho * (1 + 1e-9);
        boolean inCone = inCone(pp, qq, cosT);
        if (inBall && inCone) {
            return new double[] {pp, qq};
        }
        double dist = Math.sqrt(sq(pp - n) + qq * qq);
        double bx = inBall ? pp : n + rho * (pp - n) / dist;
        double by = inBall ? qq : rho * qq / dist;
        if (inCone(bx, by, cosT)) {
            return new double[] {bx, by};
        }
        double s = pp * cosT + qq * sinT;
        // The cone's apex (h + delta = 0) has no angle: only a projection onto its ray counts.
        if (s > 0 && sq(s * cosT - n) + sq(s * sinT) <= rho * rho * (1 + 1e-9)) {
            return new double[] {s * cosT, s * sinT};
        }
        if (s <= 0 && n <= rho) {
            // The infimum is the apex, which the ball contains: stop just short of it on the ray.
            double e = 1e-6 * n;
            return new double[] {e * cosT, e * sinT};
        }
        double disc = rho * rho - n * n * sinT * sinT;
        if (disc < 0) {
            return new double[] {n, 0}; // cannot happen for a non-empty intersection; stay put
        }
        double best = Double.POSITIVE_INFINITY;
        double[] out = {n, 0};
        for (double r : new double[] {n * cosT - Math.sqrt(disc), n * cosT + Math.sqrt(disc)}) {
            if (r < 0) {
                continue;
            }
            double x = r * cosT;
            double y = r * sinT;
            double dd = sq(x - pp) + sq(y - qq);
            if (dd < best) {
                best = dd;
                out = new double[] {x, y};
            }
        }
        return out;
    }

    private static boolean inCone(double x, double y, double cosT) {
        double r = Math.sqrt(x * x + y * y);
        return r == 0 ? cosT <= 0 : x / r >= cosT - 1e-9;
    }

    private static double sq(double x) {
        return x * x;
    }
}
