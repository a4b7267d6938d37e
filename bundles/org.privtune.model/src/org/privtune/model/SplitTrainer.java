package org.privtune.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.privtune.core.Progress;

/**
 * The device side of split fine-tuning: tokenise a batch, run the bottom, apply the
 * {@link DeviceTransform} (fresh noise each step), send the result to a {@link TopModelEndpoint},
 * and, in plain split learning, push the returned gradient back through the bottom. Epochs with
 * seed-deterministic shuffling, dev evaluation after each epoch, early stopping on dev accuracy
 * with the best epoch's weights restored. A cancel request of the {@link Progress} is honoured
 * before each step, before a step's representations leave the device, and before each evaluation
 * batch ({@link org.privtune.core.CancelledException}).
 */
public final class SplitTrainer {

    private final SplitModel model;
    private final TextTokenizer tokenizer;
    private final NDManager manager;

    public SplitTrainer(SplitModel model, TextTokenizer tokenizer, NDManager manager) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.manager = manager;
    }

    /** Optimiser steps of one run: epochs x ceil(examples / batch). */
    public static int totalSteps(int examples, TrainingConfig cfg) {
        return cfg.epochs() * ((examples + cfg.batchSize() - 1) / cfg.batchSize());
    }

    /** Trains with an in-process top model (see {@link #train(List, List, TrainingConfig, DeviceTransform, TopModelEndpoint, Progress)}). */
    public TrainingReport train(List<LabelledText> train, List<LabelledText> dev, TrainingConfig cfg,
            DeviceTransform transform, Progress progress) {
        InProcessTopModel top = InProcessTopModel.forTraining(model, manager, cfg, totalSteps(train.size(), cfg));
        return train(train, dev, cfg, transform, top, progress);
    }

    /**
     * Trains the top behind {@code endpoint} (and the bottom when {@code cfg.trainBottom()}).
     * The endpoint keeps the weights of the best dev epoch and puts them back at the end.
     */
    public TrainingReport train(List<LabelledText> train, List<LabelledText> dev, TrainingConfig cfg,
            DeviceTransform transform, TopModelEndpoint endpoint, Progress progress) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        checkLabels(train);
        checkLabels(dev);
        Engine.getEngine("PyTorch").setRandomSeed((int) cfg.seed());
        model.setBottomTrainable(cfg.trainBottom());
        int total = totalSteps(train.size(), cfg);
        ParameterUpdater bottomUpdater = cfg.trainBottom()
                ? new ParameterUpdater(model.bottomParameters(), new LinearWarmupDecay(cfg.bottomLearningRate(),
                        Math.round(cfg.warmupFraction() * total), total), cfg.weightDecay(), cfg.clipNorm())
                : null;
        Map<String, float[]> bestBottom = new HashMap<>();

        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            order.add(i);
        }
        List<TrainingReport.Epoch> epochs = new ArrayList<>();
        double bestAcc = Double.NEGATIVE_INFINITY;
        int bestEpoch = 0;
        int sinceBest = 0;
        boolean stoppedEarly = false;
        long trainNanos = 0;
        long trainExamples = 0;
        progress.begin("Split fine-tuning", total);
        try {
            for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
                Collections.shuffle(order, new Random(cfg.seed() * 1_000_003L + epoch));
                double lossSum = 0;
                int correct = 0;
                long t0 = System.nanoTime();
                for (int start = 0; start < order.size(); start += cfg.batchSize()) {
                    progress.checkCancelled();
                    List<LabelledText> batch = new ArrayList<>();
                    for (int i = start; i < Math.min(order.size(), start + cfg.batchSize()); i++) {
                        batch.add(train.get(order.get(i)));
                    }
                    TopModelEndpoint.StepResult r;
                    int stepNo = start / cfg.batchSize() + 1;
                    try {
                        r = step(batch, transform, endpoint, bottomUpdater, progress);
                    } catch (NonFiniteInput e) {
                        throw new TrainingDivergedException(epoch, stepNo, e.getMessage());
                    }
                    if (!Double.isFinite(r.loss())) {
                        throw new TrainingDivergedException(epoch, stepNo, "loss " + r.loss()
                                + " on finite representations (the top's update diverged; previous epoch's mean loss "
                                + (epochs.isEmpty() ? "n/a" : String.format(java.util.Locale.ROOT, "%.4f",
                                        epochs.get(epochs.size() - 1).trainLoss()))
                                + ")");
                    }
                    lossSum += r.loss() * batch.size();
                    correct += r.correct();
                    progress.subTask(String.format(java.util.Locale.ROOT, "epoch %d/%d, loss %.4f", epoch,
                            cfg.epochs(), r.loss()));
                    progress.worked(1);
                }
                trainNanos += System.nanoTime() - t0;
                trainExamples += train.size();
                if (!dev.isEmpty()) {
                    progress.subTask(String.format(java.util.Locale.ROOT, "epoch %d/%d, dev evaluation", epoch,
                            cfg.epochs()));
                }
                Metrics devMetrics = dev.isEmpty() ? null
                        : evaluate(dev, transform, endpoint, cfg.batchSize(), progress);
                epochs.add(new TrainingReport.Epoch(epoch, lossSum / train.size(), (double) correct / train.size(),
                        devMetrics));
                double acc = devMetrics == null ? epoch : devMetrics.accuracy();
                if (acc > bestAcc) {
                    bestAcc = acc;
                    bestEpoch = epoch;
                    sinceBest = 0;
                    endpoint.saveCheckpoint();
                    if (cfg.trainBottom()) {
                        InProcessTopModel.snapshot(model.bottomParameters(), bestBottom);
                    }
                } else if (cfg.patience() > 0 && ++sinceBest >= cfg.patience()) {
                    stoppedEarly = epoch < cfg.epochs();
                    break;
                }
            }
        } finally {
            progress.done();
            if (bottomUpdater != null) {
                bottomUpdater.close(); // its moments live outside every manager
            }
        }
        progress.checkCancelled();
        endpoint.restoreCheckpoint();
        if (cfg.trainBottom()) {
            InProcessTopModel.restore(model.bottomParameters(), bestBottom);
        }
        double rate = trainNanos == 0 ? 0 : trainExamples / (trainNanos / 1e9);
        return new TrainingReport(List.copyOf(epochs), bestEpoch, stoppedEarly, rate);
    }

    /**
     * One split step on a batch: bottom forward, transform, top step, and (plain split learning)
     * the bottom backward of d(loss)/d(sent) as backward(sent * gradient).sum(). Collector
     * blocks are separate because only one may be open per JVM.
     */
    public TopModelEndpoint.StepResult step(List<LabelledText> batch, DeviceTransform transform,
            TopModelEndpoint endpoint, ParameterUpdater bottomUpdater) {
        return step(batch, transform, endpoint, bottomUpdater, Progress.NONE);
    }

    /** {@link #step(List, DeviceTransform, TopModelEndpoint, ParameterUpdater)}, cancellable before anything is sent. */
    public TopModelEndpoint.StepResult step(List<LabelledText> batch, DeviceTransform transform,
            TopModelEndpoint endpoint, ParameterUpdater bottomUpdater, Progress progress) {
        TextTokenizer.Batch tb = transform.hideLengths(tokenizer.encode(batch.stream().map(LabelledText::text).toList()));
        int[] labels = batch.stream().mapToInt(LabelledText::label).toArray();
        boolean trainBottom = bottomUpdater != null;
        try (NDManager m = manager.newSubManager()) {
            NDArray ids = m.create(tb.ids());
            NDArray mask = m.create(tb.mask());
            NDArray types = m.create(tb.typeIds());
            NDArray sent;
            if (trainBottom) {
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    sent = deviceForward(ids, mask, types, transform, true);
                }
            } else {
                sent = deviceForward(ids, mask, types, transform, false);
            }
            long[] shape = sent.getShape().getShape();
            float[] values = sent.toFloatArray();
            int bad = 0;
            for (float v : values) {
                bad += Float.isFinite(v) ? 0 : 1;
            }
            if (bad > 0) {
                throw new NonFiniteInput(bad + " of " + values.length + " values the device was about to send are not"
                        + " finite (bottom model or mechanism)");
            }
            progress.checkCancelled();
            TopModelEndpoint.StepResult r = endpoint.trainStep(values, shape, tb.mask(), labels, trainBottom);
            if (trainBottom) {
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray g = m.create(r.representationGradient(), sent.getShape());
                    gc.backward(sent.mul(g).sum());
                }
                bottomUpdater.step();
            }
            return r;
        }
    }

    /** Thrown by {@link #step} before a batch with non-finite values leaves the device. */
    static final class NonFiniteInput extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NonFiniteInput(String message) {
            super(message);
        }
    }

    private NDArray deviceForward(NDArray ids, NDArray mask, NDArray types, DeviceTransform transform,
            boolean training) {
        NDArray input = transform.beforeBottom(ids, mask);
        NDArray hidden = model.bottomForward(input, mask, types, training);
        return transform.afterBottom(hidden, input, mask);
    }

    /** Metrics on labelled data, through the same device path (transform included) as training. */
    public Metrics evaluate(List<LabelledText> data, DeviceTransform transform, TopModelEndpoint endpoint,
            int batchSize) {
        return evaluate(data, transform, endpoint, batchSize, Progress.NONE);
    }

    /** {@link #evaluate(List, DeviceTransform, TopModelEndpoint, int)}, cancellable before each batch. */
    public Metrics evaluate(List<LabelledText> data, DeviceTransform transform, TopModelEndpoint endpoint,
            int batchSize, Progress progress) {
        int n = data.size();
        int[] gold = new int[n];
        int[] pred = new int[n];
        double lossSum = 0;
        for (int start = 0; start < n; start += batchSize) {
            progress.checkCancelled();
            List<LabelledText> batch = data.subList(start, Math.min(n, start + batchSize));
            float[][] logits = logits(batch.stream().map(LabelledText::text).toList(), transform, endpoint);
            for (int i = 0; i < batch.size(); i++) {
                int g = batch.get(i).label();
                gold[start + i] = g;
                pred[start + i] = argMax(logits[i]);
                lossSum += -logSoftmax(logits[i])[g];
            }
        }
        return Metrics.of(gold, pred, model.numLabels(), lossSum);
    }

    /** Class logits [B][C] of sentences through bottom, transform and top (no training). */
    public float[][] logits(List<String> texts, DeviceTransform transform, TopModelEndpoint endpoint) {
        TextTokenizer.Batch tb = transform.hideLengths(tokenizer.encode(texts));
        try (NDManager m = manager.newSubManager()) {
            NDArray sent = deviceForward(m.create(tb.ids()), m.create(tb.mask()), m.create(tb.typeIds()), transform,
                    false);
            return endpoint.predict(sent.toFloatArray(), sent.getShape().getShape(), tb.mask());
        }
    }

    public static int argMax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    public static double[] logSoftmax(float[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : v) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (float x : v) {
            sum += Math.exp(x - max);
        }
        double lse = max + Math.log(sum);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] - lse;
        }
        return out;
    }

    private void checkLabels(List<LabelledText> data) {
        for (int i = 0; i < data.size(); i++) {
            int l = data.get(i).label();
            if (l < 0 || l >= model.numLabels()) {
                throw new org.privtune.core.InvalidInputException("examples", i + 1, "label",
                        "label " + l + " outside 0.." + (model.numLabels() - 1));
            }
        }
    }
}
