package org.privtune.mechanism;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * Reference CDFs and the one-sample Kolmogorov-Smirnov statistic, implemented here (no
 * commons-math3) from Numerical Recipes' gammp/betai.
 */
final class Distributions {

    private Distributions() {
    }

    /** sup |F_n(x) - F(x)| of the sample against the CDF. */
    static double ks(double[] sample, DoubleUnaryOperator cdf) {
        double[] s = sample.clone();
        Arrays.sort(s);
        int n = s.length;
        double d = 0;
        for (int i = 0; i < n; i++) {
            double f = cdf.applyAsDouble(s[i]);
            d = Math.max(d, Math.max((i + 1.0) / n - f, f - (double) i / n));
        }
        return d;
    }

    /** Asymptotic critical value of the KS statistic at level 0.001: 1.949 / sqrt(n). */
    static double ksCritical001(int n) {
        return 1.949 / Math.sqrt(n);
    }

    static double logGamma(double x) {
        double[] c = {76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155,
            0.1208650973866179e-2, -0.5395239384953e-5};
        double y = x;
        double tmp = x + 5.5;
        tmp -= (x + 0.5) * Math.log(tmp);
        double ser = 1.000000000190015;
        for (double cj : c) {
            ser += cj / ++y;
        }
        return -tmp + Math.log(2.5066282746310005 * ser / x);
    }

    /** Regularised lower incomplete gamma P(a, x): the CDF of Gamma(a, 1) at x. */
    static double gammaP(double a, double x) {
        if (x <= 0) {
            return 0;
        }
        if (x < a + 1) {
            double ap = a;
            double sum = 1 / a;
            double del = sum;
            for (int n = 0; n < 10000; n++) {
                ap++;
                del *= x / ap;
                sum += del;
                if (Math.abs(del) < Math.abs(sum) * 1e-15) {
                    break;
                }
            }
            return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
        }
        double b = x + 1 - a;
        double c = 1 / 1e-300;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 10000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < 1e-300) {
                d = 1e-300;
            }
            c = b + an / c;
            if (Math.abs(c) < 1e-300) {
                c = 1e-300;
            }
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-15) {
                break;
            }
        }
        return 1 - Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
    }

    /** Regularised incomplete beta I_x(a, b): the CDF of Beta(a, b) at x. */
    static double betaI(double a, double b, double x) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double bt = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
        if (x < (a + 1) / (a + b + 2)) {
            return bt * betaCf(a, b, x) / a;
        }
        return 1 - bt * betaCf(b, a, 1 - x) / b;
    }

    private static double betaCf(double a, double b, double x) {
        double qab = a + b;
        double qap = a + 1;
        double qam = a - 1;
        double c = 1;
        double d = 1 - qab * x / qap;
        if (Math.abs(d) < 1e-300) {
            d = 1e-300;
        }
        d = 1 / d;
        double h = d;
        for (int m = 1; m < 10000; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            d = Math.abs(d) < 1e-300 ? 1e-300 : d;
            c = 1 + aa / c;
            c = Math.abs(c) < 1e-300 ? 1e-300 : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            d = Math.abs(d) < 1e-300 ? 1e-300 : d;
            c = 1 + aa / c;
            c = Math.abs(c) < 1e-300 ? 1e-300 : c;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-15) {
                break;
            }
        }
        return h;
    }
}
