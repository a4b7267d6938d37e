package org.privtune.attack.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.privtune.mechanism.MechanismSpec;

/**
 * What an experiment measures and how much work each setting gets.
 *
 * @param data             built-in data set of the victim (sentiment)
 * @param split            split layer of the model (0 to its layer count)
 * @param mechanisms       mechanism names ({@code none} runs once per seed)
 * @param eps              eps values for every other mechanism
 * @param seeds            seeds 1..seeds per setting
 * @param out              experiment folder
 * @param quick            the reduced configuration of {@link #quick}
 * @param trainLimit       victim training sentences used (0: all that remain after the attacker's slice)
 * @param devLimit         dev sentences for early stopping (0: all)
 * @param testLimit        test sentences evaluated and attacked (0: all)
 * @param epochs           fine-tuning epochs
 * @param learningRate     peak AdamW rate of the top
 * @param auxSentences     attacker's auxiliary IMDB sentences for A2
 * @param a2Epochs         A2 training epochs (fresh noise each)
 * @param a2Hidden         A2 hidden width
 * @param a3Sentences      victim test sentences attacked by A3 (it is the slowest attack)
 * @param a3Steps          A3 Adam steps
 * @param a3Candidates     candidates per position from A1 and from A2 each (A3 relaxes over their union)
 * @param attackerSlice    sentences of the sentiment train split given to the attacker (public,
 *                         labelled with their attributes) and withheld from the victim's training
 * @param cacheDir         reference space and neighbour graph cache
 * @param model            the pre-trained encoder: a built-in name or a model folder (null: the default)
 * @param sample           victim records drawn from the data set before it is split (0: the whole
 *                         set); the rest of a built-in public set stays public
 */
public record ExperimentConfig(String data, int split, List<String> mechanisms, List<Double> eps, int seeds, Path out,
        boolean quick, int trainLimit, int devLimit, int testLimit, int epochs, float learningRate, int auxSentences,
        int a2Epochs, int a2Hidden, int a3Sentences, int a3Steps, int a3Candidates, int attackerSlice,
        Path cacheDir, String model, int sample) {

    /** Seed of the victim's sample: fixed, so every setting and every rerun sees the same records. */
    public static final long SAMPLE_SEED = 5_000_011L;

    /** A configuration of the default model on the whole data set. */
    public ExperimentConfig(String data, int split, List<String> mechanisms, List<Double> eps, int seeds, Path out,
            boolean quick, int trainLimit, int devLimit, int testLimit, int epochs, float learningRate,
            int auxSentences, int a2Epochs, int a2Hidden, int a3Sentences, int a3Steps, int a3Candidates,
            int attackerSlice, Path cacheDir) {
        this(data, split, mechanisms, eps, seeds, out, quick, trainLimit, devLimit, testLimit, epochs, learningRate,
                auxSentences, a2Epochs, a2Hidden, a3Sentences, a3Steps, a3Candidates, attackerSlice, cacheDir, null, 0);
    }

    public static final List<String> DEFAULT_MECHANISMS = List.of(MechanismSpec.NONE, MechanismSpec.DCHI,
            MechanismSpec.SAP, MechanismSpec.GAUSSIAN, MechanismSpec.SANTEXT, MechanismSpec.PRIVTUNE);
    public static final List<Double> DEFAULT_EPS = List.of(1.0, 2.0, 4.0, 8.0, 16.0, 32.0);

    /** The full configuration: every sentence, 3 epochs, 3,000 auxiliary sentences. */
    public static ExperimentConfig full(String data, int split, List<String> mechanisms, List<Double> eps, int seeds,
            Path out, Path cacheDir) {
        return new ExperimentConfig(data, split, mechanisms, eps, seeds, out, false, 0, 0, 0, 3, 5e-5f, 3000, 4, 1024,
                32, 100, 10, 600, cacheDir);
    }

    /** The reduced configuration: a few minutes for the default grid of {@link ExperimentCommand} --quick. */
    public static ExperimentConfig quick(String data, int split, List<String> mechanisms, List<Double> eps, int seeds,
            Path out, Path cacheDir) {
        return new ExperimentConfig(data, split, mechanisms, eps, seeds, out, true, 400, 100, 150, 1, 1e-4f, 1000, 3,
                512, 8, 50, 8, 300, cacheDir);
    }

    /**
     * This configuration with at most {@code n} test sentences (0: all). What the training split
     * feeds (TF-IDF importance, task relevance) is left as it is, so that a mechanism built from
     * it perturbs the test sentences as the experiment's does.
     */
    public ExperimentConfig withTestLimit(int n) {
        return new ExperimentConfig(data, split, mechanisms, eps, seeds, out, quick, trainLimit, devLimit, n, epochs,
                learningRate, auxSentences, a2Epochs, a2Hidden, a3Sentences, a3Steps, a3Candidates, attackerSlice,
                cacheDir, model, sample);
    }

    /** This configuration on a fixed sample of {@code n} records of the data set (0: all of it). */
    public ExperimentConfig withSample(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("sample must be 0 (the whole data set) or positive, was " + n);
        }
        return new ExperimentConfig(data, split, mechanisms, eps, seeds, out, quick, trainLimit, devLimit, testLimit,
                epochs, learningRate, auxSentences, a2Epochs, a2Hidden, a3Sentences, a3Steps, a3Candidates,
                attackerSlice, cacheDir, model, n);
    }

    /** This configuration on another model (a built-in name or a model folder). */
    public ExperimentConfig withModel(String m) {
        return new ExperimentConfig(data, split, mechanisms, eps, seeds, out, quick, trainLimit, devLimit, testLimit,
                epochs, learningRate, auxSentences, a2Epochs, a2Hidden, a3Sentences, a3Steps, a3Candidates,
                attackerSlice, cacheDir, m, sample);
    }

    /** Every setting: {@code none} once per seed, every other mechanism per eps and seed. */
    public List<Setting> grid() {
        List<Setting> out = new ArrayList<>();
        for (String m : mechanisms) {
            for (int s = 1; s <= seeds; s++) {
                if (MechanismSpec.NONE.equals(m)) {
                    out.add(new Setting(m, 0, s));
                }
            }
            if (!MechanismSpec.NONE.equals(m)) {
                for (double e : eps) {
                    for (int s = 1; s <= seeds; s++) {
                        out.add(new Setting(m, e, s));
                    }
                }
            }
        }
        return out;
    }
}
