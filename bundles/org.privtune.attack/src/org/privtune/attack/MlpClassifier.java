package org.privtune.attack;

import java.util.Random;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import org.privtune.core.Progress;
import org.privtune.model.EngineScalars;

/**
 * The attacker's classifier: standardised input -> Linear(d, hidden) -> GELU -> Linear(hidden, C)
 * (hidden = 0: logistic regression), softmax cross-entropy, Adam. Used for the learned inversion
 * (A2, C = token types), the attribute inference (B1-B3, C = attribute values) and, with soft
 * targets, the special-row bag of words (C = token types, target: a sentence's types). Inputs are
 * standardised with the mean and standard deviation of the first training data it sees, because
 * perturbed representations can be tens of times larger than clean ones.
 */
public final class MlpClassifier implements AutoCloseable {

    private final NDManager params;
    private final NDArray w1;
    private final NDArray b1;
    private final NDArray w2;
    private final NDArray b2;
    private final Optimizer optimizer;
    private final int classes;
    private NDArray mean;
    private NDArray std;

    /**
     * @param hidden hidden width, 0 for a linear (logistic-regression) model
     */
    public MlpClassifier(NDManager manager, int inputs, int hidden, int classes, float learningRate, long seed) {
        this.params = manager.newSubManager();
        this.classes = classes;
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        int mid = hidden > 0 ? hidden : inputs;
        if (hidden > 0) {
            w1 = params.randomNormal(0f, (float) Math.sqrt(2.0 / inputs), new Shape(inputs, hidden), DataType.FLOAT32);
            b1 = params.zeros(new Shape(hidden));
            w1.setRequiresGradient(true);
            b1.setRequiresGradient(true);
        } else {
            w1 = null;
            b1 = null;
        }
        w2 = params.randomNormal(0f, (float) Math.sqrt(1.0 / mid), new Shape(mid, classes), DataType.FLOAT32);
        b2 = params.zeros(new Shape(classes));
        w2.setRequiresGradient(true);
        b2.setRequiresGradient(true);
        optimizer = Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate)).build();
    }

    public int classes() {
        return classes;
    }

    private NDArray standardise(NDArray x) {
        if (mean == null) {
            mean = x.mean(new int[] {0}, true);
            mean.attach(params);
            std = x.sub(mean).square().mean(new int[] {0}, true).sqrt().add(1e-6f);
            std.attach(params);
        }
        return x.sub(mean).div(std);
    }

    private NDArray forward(NDArray x) {
        NDArray h = standardise(x);
        if (w1 != null) {
            h = gelu(h.matMul(w1).add(b1));
        }
        return h.matMul(w2).add(b2);
    }

    /** GELU (erf form); package-visible for the test that its backward survives a garbage collection. */
    static NDArray gelu(NDArray x) {
        // engine-owned constants: autograd keeps the factors of a product for the backward pass
        NDManager m = x.getManager();
        NDArray cdf = x.mul(EngineScalars.constant(m, (float) (1 / Math.sqrt(2)))).erf().add(1f);
        return x.mul(cdf).mul(EngineScalars.constant(m, 0.5f));
    }

    /**
     * One epoch of minibatch Adam over {@code x} [n, d] and labels {@code y} in 0..C-1, shuffled by
     * {@code random}. Returns the mean training loss.
     */
    public double trainEpoch(NDArray x, int[] y, int batchSize, Random random, Progress progress) {
        return epoch(x, y.length, batchSize, random, progress, (rows, m) -> {
            int[] labels = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                labels[i] = y[rows[i]];
            }
            return m.create(labels).toType(DataType.INT64, false).oneHot(classes);
        });
    }

    /**
     * One epoch of minibatch Adam with soft targets: the target distribution of row i is uniform
     * over the classes {@code sets[i]} (e.g. the distinct words of a sentence, for a bag-of-words
     * model), and the loss is the cross-entropy against it. A row with an empty set has no target
     * and contributes nothing to the gradient; callers should leave such rows out. Shuffled by
     * {@code random}; returns the mean training loss.
     */
    public double trainEpochSoft(NDArray x, int[][] sets, int batchSize, Random random, Progress progress) {
        return epoch(x, sets.length, batchSize, random, progress, (rows, m) -> {
            // built dense per minibatch only: n x C for the whole epoch would be n * C floats
            float[] q = new float[rows.length * classes];
            for (int i = 0; i < rows.length; i++) {
                int[] set = sets[rows[i]];
                for (int c : set) {
                    q[i * classes + c] = 1f / set.length;
                }
            }
            return m.create(q, new Shape(rows.length, classes));
        });
    }

    /** The target distributions [rows, C] of the given training rows, in {@code m}. */
    @FunctionalInterface
    private interface Targets {
        NDArray of(int[] rows, NDManager m);
    }

    private double epoch(NDArray x, int n, int batchSize, Random random, Progress progress, Targets targets) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        if (mean == null) {
            try (NDManager m = params.newSubManager()) {
                NDArray xs = x.toType(DataType.FLOAT32, true);
                xs.attach(m);
                standardise(xs);
            }
        }
        double lossSum = 0;
        for (int s = 0; s < n; s += batchSize) {
            progress.checkCancelled();
            int e = Math.min(n, s + batchSize);
            long[] idx = new long[e - s];
            int[] rows = new int[e - s];
            for (int i = s; i < e; i++) {
                idx[i - s] = order[i];
                rows[i - s] = order[i];
            }
            try (NDManager m = params.newSubManager()) {
                NDArray xb = x.get(m.create(idx));
                xb.attach(m);
                NDArray gold = targets.of(rows, m);
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray logits = forward(xb);
                    NDArray loss = logits.logSoftmax(1).mul(gold).sum(new int[] {1}).neg().mean();
                    gc.backward(loss);
                    lossSum += loss.getFloat() * (e - s);
                }
                update("w2", w2);
                update("b2", b2);
                if (w1 != null) {
                    update("w1", w1);
                    update("b1", b1);
                }
            }
        }
        return lossSum / Math.max(1, n);
    }

    private void update(String name, NDArray w) {
        try (NDArray g = w.getGradient()) {
            optimizer.update(name, w, g);
            g.subi(g);
        }
    }

    /** Logits [n, C] for rows x [n, d], in x's manager. */
    public NDArray logits(NDArray x) {
        NDArray out = forward(x.toType(DataType.FLOAT32, false));
        return out;
    }

    /** The {@code k} best classes per row, best first. */
    public int[][] topK(NDArray x, int k) {
        int n = (int) x.getShape().get(0);
        int kk = Math.min(k, classes);
        int[][] out = new int[n][kk];
        for (int s = 0; s < n; s += 1024) {
            int e = Math.min(n, s + 1024);
            try (NDManager m = params.newSubManager()) {
                NDArray xb = x.get(s + ":" + e);
                xb.attach(m);
                long[] idx = logits(xb).topK(kk, 1, true, true).get(1).toType(DataType.INT64, false).toLongArray();
                for (int i = 0; i < e - s; i++) {
                    for (int j = 0; j < kk; j++) {
                        out[s + i][j] = (int) idx[i * kk + j];
                    }
                }
            }
        }
        return out;
    }

    /** Accuracy on rows x and labels y. */
    public double accuracy(NDArray x, int[] y) {
        int[][] p = topK(x, 1);
        int c = 0;
        for (int i = 0; i < y.length; i++) {
            c += p[i][0] == y[i] ? 1 : 0;
        }
        return y.length == 0 ? Double.NaN : c / (double) y.length;
    }

    @Override
    public void close() {
        params.close();
    }
}
