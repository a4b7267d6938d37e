package org.privtune.studio;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.privtune.attack.LinearProbe;
import org.privtune.attack.NearestNeighbourInversion;
import org.privtune.core.Progress;
import org.privtune.data.builtin.SentimentAttributes;
import org.privtune.mechanism.MechanismResources;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.ModelResources;
import org.privtune.mechanism.Mechanisms;
import org.privtune.mechanism.NeighbourGraph;
import org.privtune.mechanism.NoiseMechanism;
import org.privtune.mechanism.PerturbationReport;
import org.privtune.mechanism.SpecialTokens;
import org.privtune.model.BertEncoder;
import org.privtune.model.DeviceTransform;
import org.privtune.model.LabelledText;
import org.privtune.model.EncoderSource;
import org.privtune.model.ModelRegistry;
import org.privtune.model.Pooling;
import org.privtune.model.TextTokenizer;

/**
 * What the Noise Tuner computes, without any UI: a model split at one layer, its reference space and
 * neighbour graph (from the mechanism bundle's caches), and a fixed sample of dev sentences whose
 * clean bottom output and clean sentence embedding are computed once. {@link #evaluate} then only
 * runs the mechanism, the attacker's nearest-neighbour search and the top model on that sample.
 *
 * <p>The attacker (A1) is the nearest-neighbour inversion against the reference space: plain
 * (match the received vector against R) and mechanism-aware (against the mechanism's deterministic
 * part applied to every row of R), each with cosine and L2 scores; the reported rate is the
 * strongest of the four, as an attacker would pick. Utility proxies: cosine between the clean and the
 * perturbed sentence embedding (mean-pooled output of the full encoder) and a cross-validated linear
 * probe of the task label on the perturbed embeddings; attribute inference: a linear probe of the
 * length bucket on the pooled representations that leave the device ({@link LinearProbe}).
 * Evaluations are serialised ({@link #evaluate} is synchronized): the views' Jobs share one
 * scheduling rule, and a test may evaluate from the UI thread while a Job runs. Longer than 400
 * lines because the sample's clean tensors and every stage of an evaluation that reads them stay
 * in one class.
 */
public final class NoiseTunerEvaluator implements AutoCloseable {

    /** Graph degree read from (or built into) the cache by default; smaller k truncate the graph. */
    public static final int DEFAULT_GRAPH_K = 10;
    public static final int MAX_LENGTH = 48;

    /**
     * One evaluated setting.
     *
     * @param sentences  sample sentences used
     * @param tokens     perturbed (non-special) tokens the attacker tried to invert
     * @param top1       A1 top-1 inversion rate, strongest of plain/aware and cosine/L2
     * @param top5       A1 top-5 rate, same choice
     * @param top1Plain  plain nearest neighbour top-1 (stronger metric)
     * @param top1Aware  mechanism-aware top-1 (stronger metric)
     * @param cosine     mean cosine of clean vs perturbed sentence embeddings
     * @param probe      linear probe of the task label on the perturbed sentence embeddings
     *                   (cross-validated over the sample): a utility proxy
     * @param attribute  linear probe of the length bucket (B2) on the mean-pooled perturbed
     *                   representations the cloud receives: a quick attribute-inference estimate
     * @param noiseNorms ||perturbed - clean|| per attacked token
     * @param millis     wall time of the evaluation
     * @param stageMillis wall time of its stages: setup, perturb, plain NN, aware table, aware NN,
     *                   top model and probes
     */
    public record Point(MechanismSpec spec, int sentences, int tokens, double top1, double top5, double top1Plain,
            double top1Aware, double cosine, LinearProbe.Estimate probe, LinearProbe.Estimate attribute,
            float[] noiseNorms, long millis, long[] stageMillis) {

        /** The stage times as text, for status lines and logs. */
        public String timing() {
            long[] t = stageMillis;
            return String.format(java.util.Locale.ROOT,
                    "setup %d, perturb %d, plain NN %d, aware table %d, aware NN %d, top model and probes %d ms",
                    t[0], t[1], t[2], t[3], t[4], t[5]);
        }
    }

    /** Below this many sentences a cross-validated probe says nothing; the point then has none. */
    public static final int MIN_PROBE_SENTENCES = 16;
    /** Folds of the tuner's linear probes. */
    static final int PROBE_FOLDS = 4;
    /** Ridge strength of the probes (relative to the mean squared feature norm). */
    static final double PROBE_LAMBDA = 0.1;

    private final NDManager manager;
    private final BertEncoder encoder;
    private final EncoderSource model;
    private final SpecialTokens tokens;
    /** Gains the public relevance table on first use ({@link #resourcesFor}). */
    private volatile MechanismResources resources;
    /** Counts the public relevance table when a spec asks for it; null: none offered. */
    private volatile java.util.function.Function<Progress, org.privtune.mechanism.TaskRelevance> publicRelevance;
    private final int split;
    /** Per id: never a guess (special tokens, placeholders). */
    private final boolean[] nonTarget;
    /** A1 plain: nearest rows of R (the attack bundle's implementation, so the numbers agree). */
    private final NearestNeighbourInversion plainAttack;
    private final NDArray ids;
    private final NDArray mask;
    private final NDArray cleanHidden;
    private final NDArray cleanPooled;
    private final int sentences;
    private final int graphK;
    private final int[] sampleLabels;
    private final int classes;
    private final int[] sampleLengthBuckets;
    private final int lengthBuckets;

    private NoiseTunerEvaluator(NDManager manager, EncoderSource model, BertEncoder encoder,
            MechanismResources resources, int split, TextTokenizer.Batch sample, List<LabelledText> labelled,
            int classes) {
        this.manager = manager;
        this.model = model;
        this.encoder = encoder;
        this.tokens = resources.tokens();
        this.resources = resources;
        this.split = split;
        this.graphK = resources.graph().k();
        int vocab = tokens.vocabSize();
        this.nonTarget = new boolean[vocab];
        for (int v = 0; v < vocab; v++) {
            nonTarget[v] = tokens.isNonTarget(v);
        }
        this.plainAttack = NearestNeighbourInversion.plain(resources.reference(), nonTarget, manager);
        this.sentences = sample.size();
        Shape shape = new Shape(sample.size(), sample.length());
        this.ids = manager.create(sample.flatIds(), shape);
        this.mask = manager.create(sample.flatMask(), shape);
        this.cleanHidden = bottom(encoder, split, ids, mask);
        this.cleanPooled = Pooling.MEAN.pool(encoder.top(cleanHidden, mask, split, false), mask);
        this.classes = classes;
        this.sampleLabels = labelled.stream().mapToInt(LabelledText::label).toArray();
        List<String> buckets = new ArrayList<>();
        this.sampleLengthBuckets = new int[labelled.size()];
        for (int i = 0; i < labelled.size(); i++) {
            String bucket = SentimentAttributes.lengthBucket(labelled.get(i).text());
            if (!buckets.contains(bucket)) {
                buckets.add(bucket);
            }
            sampleLengthBuckets[i] = buckets.indexOf(bucket);
        }
        this.lengthBuckets = buckets.size();
    }

    /** As {@link #open(EncoderSource, int, int, List, int, List, Path, Progress)} on the default model. */
    public static NoiseTunerEvaluator open(int split, int graphK, List<LabelledText> train, int classes,
            List<LabelledText> sample, Path cacheDir, Progress progress) throws IOException {
        return open(ModelRegistry.DEFAULT, split, graphK, train, classes, sample, cacheDir, progress);
    }

    /**
     * Loads {@code model}, R and the graph at {@code split} (cached under {@code cacheDir} by the
     * model's weights and the split; the first time for a model and split this computes them),
     * importance and task relevance over {@code train}, and the labelled sample.
     */
    public static NoiseTunerEvaluator open(EncoderSource model, int split, int graphK, List<LabelledText> train,
            int classes, List<LabelledText> sample, Path cacheDir, Progress progress) throws IOException {
        if (split < 0 || split > model.config().layers()) {
            throw new org.privtune.core.InvalidInputException(model.name(), 0, "split", "split layer " + split
                    + " is not in 0.." + model.config().layers());
        }
        NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
        try (TextTokenizer tok = model.tokenizer(MAX_LENGTH, false)) {
            progress.subTask(model.name() + " at layer " + split);
            BertEncoder encoder = model.load(manager);
            MechanismResources res = ModelResources.build(model, encoder, split, cacheDir, train, classes, tok,
                    manager, progress);
            if (graphK > res.graph().k()) {
                NeighbourGraph g = NeighbourGraph.loadOrBuild(cacheDir, encoder.weightsSha256(), split, res.reference(),
                        graphK, res.tokens(), manager, progress);
                res = new MechanismResources(res.reference(), g, res.tokens(), res.importance(), res.textGraph(),
                        res.relevance());
            }
            progress.checkCancelled();
            return new NoiseTunerEvaluator(manager, model, encoder, res, split,
                    tok.encode(sample.stream().map(LabelledText::text).toList()), sample, classes);
        } catch (RuntimeException | IOException e) {
            manager.close();
            throw e;
        }
    }

    /** The bottom model: embeddings and layers [0, split), token type 0 (as the mechanism benchmark runs it). */
    static NDArray bottom(BertEncoder encoder, int split, NDArray ids, NDArray mask) {
        return encoder.bottom(ids, mask, ids.zerosLike(), split, false);
    }

    public int split() {
        return split;
    }

    /** The model this evaluator runs. */
    public EncoderSource model() {
        return model;
    }

    /** The largest k a spec may use with this evaluator. */
    public int graphK() {
        return graphK;
    }

    public int sampleSentences() {
        return sentences;
    }

    public MechanismResources resources() {
        return resources;
    }

    /**
     * Where {@code relevance=imdb|both} gets its public table from (counted on first use, about a
     * minute, under the caller's progress); without one such specs are refused naming the field.
     */
    public void setPublicRelevanceSource(java.util.function.Function<Progress, org.privtune.mechanism.TaskRelevance> source) {
        this.publicRelevance = source;
    }

    /** The resources {@code spec} needs, loading the public relevance table the first time it is asked for. */
    public synchronized MechanismResources resourcesFor(MechanismSpec spec, Progress progress) {
        MechanismResources r = resources;
        if (MechanismSpec.RELEVANCE_TRAIN.equals(spec.relevance()) || r.publicRelevance() != null) {
            return r;
        }
        if (publicRelevance == null) {
            throw new org.privtune.core.InvalidInputException("swap options", 0, "relevance",
                    "relevance=" + spec.relevance() + " needs public labelled text for this data set, and there is none");
        }
        resources = r.withPublicRelevance(publicRelevance.apply(progress));
        return resources;
    }

    /**
     * Evaluates a setting on the first {@code maxSentences} sample sentences (fewer sentences: faster,
     * coarser). A point is a local estimate on the device's own sample (nothing is sent), so a spec
     * without a seed is evaluated with seed 1 and equal calls give equal points; the training it
     * chooses runs with secret randomness. Calls are serialised (the views' Jobs share a rule, but
     * a test may call from another thread).
     */
    public synchronized Point evaluate(MechanismSpec chosen, int maxSentences, Progress progress) {
        MechanismSpec spec = chosen.fixedSeed() ? chosen : chosen.withSeed(1);
        long t0 = System.nanoTime();
        int b = Math.max(1, Math.min(sentences, maxSentences));
        long[] at = new long[6];
        try (NDManager m = manager.newSubManager(); NoiseMechanism mech = Mechanisms.create(spec, resourcesFor(spec, progress), m)) {
            at[0] = System.nanoTime();
            NDIndex first = new NDIndex("0:" + b);
            NDArray idsB = ids.get(first);
            NDArray maskB = mask.get(first);
            idsB.attach(m);
            maskB.attach(m);
            NDArray input = mech.beforeBottom(idsB, maskB);
            NDArray h;
            if (input == idsB) {
                h = cleanHidden.get(first);
                h.attach(m);
            } else {
                h = bottom(encoder, split, input, maskB);
            }
            NDArray out = mech.afterBottom(h, input, maskB);
            PerturbationReport report = mech.lastReport();
            progress.checkCancelled();
            at[1] = System.nanoTime();

            // the true token behind each sent row (a shuffling mechanism moves them)
            long[] idFlat = DeviceTransform.inSentOrder(idsB.toLongArray(), mech.lastOrder());
            long[] maskFlat = maskB.toLongArray();
            List<Integer> positions = new ArrayList<>();
            for (int i = 0; i < idFlat.length; i++) {
                if (maskFlat[i] != 0 && !tokens.isSpecial((int) idFlat[i])) {
                    positions.add(i);
                }
            }
            int d = resources.reference().dim();
            float[] o = out.toFloatArray();
            float[] rows = new float[positions.size() * d];
            int[] truth = new int[positions.size()];
            float[] norms = new float[positions.size()];
            for (int j = 0; j < positions.size(); j++) {
                int i = positions.get(j);
                System.arraycopy(o, i * d, rows, j * d, d);
                truth[j] = (int) idFlat[i];
                norms[j] = report == null ? 0f : report.noiseNorms()[i];
            }
            NDArray x = m.create(rows, new Shape(truth.length, d));
            double[] plain = nearest(x, plainAttack, truth, progress);
            progress.checkCancelled();
            at[2] = System.nanoTime();
            // zero-mean mechanisms (none, dchi, gaussian) leave R unchanged, so the aware attack is
            // the plain one: a sample of rows tells, and spares the full [V, d] table
            boolean identity = NearestNeighbourInversion.isIdentity(resources.reference(), mech, m);
            double[] aware = plain;
            at[3] = System.nanoTime();
            if (!identity) {
                NearestNeighbourInversion table = awareAttack(spec, mech);
                at[3] = System.nanoTime();
                aware = nearest(x, table, truth, progress);
            }
            progress.checkCancelled();
            at[4] = System.nanoTime();

            NDArray pooled = topPooled(out, maskB, b, progress);
            NDArray clean = cleanPooled.get(first);
            clean.attach(m);
            NDArray cos = pooled.mul(clean).sum(new int[] {1})
                    .div(pooled.norm(new int[] {1}).mul(clean.norm(new int[] {1})).maximum(1e-12f));
            double cosine = cos.mean().getFloat();
            progress.checkCancelled();
            LinearProbe.Estimate labelProbe = LinearProbe.Estimate.NONE;
            LinearProbe.Estimate attribute = LinearProbe.Estimate.NONE;
            if (b >= MIN_PROBE_SENTENCES && classes > 1) {
                labelProbe = LinearProbe.crossValidated(pooled.toFloatArray(), (int) pooled.getShape().get(1),
                        java.util.Arrays.copyOf(sampleLabels, b), classes, PROBE_FOLDS, PROBE_LAMBDA, 1);
            }
            if (b >= MIN_PROBE_SENTENCES) {
                NDArray sentPooled = Pooling.MEAN.pool(out, maskB);
                attribute = LinearProbe.crossValidated(sentPooled.toFloatArray(), (int) sentPooled.getShape().get(1),
                        java.util.Arrays.copyOf(sampleLengthBuckets, b), lengthBuckets, PROBE_FOLDS, PROBE_LAMBDA, 1);
            }
            at[5] = System.nanoTime();
            long[] stages = new long[at.length];
            for (int i = 0; i < at.length; i++) {
                stages[i] = (at[i] - (i == 0 ? t0 : at[i - 1])) / 1_000_000;
            }
            return new Point(chosen, b, truth.length, Math.max(plain[0], aware[0]), Math.max(plain[1], aware[1]),
                    plain[0], aware[0], cosine, labelProbe, attribute, norms, (System.nanoTime() - t0) / 1_000_000, stages);
        }
    }

    /** Sentences per top-model pass: a change waits at most one pass (~20-40 ms) for a running point to stop. */
    static final int TOP_CHUNK = 4;

    /**
     * Mean-pooled output of the top model for the first {@code b} sentences, in passes of
     * {@link #TOP_CHUNK} sentences with a cancellation check before each: on the whole sample the
     * top model takes 100-300 ms, and a slider move should not wait for all of it.
     */
    private NDArray topPooled(NDArray out, NDArray mask, int b, Progress progress) {
        NDList parts = new NDList();
        for (int s = 0; s < b; s += TOP_CHUNK) {
            progress.checkCancelled();
            NDIndex rows = new NDIndex(s + ":" + Math.min(b, s + TOP_CHUNK));
            NDArray o = out.get(rows);
            NDArray m = mask.get(rows);
            parts.add(Pooling.MEAN.pool(encoder.top(o, m, split, false), m));
        }
        return parts.size() == 1 ? parts.singletonOrThrow() : NDArrays.concat(parts, 0);
    }

    /**
     * The mechanism-aware attacker, nearest rows of deterministicPart(R). The table does not
     * depend on eps or the seed (the mean shift is fixed by the other parameters), so the last one
     * is kept: moving the eps slider then costs no pass over the vocabulary.
     */
    private NearestNeighbourInversion awareAttack(MechanismSpec spec, NoiseMechanism mech) {
        MechanismSpec key = spec.with("eps", "1", "aware table key").withSeed(0);
        if (!key.equals(awareKey)) {
            if (aware != null) {
                aware.close();
            }
            aware = NearestNeighbourInversion.aware(resources.reference(), mech, nonTarget, manager);
            awareKey = key;
        }
        return aware;
    }

    private MechanismSpec awareKey;
    private NearestNeighbourInversion aware;

    /** {top-1, top-5} hit rates of the stronger of cosine and L2 nearest-row matching. */
    private static double[] nearest(NDArray x, NearestNeighbourInversion attack, int[] truth, Progress progress) {
        if (truth.length == 0) {
            return new double[] {0, 0};
        }
        long[][][] both = attack.topKBoth(x, 5, progress::checkCancelled);
        double[] c = hits(both[0], truth);
        double[] l = hits(both[1], truth);
        return new double[] {Math.max(c[0], l[0]), Math.max(c[1], l[1])};
    }

    private static double[] hits(long[][] guesses, int[] truth) {
        int h1 = 0;
        int h5 = 0;
        for (int i = 0; i < truth.length; i++) {
            if (guesses[i][0] == truth[i]) {
                h1++;
            }
            for (long g : guesses[i]) {
                if (g == truth[i]) {
                    h5++;
                    break;
                }
            }
        }
        return new double[] {h1 / (double) truth.length, h5 / (double) truth.length};
    }

    private volatile boolean closed;

    /** True once closed (a view's Job may still hold the evaluator the tuner replaced). */
    public boolean isClosed() {
        return closed;
    }

    BertEncoder encoder() {
        return encoder;
    }

    SpecialTokens tokens() {
        return tokens;
    }

    NDManager manager() {
        return manager;
    }

    /** A1 plain against R, shared with the Neighbour-Hop Explorer. */
    NearestNeighbourInversion plainAttack() {
        return plainAttack;
    }

    @Override
    public void close() {
        closed = true;
        manager.close();
    }
}
