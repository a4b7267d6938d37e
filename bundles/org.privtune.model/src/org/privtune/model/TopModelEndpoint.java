package org.privtune.model;

/**
 * The cloud side of split fine-tuning, seen from the device: it receives exactly what crosses the
 * wire (the perturbed representations, their shape, the attention mask and the labels) and
 * nothing the device kept. {@link InProcessTopModel} implements it in the same JVM;
 * {@code org.privtune.device.RemoteTopModel} over the network, against the server of
 * {@code org.privtune.cloud}.
 */
public interface TopModelEndpoint extends AutoCloseable {

    /** What one training step returns to the device. */
    record StepResult(float loss, int correct, float gradientNorm, float[] representationGradient) {
    }

    /**
     * One optimiser step of the top on a batch.
     *
     * @param representations float32 [B,T,d] row-major
     * @param shape           {B, T, d}
     * @param mask            attention mask [B][T]
     * @param labels          class per sentence
     * @param wantGradient    return d(loss)/d(representations) (only when the bottom trains too)
     */
    StepResult trainStep(float[] representations, long[] shape, long[][] mask, int[] labels, boolean wantGradient);

    /** Class logits [B][C] for a batch (no training, no dropout). */
    float[][] predict(float[] representations, long[] shape, long[][] mask);

    /** Remembers the top's current weights (the best dev epoch so far), where the top lives. */
    void saveCheckpoint();

    /** Puts back the weights of the last {@link #saveCheckpoint()}; no-op if there was none. */
    void restoreCheckpoint();

    /** The top's current parameters by name (for export on the device), in the model's order. */
    java.util.Map<String, float[]> topWeights();

    @Override
    default void close() {
    }
}
