package org.privtune.mechanism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

class DChiNoiseTest {

    private static final int DRAWS = 10_000;
    private static final int D = 384;

    @Test
    void referenceCdfsAreRight() {
        // Gamma(1, 1) is Exp(1); Beta(1, 1) is uniform; Beta(2, 2) has CDF 3x^2 - 2x^3.
        assertEquals(1 - Math.exp(-0.7), Distributions.gammaP(1, 0.7), 1e-12);
        assertEquals(1 - Math.exp(-3.0), Distributions.gammaP(1, 3.0), 1e-12);
        assertEquals(0.5, Distributions.gammaP(D, D - 1.0 / 3 + 0.0), 0.01); // median ~ a - 1/3
        assertEquals(0.3, Distributions.betaI(1, 1, 0.3), 1e-12);
        assertEquals(3 * 0.2 * 0.2 - 2 * 0.008, Distributions.betaI(2, 2, 0.2), 1e-12);
    }

    @Test
    void radiusFollowsGammaAndDirectionIsUniform() {
        float eps = 15f;
        try (NDManager m = Synthetic.manager()) {
            NDArray z = DChiNoise.sample(m, DRAWS, D, eps, 1234L);
            float[] norms = z.norm(new int[] {1}).toFloatArray();
            double[] scaled = new double[DRAWS];
            for (int i = 0; i < DRAWS; i++) {
                scaled[i] = norms[i] * eps; // eps * radius ~ Gamma(d, 1)
            }
            double crit = Distributions.ksCritical001(DRAWS);
            double dGamma = Distributions.ks(scaled, x -> Distributions.gammaP(D, x));
            assertTrue(dGamma < crit, "radius KS " + dGamma + " >= " + crit);
            // The test has power: a 5% wrong eps is rejected.
            double dWrong = Distributions.ks(scaled, x -> Distributions.gammaP(D, x * 1.05));
            assertTrue(dWrong > crit, "KS cannot tell eps from 1.05 eps: " + dWrong);

            // Uniform direction: for a fixed unit axis e, (u.e + 1) / 2 ~ Beta((d-1)/2, (d-1)/2).
            NDArray dir = z.div(z.norm(new int[] {1}, true));
            Random r = new Random(5);
            float[] axis = new float[D];
            double n2 = 0;
            for (int j = 0; j < D; j++) {
                axis[j] = (float) r.nextGaussian();
                n2 += axis[j] * axis[j];
            }
            for (int j = 0; j < D; j++) {
                axis[j] /= (float) Math.sqrt(n2);
            }
            float[][] axes = {basis(0), basis(D - 1), axis};
            double a = (D - 1) / 2.0;
            for (float[] e : axes) {
                float[] proj = dir.matMul(m.create(e).reshape(D, 1)).toFloatArray();
                double[] t = new double[DRAWS];
                for (int i = 0; i < DRAWS; i++) {
                    t[i] = (proj[i] + 1) / 2;
                }
                double dBeta = Distributions.ks(t, x -> Distributions.betaI(a, a, x));
                assertTrue(dBeta < crit, "direction KS " + dBeta + " >= " + crit);
            }
            // And it has power: directions biased towards e_0 (add 0.1 e_0 before normalising) are rejected.
            NDArray biased = dir.add(m.create(basis(0)).mul(0.1f));
            biased = biased.div(biased.norm(new int[] {1}, true));
            float[] proj = biased.matMul(m.create(basis(0)).reshape(D, 1)).toFloatArray();
            double[] t = new double[DRAWS];
            for (int i = 0; i < DRAWS; i++) {
                t[i] = (proj[i] + 1) / 2;
            }
            assertTrue(Distributions.ks(t, x -> Distributions.betaI(a, a, x)) > crit);
        }
    }

    @Test
    void sameSeedSameNoiseOtherSeedOtherNoise() {
        try (NDManager m = Synthetic.manager()) {
            float[] a = DChiNoise.sample(m, 10, 16, 2f, 77).toFloatArray();
            float[] b = DChiNoise.sample(m, 10, 16, 2f, 77).toFloatArray();
            float[] c = DChiNoise.sample(m, 10, 16, 2f, 78).toFloatArray();
            assertTrue(java.util.Arrays.equals(a, b));
            assertTrue(!java.util.Arrays.equals(a, c));
        }
    }

    private static float[] basis(int i) {
        float[] e = new float[D];
        e[i] = 1;
        return e;
    }
}
