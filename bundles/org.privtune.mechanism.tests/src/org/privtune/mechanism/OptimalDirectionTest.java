package org.privtune.mechanism;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

class OptimalDirectionTest {

    @Test
    void planeProjectionIsFeasibleAndNoFeasiblePointIsCloser() {
        Random r = new Random(11);
        for (int c = 0; c < 150; c++) {
            double n = 1 + 10 * r.nextDouble();
            double rho = 0.1 + 12 * r.nextDouble();
            double tau = r.nextDouble();
            double sinT = Math.sqrt(1 - tau * tau);
            double p = n + (r.nextDouble() - 0.5) * 40;
            double q = 20 * r.nextDouble();
            double[] got = OptimalDirection.project2d(p, q, n, rho, tau, sinT);
            double gx = got[0];
            double gy = got[1];
            assertTrue(sq(gx - n) + gy * gy <= rho * rho * (1 + 1e-6), "outside the ball");
            assertTrue(gx / Math.hypot(gx, gy) >= tau - 1e-6, "outside the cone");
            double best = sq(gx - p) + sq(gy - q);
            // Dense polar sampling of the feasible set around h = (n, 0).
            for (int i = 0; i <= 100; i++) {
                double rad = rho * i / 100.0;
                for (int j = 0; j < 180; j++) {
                    double ang = Math.PI * j / 90.0;
                    double x = n + rad * Math.cos(ang);
                    double y = rad * Math.sin(ang);
                    if (y < 0 || x / Math.hypot(x, y) < tau) {
                        continue;
                    }
                    double dd = sq(x - p) + sq(y - q);
                    assertTrue(best <= dd + 1e-9, "case " + c + " (" + p + "," + q + ",n=" + n + ",rho=" + rho + ",tau=" + tau + "): got " + gx + "," + gy + " but " + x + "," + y + " is closer");
                }
            }
        }
    }

    @Test
    void unconstrainedOptimumIsTheClosedForm() {
        try (NDManager m = Synthetic.manager()) {
            Random r = new Random(2);
            int d = 8;
            float[] h = new float[d];
            float[] a = new float[d];
            float[] b = new float[d];
            for (int j = 0; j < d; j++) {
                h[j] = 10 + (float) r.nextGaussian();
                a[j] = h[j] + 0.3f * (float) r.nextGaussian();
                b[j] = h[j] + 0.3f * (float) r.nextGaussian();
            }
            NDArray delta = OptimalDirection.solve(m.create(h, new Shape(1, d)), m.create(a, new Shape(1, d)),
                    m.create(b, new Shape(1, d)), 1.0, 0.5, 0.1, 100, 0.0);
            float[] expect = new float[d];
            for (int j = 0; j < d; j++) {
                expect[j] = (float) ((1.0 * (a[j] - h[j]) - 0.5 * (b[j] - h[j])) / 0.6);
            }
            assertArrayEquals(expect, delta.toFloatArray(), 1e-4f);
            // And it minimises J: random perturbations never do better.
            double j0 = objective(h, a, b, delta.toFloatArray());
            for (int t = 0; t < 200; t++) {
                float[] e = delta.toFloatArray();
                for (int j = 0; j < d; j++) {
                    e[j] += 0.05f * (float) r.nextGaussian();
                }
                assertTrue(objective(h, a, b, e) >= j0 - 1e-6);
            }
        }
    }

    private static double objective(float[] h, float[] a, float[] b, float[] delta) {
        double ta = 0;
        double tb = 0;
        double tu = 0;
        for (int j = 0; j < h.length; j++) {
            double x = h[j] + delta[j];
            ta += sq(x - a[j]);
            tb += sq(x - b[j]);
            tu += sq(delta[j]);
        }
        return ta - 0.5 * tb + 0.1 * tu;
    }

    private static double sq(double x) {
        return x * x;
    }
}
