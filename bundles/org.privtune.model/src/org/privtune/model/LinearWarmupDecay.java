package org.privtune.model;

import ai.djl.training.tracker.ParameterTracker;

/**
 * Learning rate rising linearly from 0 to {@code peak} over {@code warmupSteps}, then falling
 * linearly to 0 at {@code totalSteps} (the usual BERT fine-tuning schedule). DJL's AdamW counts
 * updates per parameter from 1.
 */
public record LinearWarmupDecay(float peak, int warmupSteps, int totalSteps) implements ParameterTracker {

    @Override
    public float getNewValue(String parameterId, int numUpdate) {
        return at(numUpdate);
    }

    /** Rate for the {@code step}-th update (1-based). */
    public float at(int step) {
        if (warmupSteps > 0 && step <= warmupSteps) {
            return peak * step / warmupSteps;
        }
        int decay = Math.max(1, totalSteps - warmupSteps);
        return peak * Math.max(0f, (float) (totalSteps - step + 1) / decay);
    }
}
