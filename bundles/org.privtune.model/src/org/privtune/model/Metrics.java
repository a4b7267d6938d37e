package org.privtune.model;

/** Classification quality on a set: mean loss, accuracy and macro-averaged F1. */
public record Metrics(int count, double loss, double accuracy, double macroF1) {

    /**
     * @param lossSum sum of per-example losses (NaN when unknown)
     */
    public static Metrics of(int[] gold, int[] predicted, int numClasses, double lossSum) {
        if (gold.length != predicted.length) {
            throw new IllegalArgumentException("gold and predicted differ in length");
        }
        int n = gold.length;
        int correct = 0;
        int[] tp = new int[numClasses];
        int[] fp = new int[numClasses];
        int[] fn = new int[numClasses];
        for (int i = 0; i < n; i++) {
            if (gold[i] == predicted[i]) {
                correct++;
                tp[gold[i]]++;
            } else {
                fp[predicted[i]]++;
                fn[gold[i]]++;
            }
        }
        double f1Sum = 0;
        for (int c = 0; c < numClasses; c++) {
            double denom = 2.0 * tp[c] + fp[c] + fn[c];
            f1Sum += denom == 0 ? 0 : 2.0 * tp[c] / denom;
        }
        return new Metrics(n, n == 0 ? Double.NaN : lossSum / n, n == 0 ? Double.NaN : (double) correct / n,
                numClasses == 0 ? Double.NaN : f1Sum / numClasses);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "n=%d loss=%.4f accuracy=%.4f macroF1=%.4f", count, loss,
                accuracy, macroF1);
    }
}
