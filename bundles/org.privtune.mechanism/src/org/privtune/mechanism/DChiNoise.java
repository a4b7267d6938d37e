package org.privtune.mechanism;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * d_chi-privacy noise in R^m: density proportional to exp(-eps ||z||), i.e. a direction uniform
 * on the unit sphere (a normalised standard normal vector) times a radius ~ Gamma(shape m,
 * scale 1/eps). The directions are drawn on the PyTorch engine as one [rows, m] batch; the
 * radii are rows scalars drawn in Java (Marsaglia-Tsang), which is exact and cheaper than m
 * exponentials per row.
 */
public final class DChiNoise {

    private DChiNoise() {
    }

    /** Uniform unit directions [rows, m] (must be called under {@link TorchRandom#withSeed}). */
    static NDArray directions(NDManager manager, long rows, int m) {
        NDArray g = manager.randomNormal(new Shape(rows, m));
        return g.div(g.norm(new int[] {1}, true).maximum(1e-30f));
    }

    /** Gamma(shape, scale) radii, seeded. */
    public static float[] radii(int rows, double shape, double scale, long seed) {
        return radii(rows, shape, scale, new SplittableRandom(seed));
    }

    /** Gamma(shape, scale) radii from {@code rnd}. */
    static float[] radii(int rows, double shape, double scale, RandomGenerator rnd) {
        float[] r = new float[rows];
        for (int i = 0; i < rows; i++) {
            r[i] = (float) (gamma(rnd, shape) * scale);
        }
        return r;
    }

    /**
     * Draws [rows, m] d_chi noise with privacy parameter eps, reproducibly from {@code seed}.
     */
    public static NDArray sample(NDManager manager, int rows, int m, float eps, long seed) {
        NDArray dir = TorchRandom.withSeed(seed, () -> directions(manager, rows, m));
        float[] r = radii(rows, m, 1.0 / eps, TorchRandom.mix(seed, 7));
        return dir.mul(manager.create(r, new Shape(rows, 1)));
    }

    /** Marsaglia and Tsang (2000) for shape >= 1; boosted with U^(1/shape) below 1. */
    static double gamma(RandomGenerator rnd, double shape) {
        if (shape < 1) {
            double u = rnd.nextDouble();
            return gamma(rnd, shape + 1) * Math.pow(u, 1 / shape);
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = rnd.nextGaussian();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = rnd.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
