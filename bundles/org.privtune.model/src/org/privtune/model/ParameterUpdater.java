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
 *
 * <p>Close it when the training ends: DJL's optimiser detaches its moment arrays from every
 * manager (so that a training callback cannot close them), so closing the parameters' manager
 * leaves them in native memory, twice the size of the trained parameters per updater.
 */
public final class ParameterUpdater implements AutoCloseable {

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

    /**
     * Clips, updates and zeroes the gradients; returns the global gradient norm before clipping.
     * When that norm is not finite the gradients are zeroed and nothing is updated.
     */
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
        if (!Double.isFinite(norm)) {
            // a non-finite gradient would make every weight NaN: the step is not applied
            zeroGradients(parameters);
            return norm;
        }
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

    /**
     * The optimiser's state: AdamW's first and second moments per parameter, how often each was
     * updated, and the optimiser's update count. With the weights it is all a training needs to go
     * on exactly where it stopped.
     */
    public record State(Map<String, float[]> means, Map<String, float[]> variances, Map<String, Integer> counts,
            int numUpdate) {
    }

    /** A copy of the optimiser's state (read from DJL's AdamW, which does not expose it). */
    @SuppressWarnings("unchecked")
    public State state() {
        try {
            Map<String, float[]> means = new java.util.LinkedHashMap<>();
            Map<String, float[]> variances = new java.util.LinkedHashMap<>();
            copyMoments((Map<String, Map<ai.djl.Device, NDArray>>) field(optimizer.getClass(), "means").get(optimizer),
                    means);
            copyMoments((Map<String, Map<ai.djl.Device, NDArray>>) field(optimizer.getClass(), "variances")
                    .get(optimizer), variances);
            Map<String, Integer> counts = new java.util.LinkedHashMap<>(
                    (Map<String, Integer>) field(Optimizer.class, "updateCounts").get(optimizer));
            return new State(means, variances, counts, field(Optimizer.class, "numUpdate").getInt(optimizer));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the optimiser's state: " + e, e);
        }
    }

    /** Frees the optimiser's moment arrays (native memory no manager owns); the updater is spent. */
    @Override
    @SuppressWarnings("unchecked")
    public void close() {
        try {
            for (String name : new String[] {"means", "variances"}) {
                Map<String, Map<ai.djl.Device, NDArray>> moments = (Map<String, Map<ai.djl.Device, NDArray>>) field(
                        optimizer.getClass(), name).get(optimizer);
                for (Map<ai.djl.Device, NDArray> byDevice : moments.values()) {
                    byDevice.values().forEach(NDArray::close);
                }
                moments.clear();
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot free the optimiser's state: " + e, e);
        }
    }

    /** Puts back a state of {@link #state()} (of an updater of the same parameters). */
    @SuppressWarnings("unchecked")
    public void restore(State s) {
        try {
            setMoments((Map<String, Map<ai.djl.Device, NDArray>>) field(optimizer.getClass(), "means").get(optimizer),
                    s.means());
            setMoments((Map<String, Map<ai.djl.Device, NDArray>>) field(optimizer.getClass(), "variances")
                    .get(optimizer), s.variances());
            Map<String, Integer> counts = (Map<String, Integer>) field(Optimizer.class, "updateCounts").get(optimizer);
            counts.clear();
            counts.putAll(s.counts());
            field(Optimizer.class, "numUpdate").setInt(optimizer, s.numUpdate());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot restore the optimiser's state: " + e, e);
        }
    }

    private static java.lang.reflect.Field field(Class<?> c, String name) throws NoSuchFieldException {
        java.lang.reflect.Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    private static void copyMoments(Map<String, Map<ai.djl.Device, NDArray>> from, Map<String, float[]> into) {
        for (Map.Entry<String, Map<ai.djl.Device, NDArray>> e : new java.util.TreeMap<>(from).entrySet()) {
            for (NDArray a : e.getValue().values()) { // one device (CPU)
                into.put(e.getKey(), a.toFloatArray());
            }
        }
    }

    private void setMoments(Map<String, Map<ai.djl.Device, NDArray>> into, Map<String, float[]> from) {
        for (Map<ai.djl.Device, NDArray> old : into.values()) {
            old.values().forEach(NDArray::close);
        }
        into.clear();
        for (Map.Entry<String, float[]> e : from.entrySet()) {
            Parameter p = parameters.get(e.getKey());
            if (p == null) {
                throw new IllegalArgumentException("optimiser state: no parameter '" + e.getKey() + "'");
            }
            NDArray w = p.getArray();
            NDArray m = w.getManager().create(e.getValue(), w.getShape());
            Map<ai.djl.Device, NDArray> byDevice = new java.util.concurrent.ConcurrentHashMap<>();
            byDevice.put(w.getDevice(), m);
            into.put(e.getKey(), byDevice);
        }
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
                try (NDArray g = p.getArray().getGradient(); NDArray nan = g.isNaN(); NDArray inf = g.isInfinite();
                        NDArray either = nan.logicalOr(inf); NDArray any = either.any()) {
                    if (!any.getBoolean()) {
                        g.subi(g);
                    } else {
                        // g - g stays NaN where g is; the engine's zero_() on the parameter's own gradient
                        // does not (and g.set(buffer) would hand the gradient a Java buffer that is freed
                        // with g, under the parameter)
                        ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) p.getArray());
                    }
                }
            }
        }
    }
}
