package org.privtune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.privtune.core.InvalidInputException;

/**
 * A BERT encoder (embeddings + N post-LayerNorm layers) on DJL, able to run the embeddings plus
 * layers [0, L) and the layers [L, N) separately, which is what the split model needs.
 */
public final class BertEncoder {

    /** ONNX MatMul nodes carry the layer's path in their name, e.g. /encoder/layer.0/attention/self/query/MatMul. */
    private static final Pattern MATMUL_NODE = Pattern.compile("^/(encoder/layer\\.\\d+/.+)/MatMul$");

    private final BertConfig config;
    private final BertBlocks.Embeddings embeddings;
    private final List<BertBlocks.Layer> layers;
    private final ParameterStore store;
    private final Map<String, Parameter> named = new LinkedHashMap<>();
    private String weightsSha256;

    /** A randomly initialised encoder (normal(0, 0.02) weights, LayerNorm at identity). */
    public BertEncoder(NDManager manager, BertConfig config) {
        this(manager, config, null);
    }

    /**
     * An encoder whose parameters are made from {@code weights} (Hugging Face names, PyTorch
     * layout; all must be present) instead of being drawn at random first and overwritten.
     */
    public static BertEncoder withWeights(NDManager manager, BertConfig config, Map<String, float[]> weights) {
        return new BertEncoder(manager, config, weights);
    }

    private BertEncoder(NDManager manager, BertConfig config, Map<String, float[]> weights) {
        this.config = config;
        this.embeddings = new BertBlocks.Embeddings(config);
        fromWeights(embeddings.namedParameters(), weights);
        embeddings.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
        named.putAll(embeddings.namedParameters());
        List<BertBlocks.Layer> ls = new ArrayList<>();
        for (int i = 0; i < config.layers(); i++) {
            BertBlocks.Layer l = new BertBlocks.Layer(config, i);
            fromWeights(l.namedParameters(), weights);
            l.initialize(manager, DataType.FLOAT32, new Shape(1, 1, config.hidden()));
            named.putAll(l.namedParameters());
            ls.add(l);
        }
        this.layers = Collections.unmodifiableList(ls);
        this.store = new ParameterStore(manager, false);
    }

    /**
     * The shape of every parameter of an encoder of that shape, by Hugging Face name (PyTorch
     * layout), in the encoder's order, without making one.
     */
    public static Map<String, long[]> parameterShapes(BertConfig config) {
        Map<String, long[]> out = new LinkedHashMap<>();
        new BertBlocks.Embeddings(config).namedParameters().forEach((n, p) -> out.put(n, p.getShape().getShape()));
        for (int i = 0; i < config.layers(); i++) {
            new BertBlocks.Layer(config, i).namedParameters().forEach((n, p) -> out.put(n, p.getShape().getShape()));
        }
        return out;
    }

    /** Makes each parameter's initial array from its weights (checked as {@link #load} checks them). */
    private static void fromWeights(Map<String, Parameter> params, Map<String, float[]> weights) {
        if (weights == null) {
            return;
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String name = e.getKey();
            e.getValue().setInitializer((m, shape, type) -> {
                float[] data = checked(weights, name, shape);
                return m.create(data, shape);
            });
        }
    }

    private static float[] checked(Map<String, float[]> weights, String name, Shape shape) {
        float[] data = weights.get(name);
        if (data == null) {
            throw new InvalidInputException("pre-trained weights", 0, name, "tensor missing");
        }
        if (data.length != shape.size()) {
            throw new InvalidInputException("pre-trained weights", 0, name,
                    "has " + data.length + " values, expected shape " + shape);
        }
        return data;
    }

    /** all-MiniLM-L6-v2 with its pre-trained weights. */
    public static BertEncoder fromOnnx(NDManager manager, OnnxWeights weights) {
        return fromOnnx(manager, weights, BertConfig.MINI_LM_L6);
    }

    public static BertEncoder fromOnnx(NDManager manager, OnnxWeights weights, BertConfig config) {
        BertEncoder e = withWeights(manager, config, torchLayout(weights));
        e.weightsSha256 = weights.sha256();
        return e;
    }

    /**
     * The ONNX initializers renamed to Hugging Face names in PyTorch layout: unnamed MatMul weights
     * (onnx::MatMul_NNN) get the name of the node that uses them and are transposed from [in, out]
     * to [out, in].
     */
    public static Map<String, float[]> torchLayout(OnnxWeights weights) {
        Map<String, float[]> out = new LinkedHashMap<>();
        torchTensors(weights).forEach((name, t) -> out.put(name, t.values()));
        return out;
    }

    /** As {@link #torchLayout(OnnxWeights)}, with each tensor's shape (PyTorch layout). */
    public static Map<String, SafetensorsWeights.Tensor> torchTensors(OnnxWeights weights) {
        Map<String, String> matmulNames = new HashMap<>();
        for (OnnxWeights.Node n : weights.nodes()) {
            Matcher m = MATMUL_NODE.matcher(n.name());
            if ("MatMul".equals(n.opType()) && m.matches()) {
                for (String in : n.inputs()) {
                    if (weights.tensors().containsKey(in)) {
                        matmulNames.put(in, m.group(1).replace('/', '.') + ".weight");
                    }
                }
            }
        }
        Map<String, SafetensorsWeights.Tensor> out = new LinkedHashMap<>();
        for (OnnxWeights.Tensor t : weights.tensors().values()) {
            if (t.floats() == null) {
                continue; // e.g. embeddings.position_ids (int64 buffer, not a weight)
            }
            String hf = matmulNames.get(t.name());
            if (hf != null) {
                long[] d = t.dims();
                out.put(hf, new SafetensorsWeights.Tensor(hf, new long[] {d[1], d[0]},
                        transpose(t.floats(), (int) d[0], (int) d[1])));
            } else {
                out.put(t.name(), new SafetensorsWeights.Tensor(t.name(), t.dims().clone(), t.floats()));
            }
        }
        return out;
    }

    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }

    /** Copies weights (by Hugging Face name, PyTorch layout) into the parameters; all must be present. */
    public void load(Map<String, float[]> weights) {
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            NDArray arr = e.getValue().getArray();
            EngineArrays.overwrite(arr, checked(weights, e.getKey(), arr.getShape()));
        }
    }

    /** SHA-256 of the pre-trained weights file this encoder was loaded from, or null. */
    public String weightsSha256() {
        return weightsSha256;
    }

    /** Records the base weights' checksum (import of an export). */
    public void setWeightsSha256(String sha256) {
        this.weightsSha256 = sha256;
    }

    public BertConfig config() {
        return config;
    }

    /** All parameters by Hugging Face name. */
    public Map<String, Parameter> namedParameters() {
        return Collections.unmodifiableMap(named);
    }

    public BertBlocks.Embeddings embeddings() {
        return embeddings;
    }

    public List<BertBlocks.Layer> layers() {
        return layers;
    }

    /** Embeddings + LayerNorm: ids and typeIds int64 [B,T] -> [B,T,d]. */
    public NDArray embed(NDArray ids, NDArray typeIds, boolean training) {
        return embeddings.forward(store, new NDList(ids, typeIds), training).head();
    }

    /** Layers [from, to) on hidden [B,T,d] with 0/1 mask [B,T]. */
    public NDArray runLayers(NDArray hidden, NDArray mask, int from, int to, boolean training) {
        if (from < 0 || to > layers.size() || from > to) {
            throw new IllegalArgumentException("layers [" + from + ", " + to + ") outside 0.." + layers.size());
        }
        NDArray add = BertBlocks.additiveMask(mask);
        NDArray h = hidden;
        for (int i = from; i < to; i++) {
            h = layers.get(i).forward(store, new NDList(h, add), training).head();
        }
        return h;
    }

    /** Embeddings + layers [0, split). */
    public NDArray bottom(NDArray ids, NDArray mask, NDArray typeIds, int split, boolean training) {
        return runLayers(embed(ids, typeIds, training), mask, 0, split, training);
    }

    /** Layers [split, N). */
    public NDArray top(NDArray hidden, NDArray mask, int split, boolean training) {
        return runLayers(hidden, mask, split, layers.size(), training);
    }

    /** The full encoder's last hidden state [B,T,d] (inference). */
    public NDArray lastHiddenState(NDArray ids, NDArray mask, NDArray typeIds) {
        return top(bottom(ids, mask, typeIds, 0, false), mask, 0, false);
    }
}
