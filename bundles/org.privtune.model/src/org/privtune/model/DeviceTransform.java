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

    /**
     * The first step, on the tokenised batch: length hiding pads sentences (attention mask
     * included) so that the mask the cloud receives tells only a length bucket; identity by
     * default. Everything after it (bottom, mechanism, what is sent) sees the returned batch.
     */
    default TextTokenizer.Batch hideLengths(TextTokenizer.Batch batch) {
        return batch;
    }

    /** Text-level step before the bottom model (e.g. token replacement); identity by default. */
    default NDArray beforeBottom(NDArray tokenIds, NDArray attentionMask) {
        return tokenIds;
    }

    /** Representation-level step after the bottom model: the perturbation that is sent. */
    NDArray afterBottom(NDArray hidden, NDArray tokenIds, NDArray attentionMask);

    /**
     * After {@link #beforeBottom}: for every flat position of the batch it returned, the flat
     * position of the original token that now stands there; null (the default) when the text-level
     * step keeps the order. An attack scores row i against the original token at {@code order[i]}.
     */
    default int[] lastOrder() {
        return null;
    }

    /** The true ids in the order of what was sent: {@code ids} itself when {@code order} is null. */
    static long[] inSentOrder(long[] ids, int[] order) {
        if (order == null) {
            return ids;
        }
        if (order.length != ids.length) {
            throw new IllegalArgumentException("order of " + order.length + " positions for " + ids.length + " ids");
        }
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[order[i]];
        }
        return out;
    }

    /** Sends the bottom model's output unchanged. */
    DeviceTransform IDENTITY = (hidden, tokenIds, mask) -> hidden;
}
