package org.privtune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;

import java.util.Map;

/**
 * AdamW with a warm-up/decay schedule and clipping of the global gradient norm, applied by hand
 * to a set of named parameters (the split step cannot use DJL's Trainer: the bottom and top
 * backward passes happen in separate GradientCollector blocks). The PyTorch engine accumulates
 * gradients; its AdamW update zeroes them after each step.
 */
public final class ParameterUpdater {

    private final Map<String, Parameter> parameters;
    private final Optimizer optimizer;
    private final float clipNorm;
    private java.util.function.Consumer<Map<String, float[]>> gradientObserver;

    /**
     * @param clipNorm maximum global L2 norm of the gradient; 0 or less disables clipping
     */
    public ParameterUpdater(Map<String, Parameter> parameters, LinearWarmupDecay schedule, float weightDecay,
            float clipNorm) {
        this.parameters = parameters;
        this.optimizer = Optimizer.adamW().optLearningRateTracker(schedule).optWeightDecays(weightDecay).build();
        this.clipNorm = clipNorm;
    }

    /**
     * Receives a copy of every gradient (by Hugging Face name) before clipping, at each step: for
     * diagnostics and for the test that split gradients equal joint ones. Null removes it.
     */
    public void setGradientObserver(java.util.function.Consumer<Map<String, float[]>> observer) {
        this.gradientObserver = observer;
    }

    /** Clips, updates and zeroes the gradients; returns the global gradient norm before clipping. */
    public double step() {
        if (gradientObserver != null) {
            gradientObserver.accept(gradients(parameters));
        }
        double sq = 0;
        for (Parameter p : parameters.values()) {
            if (p.requiresGradient()) {
                // One reduction per tensor, no temporary of the tensor's size.
                try (NDArray g = p.getArray().getGradient(); NDArray n = g.norm()) {
                    double v = n.getFloat();
                    sq += v * v;
                }
            }
        }
        double norm = Math.sqrt(sq);
        float scale = clipNorm > 0 && norm > clipNorm ? (float) (clipNorm / (norm + 1e-6)) : 1f;
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            Parameter p = e.getValue();
            if (!p.requiresGradient()) {
                continue;
            }
            NDArray w = p.getArray();
            try (NDArray g = w.getGradient()) {
                if (scale != 1f) {
                    g.muli(scale);
                }
                // The PyTorch engine's AdamW update also zeroes the weight's gradient.
                optimizer.update(e.getKey(), w, g);
            }
        }
        return norm;
    }

    /** Copies of the current gradients of the trainable parameters, by name. */
    public static Map<String, float[]> gradients(Map<String, Parameter> parameters) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            if (e.getValue().requiresGradient()) {
                try (NDArray g = e.getValue().getArray().getGradient()) {
                    out.put(e.getKey(), g.toFloatArray());
                }
            }
        }
        return out;
    }

    /** Zeroes the gradients without updating (e.g. after a test's backward pass). */
    public static void zeroGradients(Map<String, Parameter> parameters) {
        for (Parameter p : parameters.values()) {
            if (p.requiresGradient()) {
                try (NDArray g = p.getArray().getGradient()) {
                    g.subi(g);
                }
            }
        }
    }
}
