package org.privtune.model;

import java.util.List;

/**
 * What a training run did: one entry per epoch, the epoch whose weights were kept (best dev
 * accuracy), whether it stopped early, and the training throughput.
 */
public record TrainingReport(List<Epoch> epochs, int bestEpoch, boolean stoppedEarly, double examplesPerSecond) {

    /** Train loss/accuracy of an epoch (as seen during the steps) and dev metrics after it. */
    public record Epoch(int epoch, double trainLoss, double trainAccuracy, Metrics dev) {
    }

    public Metrics bestDev() {
        return epochs.stream().filter(e -> e.epoch() == bestEpoch).findFirst().map(Epoch::dev).orElse(null);
    }
}
