package org.privtune.cloud;

import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import org.privtune.model.BertEncoder;
import org.privtune.model.BuiltInModel;
import org.privtune.model.EncoderSource;
import org.privtune.model.InProcessTopModel;
import org.privtune.model.LinearWarmupDecay;
import org.privtune.model.ModelRegistry;
import org.privtune.model.OnnxWeights;
import org.privtune.model.Pooling;
import org.privtune.model.SplitModel;
import org.privtune.model.TopModelEndpoint;
import org.privtune.protocol.SplitProtocol.Open;

/**
 * The production {@link TopModelServer.TopFactory}: it serves the tops of the models it is given
 * (built-ins or folders). A session names its base model and the SHA-256 of the weights its
 * bottom comes from; a model not served here or other weights are refused, naming the field.
 * Each session gets its own copy of the public pre-trained encoder (the top's layers are
 * trained, so sessions cannot share them), cut at the requested layer, with a fresh
 * classification head, trained with AdamW on the requested linear warm-up/decay schedule,
 * exactly as {@link InProcessTopModel#forTraining} does on the device.
 */
public final class ModelTops implements TopModelServer.TopFactory {

    private final NDManager manager;
    private final Map<String, EncoderSource> served = new LinkedHashMap<>();
    private final Map<EncoderSource, OnnxWeights> builtInWeights = new java.util.HashMap<>();

    /** Serves the default built-in model. @param manager parent of every session's manager (closed by the caller after the server) */
    public ModelTops(NDManager manager) {
        this(manager, List.of(ModelRegistry.DEFAULT));
    }

    /**
     * @param manager parent of every session's manager (closed by the caller after the server)
     * @param models  the models whose tops this endpoint serves, by {@link EncoderSource#baseModel()}
     */
    public ModelTops(NDManager manager, List<? extends EncoderSource> models) {
        this.manager = manager;
        if (models.isEmpty()) {
            throw new IllegalArgumentException("an endpoint serves at least one model");
        }
        for (EncoderSource m : models) {
            served.putIfAbsent(m.baseModel(), m);
        }
    }

    /** The models served, by the base-model name a device sends. */
    public List<EncoderSource> models() {
        return List.copyOf(served.values());
    }

    @Override
    public TopModelServer.HostedTop open(Open o) throws IOException {
        EncoderSource source = served.get(o.baseModel());
        if (source == null) {
            throw new IllegalArgumentException("OpenSession.base_model: '" + o.baseModel() + "' is not served here"
                    + " (this endpoint serves " + String.join(", ", served.keySet()) + ")");
        }
        check(o);
        String sha = source.weightsSha256();
        if (o.baseWeightsSha256().isEmpty()) {
            throw new IllegalArgumentException("OpenSession.base_weights_sha256: missing; this endpoint serves "
                    + o.baseModel() + " with weights SHA-256 " + sha + " and checks that the device's bottom has the same");
        }
        if (!sha.equals(o.baseWeightsSha256())) {
            throw new IllegalArgumentException("OpenSession.base_weights_sha256: the device's " + o.baseModel()
                    + " has weights SHA-256 " + o.baseWeightsSha256() + ", this endpoint's " + o.baseModel()
                    + " has " + sha + "; both sides must run the same model");
        }
        int layers = source.config().layers();
        if (o.splitLayer() < 0 || o.splitLayer() > layers) { // before the weights are read or copied
            throw new IllegalArgumentException("OpenSession.split_layer: " + o.splitLayer() + " is not in 0.."
                    + layers + " (" + o.baseModel() + " has " + layers + " layers)");
        }
        NDManager m = manager.newSubManager();
        try {
            BertEncoder encoder = encoder(source, m);
            Pooling pooling = "cls".equals(o.pooling()) ? Pooling.CLS : Pooling.MEAN;
            SplitModel model = new SplitModel(m, encoder, o.splitLayer(), pooling, o.labels(), o.dropout(), o.seed());
            return hosted(trainer(model, m, o), model, m);
        } catch (RuntimeException | Error | IOException e) {
            m.close();
            throw e;
        }
    }

    /** A fresh encoder of {@code source}; a built-in's ONNX file is read once and kept. */
    private BertEncoder encoder(EncoderSource source, NDManager m) throws IOException {
        if (source instanceof BuiltInModel b) {
            OnnxWeights w;
            synchronized (this) {
                w = builtInWeights.get(b);
                if (w == null) {
                    w = b.readWeights();
                    builtInWeights.put(b, w);
                }
            }
            return BertEncoder.fromOnnx(m, w, b.config());
        }
        return source.load(m);
    }

    @Override
    public int maxHidden() {
        return served.values().stream().mapToInt(s -> s.config().hidden()).max().orElse(1024);
    }

    @Override
    public String toString() {
        return served.values().stream().map(s -> s.baseModel() + " (" + s.config().layers() + " layers)")
                .collect(Collectors.joining(", "));
    }

    /**
     * The in-process endpoint that trains {@code model}'s top with the session's AdamW schedule, as
     * {@link InProcessTopModel#forTraining} does on the device; each step's dropout is seeded from
     * the session's seed and the step's number ({@link InProcessTopModel#seedEachStep}), as the
     * device seeds its in-process top, so the session's results depend on nothing else.
     */
    public static InProcessTopModel trainer(SplitModel model, NDManager m, Open o) {
        return new InProcessTopModel(model, m, new LinearWarmupDecay(o.learningRate(),
                Math.round(o.warmupFraction() * o.totalSteps()), o.totalSteps()), o.weightDecay(), o.clipNorm())
                .seedEachStep(o.seed());
    }

    /** A session's top: {@code endpoint} trains {@code model}'s top; closing it frees {@code m}. */
    public static TopModelServer.HostedTop hosted(TopModelEndpoint top, SplitModel model, NDManager m) {
        long params = 0;
        for (Parameter p : model.topParameters().values()) {
            params += p.getArray().size();
        }
        long n = params;
        int hidden = model.encoder().config().hidden();
        return new TopModelServer.HostedTop() {
            @Override
            public TopModelEndpoint endpoint() {
                return top;
            }

            @Override
            public int hidden() {
                return hidden;
            }

            @Override
            public int numLabels() {
                return model.numLabels();
            }

            @Override
            public long parameters() {
                return n;
            }

            @Override
            public InProcessTopModel resumable() {
                return top instanceof InProcessTopModel t ? t : null;
            }

            @Override
            public void close() {
                try {
                    top.close(); // the optimiser's state lives outside m
                } finally {
                    m.close();
                }
            }
        };
    }

    /** The fields of an {@link Open} that do not depend on the model, checked with their names. */
    public static void check(Open o) {
        List<String> labels = o.labels();
        if (labels.size() < 2) {
            throw new IllegalArgumentException("OpenSession.labels: need at least 2 classes, got " + labels);
        }
        if (new HashSet<>(labels).size() != labels.size()) {
            throw new IllegalArgumentException("OpenSession.labels: a class name appears twice in " + labels);
        }
        if (!"mean".equals(o.pooling()) && !"cls".equals(o.pooling())) {
            throw new IllegalArgumentException("OpenSession.pooling: '" + o.pooling() + "' (mean or cls)");
        }
        if (o.totalSteps() < 1) {
            throw new IllegalArgumentException("OpenSession.total_steps: " + o.totalSteps() + " (at least 1)");
        }
        if (!(o.learningRate() > 0) || !Float.isFinite(o.learningRate())) {
            throw new IllegalArgumentException("OpenSession.learning_rate: " + o.learningRate() + " (positive)");
        }
        if (!(o.warmupFraction() >= 0 && o.warmupFraction() < 1)) {
            throw new IllegalArgumentException("OpenSession.warmup_fraction: " + o.warmupFraction() + " (in [0, 1))");
        }
        if (!(o.dropout() >= 0 && o.dropout() < 1)) {
            throw new IllegalArgumentException("OpenSession.dropout: " + o.dropout() + " (in [0, 1))");
        }
        if (!(o.weightDecay() >= 0) || !Float.isFinite(o.weightDecay())) {
            throw new IllegalArgumentException("OpenSession.weight_decay: " + o.weightDecay() + " (>= 0)");
        }
        if (!(o.clipNorm() >= 0) || !Float.isFinite(o.clipNorm())) {
            throw new IllegalArgumentException("OpenSession.clip_norm: " + o.clipNorm() + " (>= 0)");
        }
    }
}
