package org.privtune.model;

import java.util.Locale;

/**
 * Split fine-tuning produced a non-finite loss, or the device was about to send non-finite
 * values: the run stops there instead of training on NaN weights (which the best-epoch
 * checkpoint would otherwise hide behind an earlier epoch's accuracy).
 */
public class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final int step;

    public TrainingDivergedException(int epoch, int step, String what) {
        super(String.format(Locale.ROOT, "split fine-tuning diverged at epoch %d, step %d: %s", epoch, step, what));
        this.epoch = epoch;
        this.step = step;
    }

    /** 1-based epoch of the step that failed. */
    public int epoch() {
        return epoch;
    }

    /** 1-based step within its epoch. */
    public int step() {
        return step;
    }
}
