package org.privtune.mechanism;

/**
 * Sigma of the Gaussian mechanism for (eps, delta) and L2 sensitivity Delta.
 */
public final class GaussianCalibration {

    private GaussianCalibration() {
    }

    /** Dwork and Roth (2014), Thm A.1: Delta sqrt(2 ln(1.25/delta)) / eps; stated for eps < 1. */
    public static double classicalSigma(double eps, double delta, double sensitivity) {
        return sensitivity * Math.sqrt(2 * Math.log(1.25 / delta)) / eps;
    }

    /**
     * Balle and Wang (2018), analytic Gaussian mechanism: the smallest sigma with
     * Phi(Delta/(2 sigma) - eps sigma/Delta) - e^eps Phi(-Delta/(2 sigma) - eps sigma/Delta) <= delta,
     * found by bisection (the left side decreases in sigma).
     */
    public static double analyticSigma(double eps, double delta, double sensitivity) {
        double lo = 1e-6 * sensitivity;
        double hi = sensitivity;
        while (privacyLoss(hi, eps, sensitivity) > delta) {
            hi *= 2;
        }
        for (int i = 0; i < 200; i++) {
            double mid = Math.sqrt(lo * hi);
            if (privacyLoss(mid, eps, sensitivity) > delta) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /** The delta achieved by sigma at eps (Balle-Wang Thm 8). */
    public static double privacyLoss(double sigma, double eps, double sensitivity) {
        double a = sensitivity / (2 * sigma);
        double b = eps * sigma / sensitivity;
        // e^eps Phi(-a - b) computed as exp(eps + log Phi(-a - b)) to avoid overflow for large eps.
        return phi(a - b) - Math.exp(eps + logPhi(-a - b));
    }

    static double phi(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    static double logPhi(double x) {
        if (x > -30) {
            return Math.log(phi(x));
        }
        // Mills-ratio asymptotics for the far tail.
        return -0.5 * x * x - Math.log(-x) - 0.5 * Math.log(2 * Math.PI) + Math.log1p(-1 / (x * x));
    }

    /** Complementary error function, fractional error < 1.2e-7 (Numerical Recipes, erfcc). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? ans : 2 - ans;
    }
}
