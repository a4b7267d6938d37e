package org.privtune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT encoder cut at layer {@code split} (0..N). The bottom (embeddings + layers [0, split))
 * runs on the device and is frozen unless {@link #setBottomTrainable(boolean)} says otherwise; the
 * top (layers [split, N) + pooling + classification head) runs in the cloud and is trained.
 */
public final class SplitModel {

    private final BertEncoder encoder;
    private final int split;
    private final Pooling pooling;
    private final List<String> labels;
    private final ClassifierHead head;
    private final ParameterStore store;
    private final Map<String, Parameter> bottom = new LinkedHashMap<>();
    private final Map<String, Parameter> top = new LinkedHashMap<>();
    private boolean bottomTrainable;

    /**
     * @param manager owns the head's parameters (use the encoder's manager)
     * @param labels  label names; their count is the number of classes
     * @param dropout dropout rate before the classification head in training
     * @param seed    seeds the engine's generator before the head is initialised
     */
    public SplitModel(NDManager manager, BertEncoder encoder, int split, Pooling pooling, List<String> labels,
            float dropout, long seed) {
        int n = encoder.config().layers();
        if (split < 0 || split > n) {
            throw new IllegalArgumentException("split layer must be in 0.." + n + ", got " + split);
        }
        if (labels.size() < 2) {
            throw new IllegalArgumentException("need at least 2 labels, got " + labels);
        }
        this.encoder = encoder;
        this.split = split;
        this.pooling = pooling;
        this.labels = List.copyOf(labels);
        this.head = new ClassifierHead(encoder.config().hidden(), labels.size(), dropout);
        // The head's random initialisation (and later dropout) draw from the engine's generator.
        ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        head.initialize(manager, DataType.FLOAT32, new Shape(1, encoder.config().hidden()));
        this.store = new ParameterStore(manager, false);
        for (Map.Entry<String, Parameter> e : encoder.namedParameters().entrySet()) {
            (isBottom(e.getKey()) ? bottom : top).put(e.getKey(), e.getValue());
        }
        top.putAll(head.namedParameters());
        setBottomTrainable(false);
        for (Parameter p : top.values()) {
            p.freeze(false);
        }
    }

    private boolean isBottom(String hfName) {
        if (hfName.startsWith("embeddings.")) {
            return true;
        }
        String rest = hfName.substring("encoder.layer.".length());
        return Integer.parseInt(rest.substring(0, rest.indexOf('.'))) < split;
    }

    public BertEncoder encoder() {
        return encoder;
    }

    public int split() {
        return split;
    }

    public Pooling pooling() {
        return pooling;
    }

    public List<String> labels() {
        return labels;
    }

    public int numLabels() {
        return labels.size();
    }

    public ClassifierHead head() {
        return head;
    }

    /** Device-side parameters by Hugging Face name. */
    public Map<String, Parameter> bottomParameters() {
        return Collections.unmodifiableMap(bottom);
    }

    /** Cloud-side parameters by Hugging Face name (classifier.* for the head). */
    public Map<String, Parameter> topParameters() {
        return Collections.unmodifiableMap(top);
    }

    /**
     * Replaces the top's parameters with {@code weights} (e.g. trained by a remote endpoint), after
     * checking that every top parameter is there with its size; nothing is changed otherwise.
     */
    public void setTopWeights(Map<String, float[]> weights) {
        for (Map.Entry<String, Parameter> e : top.entrySet()) {
            float[] w = weights.get(e.getKey());
            long size = e.getValue().getArray().size();
            if (w == null) {
                throw new IllegalArgumentException("top weights: '" + e.getKey() + "' is missing");
            }
            if (w.length != size) {
                throw new IllegalArgumentException("top weights: '" + e.getKey() + "' has " + w.length
                        + " values, the model has " + size);
            }
        }
        for (String name : weights.keySet()) {
            if (!top.containsKey(name)) {
                throw new IllegalArgumentException("top weights: '" + name + "' is not a parameter of this top (split "
                        + split + ")");
            }
        }
        for (Map.Entry<String, Parameter> e : top.entrySet()) {
            EngineArrays.overwrite(e.getValue().getArray(), weights.get(e.getKey()));
        }
    }

    public boolean isBottomTrainable() {
        return bottomTrainable;
    }

    /** Frozen (PrivTune) or trained with the gradient sent back (plain split learning). */
    public void setBottomTrainable(boolean trainable) {
        this.bottomTrainable = trainable;
        for (Parameter p : bottom.values()) {
            p.freeze(!trainable);
        }
    }

    /** Bottom: int64 ids/mask/typeIds [B,T] -> hidden [B,T,d]. */
    public NDArray bottomForward(NDArray ids, NDArray mask, NDArray typeIds, boolean training) {
        return encoder.bottom(ids, mask, typeIds, split, training);
    }

    /** Top: hidden [B,T,d] (as received) and mask [B,T] -> logits [B, labels]. */
    public NDArray topForward(NDArray hidden, NDArray mask, boolean training) {
        NDArray h = encoder.top(hidden, mask, split, training);
        NDArray pooled = pooling.pool(h, mask);
        return head.forward(store, new NDList(pooled), training).head();
    }

    /** Mean softmax cross-entropy of logits [B,C] against int labels. */
    public static NDArray crossEntropy(NDArray logits, int[] labels) {
        NDArray gold = logits.getManager().create(labels).toType(DataType.INT64, false)
                .oneHot((int) logits.getShape().get(1));
        return logits.logSoftmax(1).mul(gold).sum(new int[] {1}).neg().mean();
    }
}
