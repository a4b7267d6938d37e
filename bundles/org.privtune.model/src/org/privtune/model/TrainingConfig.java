package org.privtune.model;

/**
 * Hyper-parameters of split fine-tuning.
 *
 * @param epochs         maximum number of epochs
 * @param batchSize      sentences per step
 * @param maxLength      tokens per sentence after truncation (batches pad to their longest); the
 *                       caller builds the {@link TextTokenizer} with it and exports it
 * @param learningRate   peak AdamW rate of the top
 * @param weightDecay    AdamW decoupled weight decay
 * @param warmupFraction share of all steps spent warming up
 * @param clipNorm       global gradient-norm clip (<= 0: off)
 * @param patience       epochs without dev improvement before stopping (<= 0: never stop early)
 * @param seed           seeds shuffling, dropout and head initialisation
 * @param trainBottom    plain split learning: the bottom trains with the gradient sent back
 * @param bottomLearningRate peak rate for the bottom when it trains
 */
public record TrainingConfig(int epochs, int batchSize, int maxLength, float learningRate, float weightDecay,
        float warmupFraction, float clipNorm, int patience, long seed, boolean trainBottom,
        float bottomLearningRate) {

    public TrainingConfig {
        if (epochs < 1 || batchSize < 1 || maxLength < 2) {
            throw new IllegalArgumentException("epochs, batchSize >= 1 and maxLength >= 2 required");
        }
        if (warmupFraction < 0 || warmupFraction >= 1) {
            throw new IllegalArgumentException("warmupFraction must be in [0, 1)");
        }
    }

    /** Defaults used by the studio: 3 epochs, batch 32, 64 tokens, AdamW 5e-5, 10% warm-up, clip 1. */
    public static TrainingConfig defaults() {
        return new TrainingConfig(3, 32, 64, 5e-5f, 0.01f, 0.1f, 1.0f, 2, 42L, false, 5e-5f);
    }

    public TrainingConfig withEpochs(int e) {
        return new TrainingConfig(e, batchSize, maxLength, learningRate, weightDecay, warmupFraction, clipNorm,
                patience, seed, trainBottom, bottomLearningRate);
    }

    public TrainingConfig withLearningRate(float lr) {
        return new TrainingConfig(epochs, batchSize, maxLength, lr, weightDecay, warmupFraction, clipNorm, patience,
                seed, trainBottom, bottomLearningRate);
    }

    public TrainingConfig withBatchSize(int b) {
        return new TrainingConfig(epochs, b, maxLength, learningRate, weightDecay, warmupFraction, clipNorm, patience,
                seed, trainBottom, bottomLearningRate);
    }

    public TrainingConfig withSeed(long s) {
        return new TrainingConfig(epochs, batchSize, maxLength, learningRate, weightDecay, warmupFraction, clipNorm,
                patience, s, trainBottom, bottomLearningRate);
    }

    public TrainingConfig withTrainBottom(boolean t) {
        return new TrainingConfig(epochs, batchSize, maxLength, learningRate, weightDecay, warmupFraction, clipNorm,
                patience, seed, t, bottomLearningRate);
    }
}
