package org.privtune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/** How the top model turns token states [B,T,d] into one vector per sentence [B,d]. */
public enum Pooling {
    /** Average over non-padding tokens (what all-MiniLM-L6-v2 was trained with). */
    MEAN,
    /** The state of the first ([CLS]) token. */
    CLS;

    public NDArray pool(NDArray hidden, NDArray mask) {
        if (this == CLS) {
            return hidden.get(new NDIndex(":, 0, :"));
        }
        NDArray m = mask.toType(DataType.FLOAT32, false).expandDims(2);
        return hidden.mul(m).sum(new int[] {1}).div(m.sum(new int[] {1}).maximum(1e-9f));
    }

    /** Parses "mean" or "cls", case-insensitive. */
    public static Pooling parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pooling must be mean or cls, got '" + s + "'", e);
        }
    }
}
