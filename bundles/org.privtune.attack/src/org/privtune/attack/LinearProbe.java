package org.privtune.attack;

import java.util.Random;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * A linear probe for quick estimates (the Noise Tuner): k-fold cross-validated accuracy of a ridge
 * classifier (least squares on one-hot targets, features centred on the training fold) in its dual
 * form, so that the cost is O(n^2 d) for n samples of dimension d, a few milliseconds for the
 * tuner's sample. It is deliberately simple and deterministic: a lower bound on what a trained
 * attacker or top model extracts, used to compare settings, not to report attack results (the
 * experiment runner's MLP attacks do that).
 */
public final class LinearProbe {

    private LinearProbe() {
    }

    /** Cross-validated accuracy and the majority-class share of the same samples. */
    public record Estimate(double accuracy, double majority, int samples) {
        /** No estimate (too few samples). */
        public static final Estimate NONE = new Estimate(Double.NaN, Double.NaN, 0);

        public boolean available() {
            return samples > 0 && !Double.isNaN(accuracy);
        }

        public double advantage() {
            return accuracy - majority;
        }
    }

    /**
     * @param x       [n * d] features, row-major
     * @param y       class of each row in [0, classes)
     * @param folds   number of folds (at least 2, at most n)
     * @param lambda  ridge strength relative to the mean squared row norm
     */
    public static Estimate crossValidated(float[] x, int d, int[] y, int classes, int folds, double lambda, long seed) {
        int n = y.length;
        if (x.length != (long) n * d) {
            throw new IllegalArgumentException("features " + x.length + " != " + n + " x " + d);
        }
        int[] counts = new int[Math.max(1, classes)];
        for (int c : y) {
            counts[c]++;
        }
        int max = 0;
        for (int c : counts) {
            max = Math.max(max, c);
        }
        double majority = n == 0 ? Double.NaN : max / (double) n;
        if (n < 4 || classes < 2) {
            return new Estimate(majority, majority, n);
        }
        int k = Math.max(2, Math.min(folds, n));
        int[] fold = new int[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Collections.shuffle(java.util.Arrays.asList(order), new Random(seed));
        for (int i = 0; i < n; i++) {
            fold[order[i]] = i % k;
        }
        int correct = 0;
        for (int f = 0; f < k; f++) {
            int ff = f;
            int[] tr = java.util.stream.IntStream.range(0, n).filter(i -> fold[i] != ff).toArray();
            int[] te = java.util.stream.IntStream.range(0, n).filter(i -> fold[i] == ff).toArray();
            correct += correct(x, d, y, classes, tr, te, lambda);
        }
        return new Estimate(correct / (double) n, majority, n);
    }

    /**
     * Accuracy on held-out rows of a probe fitted on others: rows {@code [0, trainRows)} of
     * {@code x} train it, the rest are scored.
     */
    public static double trainTest(float[] x, int d, int[] y, int classes, int trainRows, double lambda) {
        int n = y.length;
        if (x.length != (long) n * d || trainRows < 1 || trainRows >= n) {
            throw new IllegalArgumentException("features " + x.length + " for " + n + " x " + d + " rows, "
                    + trainRows + " of them for training");
        }
        int[] tr = java.util.stream.IntStream.range(0, trainRows).toArray();
        int[] te = java.util.stream.IntStream.range(trainRows, n).toArray();
        return correct(x, d, y, classes, tr, te, lambda) / (double) te.length;
    }

    /** How many rows {@code te} a ridge probe fitted on rows {@code tr} classifies correctly. */
    private static int correct(float[] x, int d, int[] y, int classes, int[] tr, int[] te, double lambda) {
        int m = tr.length;
        double[] mean = new double[d];
        for (int i : tr) {
            for (int c = 0; c < d; c++) {
                mean[c] += x[i * d + c];
            }
        }
        for (int c = 0; c < d; c++) {
            mean[c] /= m;
        }
        double[][] xc = new double[m][d];
        for (int a = 0; a < m; a++) {
            for (int c = 0; c < d; c++) {
                xc[a][c] = x[tr[a] * d + c] - mean[c];
            }
        }
        double[][] gram = new double[m][m];
        double trace = 0;
        for (int a = 0; a < m; a++) {
            for (int b = 0; b <= a; b++) {
                double s = 0;
                for (int c = 0; c < d; c++) {
                    s += xc[a][c] * xc[b][c];
                }
                gram[a][b] = s;
                gram[b][a] = s;
            }
            trace += gram[a][a];
        }
        double reg = Math.max(1e-9, lambda * trace / m);
        for (int a = 0; a < m; a++) {
            gram[a][a] += reg;
        }
        double[] yMean = new double[classes];
        for (int i : tr) {
            yMean[y[i]] += 1.0 / m;
        }
        double[][] target = new double[m][classes];
        for (int a = 0; a < m; a++) {
            for (int c = 0; c < classes; c++) {
                target[a][c] = (y[tr[a]] == c ? 1 : 0) - yMean[c];
            }
        }
        RealMatrix alpha = new CholeskyDecomposition(new Array2DRowRealMatrix(gram, false), 1e-12, 1e-14).getSolver()
                .solve(new Array2DRowRealMatrix(target, false));
        // W = Xc^T alpha [d, classes]
        double[][] w = new double[d][classes];
        for (int a = 0; a < m; a++) {
            for (int c = 0; c < classes; c++) {
                double al = alpha.getEntry(a, c);
                if (al == 0) {
                    continue;
                }
                for (int e = 0; e < d; e++) {
                    w[e][c] += xc[a][e] * al;
                }
            }
        }
        int correct = 0;
        for (int i : te) {
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double s = yMean[c];
                for (int e = 0; e < d; e++) {
                    s += (x[i * d + e] - mean[e]) * w[e][c];
                }
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            correct += best == y[i] ? 1 : 0;
        }
        return correct;
    }
}
