package org.privtune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands for engine arithmetic that autograd may keep until the backward pass.
 *
 * <p>DJL's {@code NDArray.mul(Number)}, {@code div(Number)}, {@code maximum(Number)} and the like
 * wrap the number in a tensor over a Java direct buffer, run the operation and close that tensor at
 * once. When the other operand requires a gradient, PyTorch's autograd saves the scalar tensor for
 * the backward pass (a product's gradient is the other factor), but its memory still belongs to the
 * Java buffer, which the garbage collector frees as soon as the closed wrapper is unreachable. A
 * collection between forward and backward then lets the backward read freed memory: wrong or NaN
 * gradients, seen here as rare run-to-run differences and "loss NaN on finite representations".
 * A tensor made by the engine itself ({@code full}) is reference-counted by PyTorch and lives as long
 * as autograd needs it. Same value, same float32 arithmetic, so results are unchanged.
 */
public final class EngineScalars {

    private EngineScalars() {
    }

    /** A float32 scalar tensor in engine-owned memory, attached to {@code manager}. */
    public static NDArray constant(NDManager manager, float value) {
        return manager.full(new Shape(), value, DataType.FLOAT32);
    }
}
