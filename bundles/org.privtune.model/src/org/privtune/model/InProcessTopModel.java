package org.privtune.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;

import java.util.HashMap;
import java.util.Map;

/**
 * The top model in the same JVM as the device. Only one GradientCollector may be open per JVM
 * with the PyTorch engine, so the device must have closed its own before calling
 * {@link #trainStep}; a cloud serving several devices serialises their steps (this class is
 * synchronized for that reason).
 */
public final class InProcessTopModel implements TopModelEndpoint {

    private final SplitModel model;
    private final NDManager manager;
    private final ParameterUpdater updater;
    private final Map<String, float[]> checkpoint = new HashMap<>();
    private Long stepSeed;
    private int steps;

    public InProcessTopModel(SplitModel model, NDManager manager, LinearWarmupDecay schedule, float weightDecay,
            float clipNorm) {
        this.model = model;
        this.manager = manager;
        this.updater = new ParameterUpdater(model.topParameters(), schedule, weightDecay, clipNorm);
    }

    /** A top that is only asked for predictions (its optimiser never runs). */
    public static InProcessTopModel forInference(SplitModel model, NDManager manager) {
        return new InProcessTopModel(model, manager, new LinearWarmupDecay(0f, 0, 1), 0f, 0f);
    }

    /**
     * Makes the dropout of every training step depend only on {@code seed} and the step's number:
     * the engine's generator (process-wide) is seeded from both before each step. A cloud endpoint
     * serving several sessions uses it so that a session's results do not depend on what the other
     * sessions drew in between, and a run with a noise mechanism on the device (which seeds the
     * same generator for its draws) gets the same top whether it trains in process or remotely.
     */
    public synchronized InProcessTopModel seedEachStep(long seed) {
        this.stepSeed = seed;
        return this;
    }

    /** Frees the optimiser's state; the model's weights stay with their manager. */
    @Override
    public synchronized void close() {
        updater.close();
    }

    /** Training steps taken so far. */
    public synchronized int steps() {
        return steps;
    }

    /** The seed {@link #seedEachStep} gives the engine before step {@code step} (0-based). */
    public static int stepSeed(long seed, int step) {
        long z = seed + 0x9E3779B97F4A7C15L * (step + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (int) (z ^ (z >>> 31));
    }

    /**
     * Everything that a training of this top has changed: its weights, the remembered best
     * weights, the optimiser's state and the step count (which, with {@link #seedEachStep}, is all
     * of its randomness).
     */
    public record Snapshot(Map<String, float[]> weights, Map<String, float[]> best, ParameterUpdater.State optimizer,
            int steps) {
    }

    /** A copy of this top's training state. */
    public synchronized Snapshot snapshot() {
        return new Snapshot(topWeights(), new java.util.LinkedHashMap<>(checkpoint), updater.state(), steps);
    }

    /** Puts back a {@link #snapshot()} of a top of the same shape: training goes on exactly from there. */
    public synchronized void restore(Snapshot s) {
        if (!s.weights().keySet().equals(model.topParameters().keySet())) {
            throw new IllegalArgumentException("snapshot: parameters " + s.weights().keySet() + " are not this top's "
                    + model.topParameters().keySet());
        }
        restore(model.topParameters(), s.weights());
        checkpoint.clear();
        checkpoint.putAll(s.best());
        updater.restore(s.optimizer());
        steps = s.steps();
    }

    /** The top's optimiser (e.g. to observe gradients). */
    public ParameterUpdater updater() {
        return updater;
    }

    /** A top trained with the config's rate, decay, warm-up and clipping over {@code totalSteps}. */
    public static InProcessTopModel forTraining(SplitModel model, NDManager manager, TrainingConfig cfg,
            int totalSteps) {
        LinearWarmupDecay schedule = new LinearWarmupDecay(cfg.learningRate(),
                Math.round(cfg.warmupFraction() * totalSteps), totalSteps);
        return new InProcessTopModel(model, manager, schedule, cfg.weightDecay(), cfg.clipNorm());
    }

    @Override
    public synchronized StepResult trainStep(float[] representations, long[] shape, long[][] mask, int[] labels,
            boolean wantGradient) {
        try (NDManager m = manager.newSubManager()) {
            NDArray reps = m.create(representations, new Shape(shape));
            if (wantGradient) {
                reps.setRequiresGradient(true);
            }
            NDArray maskArr = m.create(mask);
            if (stepSeed != null) {
                Engine.getEngine("PyTorch").setRandomSeed(stepSeed(stepSeed, steps));
            }
            float loss;
            int correct;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray logits = model.topForward(reps, maskArr, true);
                NDArray l = SplitModel.crossEntropy(logits, labels);
                gc.backward(l);
                loss = l.getFloat();
                correct = countCorrect(logits, labels);
            }
            float[] grad = null;
            if (wantGradient) {
                try (NDArray g = reps.getGradient()) {
                    grad = g.toFloatArray();
                }
            }
            if (!Float.isFinite(loss)) {
                // not applied: the weights stay finite (the caller sees the loss and decides)
                ParameterUpdater.zeroGradients(model.topParameters());
                return new StepResult(loss, correct, Float.NaN, grad);
            }
            double norm = updater.step(); // not applied either when the gradient is not finite
            if (Double.isFinite(norm)) {
                steps++;
            }
            return new StepResult(loss, correct, (float) norm, grad);
        }
    }

    @Override
    public synchronized float[][] predict(float[] representations, long[] shape, long[][] mask) {
        try (NDManager m = manager.newSubManager()) {
            NDArray logits = model.topForward(m.create(representations, new Shape(shape)), m.create(mask), false);
            int b = (int) shape[0];
            int c = model.numLabels();
            float[] flat = logits.toFloatArray();
            float[][] out = new float[b][c];
            for (int i = 0; i < b; i++) {
                System.arraycopy(flat, i * c, out[i], 0, c);
            }
            return out;
        }
    }

    static int countCorrect(NDArray logits, int[] labels) {
        long[] pred = logits.argMax(1).toLongArray();
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (pred[i] == labels[i]) {
                correct++;
            }
        }
        return correct;
    }

    /** Remembers the current top weights (best dev epoch so far). */
    @Override
    public synchronized void saveCheckpoint() {
        snapshot(model.topParameters(), checkpoint);
    }

    /** Puts back the weights of the last {@link #saveCheckpoint()}; no-op if there was none. */
    @Override
    public synchronized void restoreCheckpoint() {
        restore(model.topParameters(), checkpoint);
    }

    @Override
    public synchronized Map<String, float[]> topWeights() {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        snapshot(model.topParameters(), out);
        return out;
    }


    static void snapshot(Map<String, Parameter> params, Map<String, float[]> into) {
        into.clear();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            into.put(e.getKey(), e.getValue().getArray().toFloatArray());
        }
    }

    static void restore(Map<String, Parameter> params, Map<String, float[]> from) {
        if (from.isEmpty()) {
            return;
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            EngineArrays.overwrite(e.getValue().getArray(), from.get(e.getKey()));
        }
    }
}
