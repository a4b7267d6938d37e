package org.privtune.model;

import ai.djl.ndarray.NDArray;

/**
 * What the device does to a batch before anything leaves it. The bottom model and the training
 * loop know only this interface; privacy mechanisms (bundle org.privtune.mechanism) implement it,
 * so the model never depends on a mechanism.
 *
 * <p>Shapes: token ids and attention mask are int64 {@code [B, T]}; hidden states are float32
 * {@code [B, T, d]}. Implementations must leave special and padding tokens untouched and return
 * arrays attached to the manager of their input.
 */
public interface DeviceTransform {

    /** Text-level step before the bottom model (e.g. token replacement); identity by default. */
    default NDArray beforeBottom(NDArray tokenIds, NDArray attentionMask) {
        return tokenIds;
    }

    /** Representation-level step after the bottom model: the perturbation that is sent. */
    NDArray afterBottom(NDArray hidden, NDArray tokenIds, NDArray attentionMask);

    /** Sends the bottom model's output unchanged. */
    DeviceTransform IDENTITY = (hidden, tokenIds, mask) -> hidden;
}
