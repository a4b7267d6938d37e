package org.privtune.model;

/**
 * Compares two last-hidden-state tensors [B,T,d] (flattened, row-major) on the non-padding
 * positions only: padding positions are free to differ between implementations.
 */
public final class HiddenStateComparison {

    /** Tolerance the DJL encoder must meet against the ONNX reference. */
    public static final double TOLERANCE = 1e-4;

    private HiddenStateComparison() {
    }

    /** Largest absolute element difference over positions where {@code mask[b][t] != 0}. */
    public static double maxAbsDiff(float[] a, float[] b, long[][] mask, int hidden) {
        int batch = mask.length;
        int len = batch == 0 ? 0 : mask[0].length;
        long expected = (long) batch * len * hidden;
        if (a.length != expected || b.length != expected) {
            throw new IllegalArgumentException("sizes " + a.length + " and " + b.length + ", expected " + expected
                    + " = " + batch + " x " + len + " x " + hidden);
        }
        double max = 0;
        for (int i = 0; i < batch; i++) {
            for (int t = 0; t < len; t++) {
                if (mask[i][t] == 0) {
                    continue;
                }
                int base = (i * len + t) * hidden;
                for (int k = 0; k < hidden; k++) {
                    double d = Math.abs((double) a[base + k] - b[base + k]);
                    if (d > max || Double.isNaN(d)) {
                        max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                    }
                }
            }
        }
        return max;
    }

    /**
     * The DJL encoder's last hidden state [B,T,d] for a tokenised batch, flattened: one side of
     * the comparison (the other is a reference runtime's output for the same batch).
     */
    public static float[] lastHiddenState(BertEncoder encoder, TextTokenizer.Batch batch,
            ai.djl.ndarray.NDManager manager) {
        try (ai.djl.ndarray.NDManager m = manager.newSubManager()) {
            return encoder.lastHiddenState(m.create(batch.ids()), m.create(batch.mask()), m.create(batch.typeIds()))
                    .toFloatArray();
        }
    }

    /** Sentences of different lengths (2 to ~60 tokens) for the oracle comparison. */
    public static final java.util.List<String> SENTENCES = java.util.List.of(
            "Great!",
            "This was awful.",
            "I loved every minute of the film.",
            "The battery died after two days and support never answered my emails.",
            "Not bad at all.",
            "The waiter was rude, the soup was cold, and we waited forty minutes for the bill.",
            "Excellent value for the money; I would buy it again without hesitation.",
            "Meh.",
            "The plot made no sense whatsoever, but the soundtrack was surprisingly good.",
            "Works as described.",
            "Absolutely terrible customer service, I will never order from this company again, and neither"
                    + " should you if you value your time and your sanity.",
            "The headset fits comfortably and the sound quality is crisp.",
            "I can't believe how quickly it broke.",
            "A masterpiece of modern cinema, with performances that stay with you long after the credits roll.",
            "Food was okay, nothing special.",
            "Five stars!!!",
            "The charger stopped working within a week, which is unacceptable for a product at this price point.",
            "Friendly staff and a cozy atmosphere.",
            "Worst. Movie. Ever.",
            "It does exactly what it says on the box, no more and no less.",
            "I was pleasantly surprised by the depth of the characters and the sharp, witty dialogue.",
            "Don't waste your money.",
            "The pasta was perfectly cooked and the sauce tasted homemade.",
            "Unbelievable.");
}
