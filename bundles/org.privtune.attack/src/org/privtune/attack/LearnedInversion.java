package org.privtune.attack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.privtune.core.Progress;
import org.privtune.model.DeviceTransform;
import org.privtune.model.TextTokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A2, learned inversion: an MLP d -> hidden -> (token types seen in the attacker's auxiliary
 * text), trained by the attacker on auxiliary sentences passed through the same bottom model and
 * the same mechanism with the same parameters (its own instance, so its own noise), with fresh
 * noise every epoch. Token types outside the auxiliary vocabulary can never be guessed: that is
 * the attacker's real limit and is counted as a miss.
 */
public final class LearnedInversion implements AutoCloseable {

    /**
     * @param hidden     hidden width (1024 as in method.md)
     * @param epochs     passes over the auxiliary tokens, fresh noise each
     * @param maxClasses most frequent auxiliary token types kept as classes
     * @param batchSize  tokens per Adam step
     */
    public record Config(int hidden, int epochs, int maxClasses, int batchSize, float learningRate, long seed) {
        public static Config defaults() {
            return new Config(1024, 4, 8000, 512, 1e-3f, 7L);
        }
    }

    /** What the training did: tokens, classes, their coverage of the auxiliary tokens, seconds. */
    public record TrainingSummary(int tokens, int classes, double coverage, double lastLoss, double seconds) {
    }

    private final MlpClassifier mlp;
    private final long[] classToId;
    private final TrainingSummary summary;

    private LearnedInversion(MlpClassifier mlp, long[] classToId, TrainingSummary summary) {
        this.mlp = mlp;
        this.classToId = classToId;
        this.summary = summary;
    }

    /**
     * Trains the attacker's model.
     *
     * @param path      the device path (bottom) the attacker replays
     * @param auxiliary tokenised auxiliary sentences
     * @param attackerMechanism the attacker's own instance of the mechanism (same spec, other seed)
     */
    public static LearnedInversion train(DevicePath path, List<TextTokenizer.Batch> auxiliary,
            DeviceTransform attackerMechanism, Config cfg, NDManager manager, Progress progress) {
        long t0 = System.nanoTime();
        boolean[] special = path.specialFlags();
        Map<Long, Integer> counts = new HashMap<>();
        int total = 0;
        for (TextTokenizer.Batch b : auxiliary) {
            for (int i = 0; i < b.size(); i++) {
                for (int t = 0; t < b.length(); t++) {
                    long id = b.ids()[i][t];
                    if (b.mask()[i][t] != 0 && !(id < special.length && special[(int) id])) {
                        counts.merge(id, 1, Integer::sum);
                        total++;
                    }
                }
            }
        }
        List<Map.Entry<Long, Integer>> byFreq = new ArrayList<>(counts.entrySet());
        byFreq.sort((a, b) -> b.getValue() != a.getValue().intValue() ? Integer.compare(b.getValue(), a.getValue())
                : Long.compare(a.getKey(), b.getKey()));
        int c = Math.min(cfg.maxClasses(), byFreq.size());
        long[] classToId = new long[c];
        Map<Long, Integer> idToClass = new HashMap<>();
        int covered = 0;
        for (int i = 0; i < c; i++) {
            classToId[i] = byFreq.get(i).getKey();
            idToClass.put(classToId[i], i);
            covered += byFreq.get(i).getValue();
        }
        MlpClassifier mlp = new MlpClassifier(manager, dim(path, auxiliary, manager), cfg.hidden(), c,
                cfg.learningRate(), cfg.seed());
        Random random = new Random(cfg.seed());
        double loss = Double.NaN;
        int tokens = 0;
        progress.begin("Learned inversion (A2): training on auxiliary text", cfg.epochs());
        try {
            for (int e = 0; e < cfg.epochs(); e++) {
                ObservedRepresentations obs = path.observe(auxiliary, attackerMechanism, progress);
                try (NDManager m = manager.newSubManager()) {
                    List<float[]> rows = new ArrayList<>();
                    List<Integer> labels = new ArrayList<>();
                    int d = obs.dim();
                    for (ObservedRepresentations.Batch b : obs.batches()) {
                        long[] idx = b.scoredIndices();
                        for (long p : idx) {
                            Integer cls = idToClass.get(b.ids()[(int) p]);
                            if (cls != null) {
                                rows.add(Arrays.copyOfRange(b.representations(), (int) p * d, (int) (p + 1) * d));
                                labels.add(cls);
                            }
                        }
                    }
                    float[] flat = new float[rows.size() * d];
                    for (int i = 0; i < rows.size(); i++) {
                        System.arraycopy(rows.get(i), 0, flat, i * d, d);
                    }
                    NDArray x = m.create(flat, new Shape(rows.size(), d));
                    int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
                    tokens = y.length;
                    loss = mlp.trainEpoch(x, y, cfg.batchSize(), random, progress);
                }
                progress.subTask(String.format(java.util.Locale.ROOT, "epoch %d/%d loss %.3f", e + 1, cfg.epochs(), loss));
                progress.worked(1);
            }
        } finally {
            progress.done();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        return new LearnedInversion(mlp, classToId,
                new TrainingSummary(tokens, c, total == 0 ? 0 : covered / (double) total, loss, secs));
    }

    private static int dim(DevicePath path, List<TextTokenizer.Batch> aux, NDManager manager) {
        try (NDManager m = manager.newSubManager()) {
            TextTokenizer.Batch b = aux.get(0);
            return (int) path.bottom().encode(m.create(b.ids()), m.create(b.mask())).getShape().get(2);
        }
    }

    public TrainingSummary summary() {
        return summary;
    }

    /** The {@code k} best token ids per row [n, d]. */
    public long[][] topK(NDArray rows, int k) {
        int[][] cls = mlp.topK(rows, k);
        long[][] out = new long[cls.length][];
        for (int i = 0; i < cls.length; i++) {
            out[i] = new long[cls[i].length];
            for (int j = 0; j < cls[i].length; j++) {
                out[i][j] = classToId[cls[i][j]];
            }
        }
        return out;
    }

    /** Per scored position of {@code observed} (in order), the {@code k} best ids. */
    public long[][] guesses(ObservedRepresentations observed, int k, NDManager manager) {
        List<long[]> rows = new ArrayList<>();
        for (ObservedRepresentations.Batch b : observed.batches()) {
            if (b.scoredCount() == 0) {
                continue;
            }
            try (NDManager m = manager.newSubManager()) {
                java.util.Collections.addAll(rows, topK(b.scoredRows(m), k));
            }
        }
        return rows.toArray(new long[0][]);
    }

    public TokenRecovery evaluate(ObservedRepresentations observed, NDManager manager) {
        return TokenRecovery.score(guesses(observed, 5, manager), observed.scoredIds());
    }

    @Override
    public void close() {
        mlp.close();
    }
}
