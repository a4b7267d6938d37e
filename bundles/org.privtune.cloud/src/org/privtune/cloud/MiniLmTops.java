package org.privtune.cloud;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import org.privtune.model.BertConfig;
import org.privtune.model.BertEncoder;
import org.privtune.model.InProcessTopModel;
import org.privtune.model.LinearWarmupDecay;
import org.privtune.model.MiniLmFiles;
import org.privtune.model.OnnxWeights;
import org.privtune.model.Pooling;
import org.privtune.model.SplitModel;
import org.privtune.model.TopModelEndpoint;
import org.privtune.protocol.SplitProtocol.Open;

/**
 * The production {@link TopModelServer.TopFactory}: each session gets its own copy of the public
 * pre-trained MiniLM (the top's layers are trained, so sessions cannot share them), cut at the
 * requested layer, with a fresh classification head, trained with AdamW on the requested linear
 * warm-up/decay schedule, exactly as {@link InProcessTopModel#forTraining} does on the device.
 */
public final class MiniLmTops implements TopModelServer.TopFactory {

    private final NDManager manager;
    private OnnxWeights weights;

    /** @param manager parent of every session's manager (closed by the caller after the server) */
    public MiniLmTops(NDManager manager) {
        this.manager = manager;
    }

    @Override
    public TopModelServer.HostedTop open(Open o) throws IOException {
        if (!MiniLmFiles.BASE_MODEL.equals(o.baseModel())) {
            throw new IllegalArgumentException("OpenSession.base_model: '" + o.baseModel() + "' is not served here"
                    + " (this endpoint serves " + MiniLmFiles.BASE_MODEL + ")");
        }
        check(o);
        int layers = BertConfig.MINI_LM_L6.layers();
        if (o.splitLayer() < 0 || o.splitLayer() > layers) { // before the weights are read or copied
            throw new IllegalArgumentException("OpenSession.split_layer: " + o.splitLayer() + " is not in 0.."
                    + layers);
        }
        synchronized (this) {
            if (weights == null) {
                weights = MiniLmFiles.readWeights();
            }
        }
        NDManager m = manager.newSubManager();
        try {
            BertEncoder encoder = BertEncoder.fromOnnx(m, weights);
            Pooling pooling = "cls".equals(o.pooling()) ? Pooling.CLS : Pooling.MEAN;
            SplitModel model = new SplitModel(m, encoder, o.splitLayer(), pooling, o.labels(), o.dropout(), o.seed());
            return hosted(trainer(model, m, o), model, m);
        } catch (RuntimeException | Error e) {
            m.close();
            throw e;
        }
    }

    @Override
    public int maxHidden() {
        return BertConfig.MINI_LM_L6.hidden();
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
