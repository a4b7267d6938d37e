package org.privtune.attack;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.privtune.core.Progress;
import org.privtune.mechanism.ReferenceSpace;
import org.privtune.model.DeviceTransform;
import org.privtune.model.TextTokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The device's forward path as the attacker can replay it (public bottom weights, known
 * mechanism): token ids -> text-level step -> bottom -> representation-level step. The clean bottom
 * output of each batch is computed once and kept, so that fresh noise for another epoch costs only
 * the mechanism, unless the mechanism changes the tokens (then the bottom runs again).
 */
public final class DevicePath {

    private final ReferenceSpace.BottomEncoder bottom;
    private final boolean[] specialFlags;
    private final NDManager manager;
    private final Map<TextTokenizer.Batch, float[]> clean = new IdentityHashMap<>();

    /**
     * @param bottom       the bottom model (ids, mask int64 [B, T] -> hidden [B, T, d])
     * @param specialFlags per vocabulary id: never perturbed and never scored
     */
    public DevicePath(ReferenceSpace.BottomEncoder bottom, boolean[] specialFlags, NDManager manager) {
        this.bottom = bottom;
        this.specialFlags = specialFlags.clone();
        this.manager = manager;
    }

    public boolean[] specialFlags() {
        return specialFlags.clone();
    }

    public ReferenceSpace.BottomEncoder bottom() {
        return bottom;
    }

    /** Tokenises sentences in batches of {@code batchSize} (each padded to its longest). */
    public static List<TextTokenizer.Batch> tokenize(TextTokenizer tokenizer, List<String> texts, int batchSize) {
        List<TextTokenizer.Batch> out = new ArrayList<>();
        for (int s = 0; s < texts.size(); s += batchSize) {
            out.add(tokenizer.encode(texts.subList(s, Math.min(texts.size(), s + batchSize))));
        }
        return out;
    }

    /**
     * Sends every batch through the path with {@code transform} (one call per batch, so a
     * mechanism draws fresh noise each time) and keeps what crosses the wire.
     */
    public ObservedRepresentations observe(List<TextTokenizer.Batch> batches, DeviceTransform transform,
            Progress progress) {
        List<ObservedRepresentations.Batch> out = new ArrayList<>();
        for (TextTokenizer.Batch original : batches) {
            progress.checkCancelled();
            // length hiding pads with copies of the sentence's own tokens: they are scored like the rest
            TextTokenizer.Batch tb = transform.hideLengths(original);
            try (NDManager m = manager.newSubManager()) {
                NDArray ids = m.create(tb.ids());
                NDArray mask = m.create(tb.mask());
                NDArray input = transform.beforeBottom(ids, mask);
                NDArray hidden;
                if (input == ids && tb == original) {
                    hidden = cleanHidden(tb, ids, mask, m);
                } else {
                    hidden = bottom.encode(input, mask);
                }
                NDArray sent = transform.afterBottom(hidden, input, mask);
                // a mechanism that reorders tokens: row i is scored against the token now at i
                int[] order = transform.lastOrder();
                NDArray truth = order == null ? ids
                        : m.create(DeviceTransform.inSentOrder(ids.toLongArray(), order), ids.getShape());
                out.add(ObservedRepresentations.batch(sent, mask, truth, specialFlags));
            }
        }
        return new ObservedRepresentations(out);
    }

    private NDArray cleanHidden(TextTokenizer.Batch tb, NDArray ids, NDArray mask, NDManager m) {
        float[] cached = clean.get(tb);
        if (cached == null) {
            NDArray h = bottom.encode(ids, mask);
            cached = h.toFloatArray();
            clean.put(tb, cached);
            return h;
        }
        long d = cached.length / ((long) tb.size() * tb.length());
        return m.create(cached, new Shape(tb.size(), tb.length(), d));
    }
}
