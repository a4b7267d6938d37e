package org.privtune.attack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.privtune.core.Progress;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * B1-B3, attribute inference: the attacker trains a classifier (a small MLP on standardised
 * features) on mean-pooled perturbed representations of its own labelled public sentences and
 * predicts the attribute of each victim sentence from what the victim sent. Reported against the
 * majority-class baseline of the victim's sentences (the best constant guess).
 */
public final class AttributeInference {

    /** @param hidden 0 for logistic regression */
    public record Config(int hidden, int epochs, int batchSize, float learningRate, long seed) {
        public static Config defaults() {
            return new Config(128, 60, 64, 1e-3f, 11L);
        }
    }

    /** Accuracy of the attack, the majority-class baseline on the same sentences, their count. */
    public record Result(String attribute, double accuracy, double majorityBaseline, int count,
            List<String> values) {
        /** Accuracy above the baseline, in points of share. */
        public double advantage() {
            return accuracy - majorityBaseline;
        }
    }

    private AttributeInference() {
    }

    /**
     * @param trainFeatures attacker's pooled features, one row per public sentence
     * @param trainValues   attribute value of each public sentence
     * @param testFeatures  pooled features of the victim's sentences
     * @param testValues    their true values (for scoring only)
     */
    public static Result run(String attribute, float[][] trainFeatures, List<String> trainValues,
            float[][] testFeatures, List<String> testValues, Config cfg, NDManager manager, Progress progress) {
        Map<String, Integer> index = new LinkedHashMap<>();
        for (String v : trainValues) {
            index.putIfAbsent(v, index.size());
        }
        for (String v : testValues) {
            index.putIfAbsent(v, index.size());
        }
        int classes = Math.max(2, index.size());
        int[] ytr = trainValues.stream().mapToInt(index::get).toArray();
        int[] yte = testValues.stream().mapToInt(index::get).toArray();
        int[] counts = new int[classes];
        for (int y : yte) {
            counts[y]++;
        }
        int max = 0;
        for (int c : counts) {
            max = Math.max(max, c);
        }
        double baseline = yte.length == 0 ? Double.NaN : max / (double) yte.length;
        int d = trainFeatures[0].length;
        try (NDManager m = manager.newSubManager();
                MlpClassifier mlp = new MlpClassifier(m, d, cfg.hidden(), classes, cfg.learningRate(), cfg.seed())) {
            NDArray xtr = m.create(flatten(trainFeatures), new Shape(trainFeatures.length, d));
            NDArray xte = m.create(flatten(testFeatures), new Shape(testFeatures.length, d));
            Random r = new Random(cfg.seed());
            for (int e = 0; e < cfg.epochs(); e++) {
                mlp.trainEpoch(xtr, ytr, cfg.batchSize(), r, progress);
            }
            double acc = mlp.accuracy(xte, yte);
            return new Result(attribute, acc, baseline, yte.length, new ArrayList<>(index.keySet()));
        }
    }

    static float[] flatten(float[][] rows) {
        int d = rows[0].length;
        float[] out = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * d, d);
        }
        return out;
    }
}
