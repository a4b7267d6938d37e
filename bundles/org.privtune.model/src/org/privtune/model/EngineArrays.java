package org.privtune.model;

import ai.djl.ndarray.NDArray;

/**
 * Writing values into an existing engine array without the engine's deprecation warning.
 *
 * <p>DJL's {@code NDArray.set(Buffer)} and {@code copyTo} run under PyTorch's
 * {@code AutoNonVariableTypeMode} guard, whose constructor makes libtorch print "AutoNonVariableTypeMode
 * is deprecated" on the first use in a process, on every model command (libtorch alone ignores
 * {@code TORCH_CPP_LOG_LEVEL}). A fresh tensor of the values swapped in with {@code intern} does not
 * touch that guard: same values, same shape and type, and the array object the parameter holds stays
 * the same. The fresh tensor is a clone in engine-owned memory: one made from a Java array lies over a
 * Java direct buffer (see {@link EngineScalars}), which would be freed with the wrapper that
 * {@code intern} closes.
 */
public final class EngineArrays {

    private EngineArrays() {
    }

    /** Replaces the values of {@code target} (float32, {@code values.length} elements) by {@code values}. */
    public static void overwrite(NDArray target, float[] values) {
        boolean gradient = target.hasGradient();
        try (NDArray overJavaMemory = target.getManager().create(values, target.getShape())) {
            target.intern(overJavaMemory.duplicate());
        }
        if (gradient) {
            target.setRequiresGradient(true);
        }
    }
}
