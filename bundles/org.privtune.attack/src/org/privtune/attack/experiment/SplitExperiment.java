package org.privtune.attack.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.privtune.attack.AttributeInference;
import org.privtune.attack.DevicePath;
import org.privtune.attack.LearnedInversion;
import org.privtune.attack.MaskLengthInference;
import org.privtune.attack.ReplayAttack;
import org.privtune.attack.SpecialRowBagOfWords;
import org.privtune.attack.NearestNeighbourInversion;
import org.privtune.attack.SubstitutionInversion;
import org.privtune.attack.ObservedRepresentations;
import org.privtune.attack.OptimisationInversion;
import org.privtune.attack.PositionPrior;
import org.privtune.attack.TokenRecovery;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.DatasetSplit;
import org.privtune.data.Record;
import org.privtune.data.SplitSpec;
import org.privtune.data.StableHash;
import org.privtune.data.builtin.BuiltinDatasets;
import org.privtune.data.commands.DataCommands;
import org.privtune.data.builtin.SentimentAttributes;
import org.privtune.data.AttributeColumns;
import org.privtune.mechanism.MechanismResources;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.ModelResources;
import org.privtune.mechanism.TokenSubstitution;
import org.privtune.mechanism.Mechanisms;
import org.privtune.mechanism.NoiseMechanism;
import org.privtune.mechanism.PublicRelevance;
import org.privtune.mechanism.ReferenceSpace;
import org.privtune.mechanism.SpecialTokens;
import org.privtune.model.BertEncoder;
import org.privtune.model.EncoderSource;
import org.privtune.model.ModelRegistry;
import org.privtune.model.ModelTokens;
import org.privtune.model.DeviceTransform;
import org.privtune.model.InProcessTopModel;
import org.privtune.model.LabelledText;
import org.privtune.model.Pooling;
import org.privtune.model.SplitModel;
import org.privtune.model.SplitTrainer;
import org.privtune.model.TextTokenizer;
import org.privtune.model.TrainingConfig;
import org.privtune.model.TrainingReport;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The real experiment on the chosen model (all-MiniLM-L6-v2 by default): for each setting, split fine-tuning of the top with the
 * mechanism on the device (SplitTrainer), test accuracy, then every attack on the perturbed
 * representations of the test split. Everything that does not depend on the setting (weights,
 * data, reference space, neighbour graphs, tokenised text, clean bottom outputs) is prepared once.
 *
 * <p>Data use, documented in docs/results.md: the victim's sentiment set is split 70/15/15
 * (seed 42); {@code attackerSlice} sentences of the train part (chosen by a stable hash, balanced
 * across sources by the hash's randomness) are the attacker's public labelled data for B1-B3 and
 * are withheld from the victim's fine-tuning; the auxiliary text for A2 is IMDB review sentences
 * disjoint from every sentiment sentence. The attacker's mechanism is its own instance of the
 * victim's spec with another seed (it knows the parameters, not the noise).
 *
 * <p>One class of some 550 lines because every attack reads the same prepared state (clean
 * outputs, reference space, the attacker's text and records) and one row's metrics are put
 * together in one place; the attacks themselves are classes of their own.
 */
public final class SplitExperiment implements SettingExecutor, AutoCloseable {

    static final int BATCH = 32;

    private final ExperimentConfig cfg;
    private final NDManager manager;
    private final Map<String, float[]> weights;
    private final BertEncoder encoder;
    private final TextTokenizer tokenizer;
    private final EncoderSource model;
    private final ModelTokens modelTokens;
    private final SpecialTokens tokens;
    /** The model's start and end ids and "the": the replay's dummy sentences. */
    private final long dummy;
    private final ReferenceSpace reference;
    /** Gains the public relevance table the first time a setting asks for it ({@link #resourcesFor}). */
    private MechanismResources resources;
    private final DevicePath path;
    private final List<LabelledText> train;
    private final List<LabelledText> dev;
    private final List<LabelledText> test;
    private final List<Record> testRecords;
    private final List<Record> attackerRecords;
    private final List<TextTokenizer.Batch> testBatches;
    private final List<TextTokenizer.Batch> attackerBatches;
    private final Dataset victim;
    private final int dataRecords;
    private List<TextTokenizer.Batch> auxBatches;
    private double[] auxPrior;
    private PositionPrior positionPrior;
    private final List<String> labels;
    private ObservedRepresentations cleanTest;

    public SplitExperiment(ExperimentConfig cfg, Progress progress) throws IOException {
        this.cfg = cfg;
        this.manager = Engine.getEngine("PyTorch").newBaseManager();
        this.model = ModelRegistry.resolve(cfg.model());
        progress.subTask("reading the weights of " + model.name());
        this.encoder = model.load(manager);
        this.weights = new java.util.HashMap<>();
        encoder.namedParameters().forEach((n, p) -> weights.put(n, p.getArray().toFloatArray()));
        this.tokenizer = model.tokenizer(64, false);
        this.modelTokens = model.tokens();
        this.tokens = ModelResources.specialTokens(modelTokens);
        long the = tokenizer.tokenId("the");
        int firstPlain = 0;
        while (firstPlain < modelTokens.vocabSize() - 1 && tokens.isNonTarget(firstPlain)) {
            firstPlain++;
        }
        this.dummy = the >= 0 && !tokens.isNonTarget((int) the) ? the : firstPlain;

        Dataset loaded = DataCommands.defaults().load(cfg.data(), progress);
        // A sampled victim leaves the rest of the set out of its data: with imdb, the other reviews
        // stay public (auxiliary text, public relevance), the sampled ones are excluded from both.
        this.victim = cfg.sample() > 0 ? loaded.sample(cfg.sample(), ExperimentConfig.SAMPLE_SEED) : loaded;
        this.dataRecords = loaded.records().size();
        this.labels = victim.labels();
        DatasetSplit split = victim.split(SplitSpec.DEFAULT);
        TrainParts parts = trainParts(split, cfg);
        this.attackerRecords = parts.attacker();
        this.train = ModelResources.labelled(victim, parts.victim());
        // Sub-samples are taken in a stable pseudo-random order: the parts keep the file order, which
        // groups sentences by source, so a plain prefix would hold one source only.
        this.dev = ModelResources.labelled(victim, limit(StableHash.orderBy(split.dev(), 7L), cfg.devLimit()));
        this.testRecords = testPart(split, cfg);
        this.test = ModelResources.labelled(victim, testRecords);

        this.path = new DevicePath(this::bottom, tokens.specialFlags(), manager);
        progress.subTask("reference space and neighbour graph at split " + cfg.split());
        // R, the graphs, TF-IDF importance and task relevance, built as the command line and the
        // studio build them.
        this.resources = ModelResources.build(modelTokens, encoder, cfg.split(), cfg.cacheDir(), train, labels.size(), tokenizer,
                manager, Progress.NONE);
        this.reference = resources.reference();

        this.testBatches = DevicePath.tokenize(tokenizer, testRecords.stream().map(Record::text).toList(), BATCH);
        this.attackerBatches = DevicePath.tokenize(tokenizer, attackerRecords.stream().map(Record::text).toList(),
                BATCH);
    }

    /** The sentiment train split cut into the attacker's labelled slice and the victim's training sentences. */
    record TrainParts(List<Record> attacker, List<Record> victim) {
    }

    /**
     * The first {@code attackerSlice} sentences of the train split (in a stable pseudo-random
     * order, at most half) go to the attacker, the rest (up to {@code trainLimit}) to the victim.
     */
    static TrainParts trainParts(DatasetSplit split, ExperimentConfig cfg) {
        List<Record> trainRecords = StableHash.orderBy(split.train(), 20_260_601L);
        int slice = Math.min(cfg.attackerSlice(), trainRecords.size() / 2);
        List<Record> victimTrain = new ArrayList<>(trainRecords.subList(slice, trainRecords.size()));
        if (cfg.trainLimit() > 0 && victimTrain.size() > cfg.trainLimit()) {
            victimTrain = victimTrain.subList(0, cfg.trainLimit());
        }
        return new TrainParts(List.copyOf(trainRecords.subList(0, slice)), List.copyOf(victimTrain));
    }

    /**
     * The victim's training sentences of the full configuration (the attacker's slice withheld), as
     * the runner fine-tunes on them: what the diagnostics count relevance=train on.
     */
    public static List<LabelledText> fullTrainingPart(Dataset d, DatasetSplit split) {
        return trainingPart(d, split, ExperimentConfig.full(d.name(), 2, List.of(), List.of(), 1, null,
                ModelResources.defaultCacheDir()));
    }

    /** The victim's training sentences as the runner fine-tunes on them in {@code cfg}. */
    public static List<LabelledText> trainingPart(Dataset d, DatasetSplit split, ExperimentConfig cfg) {
        return ModelResources.labelled(d, trainParts(split, cfg).victim());
    }

    /** The test sentences the runner evaluates and attacks in {@code cfg}. */
    public static List<Record> testPart(DatasetSplit split, ExperimentConfig cfg) {
        return limit(StableHash.orderBy(split.test(), 7L), cfg.testLimit());
    }

    private static <T> List<T> limit(List<T> list, int n) {
        return n > 0 && list.size() > n ? list.subList(0, n) : list;
    }

    /** The frozen bottom at the configured split, token type 0. */
    NDArray bottom(NDArray ids, NDArray mask) {
        return encoder.bottom(ids, mask, ids.zerosLike(), cfg.split(), false);
    }

    public int trainSize() {
        return train.size();
    }

    /** What the victim's data is: the data set, or the sample of it the configuration asked for. */
    public String victimData() {
        return victim.records().size() == dataRecords ? victim.name() + " (" + dataRecords + " records)"
                : victim.name() + " (a fixed sample of " + victim.records().size() + " of its " + dataRecords
                        + " records; the others are not the victim's)";
    }

    /** A0, learned once from the attacker's auxiliary text. */
    private PositionPrior positionPrior(Progress progress) {
        if (positionPrior == null) {
            positionPrior = PositionPrior.learn(auxiliaryBatches(progress), tokens.specialFlags());
        }
        return positionPrior;
    }

    /**
     * A0's prior for an attacker who knows the mechanism reorders tokens: learned on the auxiliary
     * text as the mechanism sends it (after a shuffle the clean text's typical token of a place is
     * a poor guess); null when the victim's mechanism keeps the order. The reordering is drawn by
     * a mechanism instance of its own seed, so the attacker's A2 draws are those of earlier runs.
     * Older rows of the published CSVs scored A0 with the clean prior only.
     */
    private PositionPrior awarePositionPrior(MechanismSpec spec, Setting s, NoiseMechanism victimMech, NDManager sm,
            Progress progress) {
        if (victimMech.lastOrder() == null) {
            return null;
        }
        try (NoiseMechanism a0Mech = Mechanisms.create(spec.withSeed(s.seed() + 2_000_003L), resources, sm)) {
            List<TextTokenizer.Batch> sent = PositionPrior.asSent(auxiliaryBatches(progress), a0Mech, sm);
            return sent == null ? null : PositionPrior.learn(sent, tokens.specialFlags());
        }
    }

    /** Token frequencies of the attacker's auxiliary text (A4's prior), counted once. */
    private double[] auxiliaryPrior(Progress progress) {
        if (auxPrior == null) {
            auxPrior = SubstitutionInversion.prior(auxiliaryBatches(progress), modelTokens.vocabSize(),
                    tokens.specialFlags());
        }
        return auxPrior;
    }

    /** The attacker's auxiliary sentences, tokenised (loaded on first use). */
    public List<TextTokenizer.Batch> auxiliaryBatches(Progress progress) {
        if (auxBatches == null) {
            progress.subTask("auxiliary text");
            Dataset imdb = BuiltinDatasets.load("imdb", progress);
            auxBatches = DevicePath.tokenize(tokenizer, AuxiliaryText.sentences(imdb, victim, cfg.auxSentences()),
                    BATCH);
        }
        return auxBatches;
    }

    public int auxiliarySentences(Progress progress) {
        return auxiliaryBatches(progress).stream().mapToInt(TextTokenizer.Batch::size).sum();
    }

    /**
     * A mechanism entry of the grid: a name, or a name with parameters separated by ';' (the
     * command line's list separator is ','), e.g. {@code privtune-swap:keep=0.05;n=3}.
     */
    public static MechanismSpec parseSpec(String entry) {
        return MechanismSpec.parse(entry.replace(';', ','));
    }

    /**
     * The setting's spec with its fixed seed (experiment rows are repeatable; {@code r_secret}
     * measures the secret randomness the product uses). Relevance counted on public IMDB text needs
     * IMDB's labels: for any other label set it is counted on the device's training split, and the
     * row's spec says so.
     */
    public MechanismSpec spec(Setting s) {
        MechanismSpec spec = parseSpec(s.mechanism()).withSeed(s.seed());
        spec = PublicRelevance.applicable(spec, victim);
        return s.eps() > 0 ? spec.with("eps", Double.toString(s.eps()), s.key()) : spec;
    }

    @Override
    public SettingResult run(Setting s, Progress progress) throws Exception {
        MechanismSpec spec = spec(s);
        Map<String, Double> m = new LinkedHashMap<>();
        encoder.load(weights); // a fresh pre-trained top for every setting
        try (NDManager sm = manager.newSubManager();
                NoiseMechanism victimMech = Mechanisms.create(spec, resourcesFor(spec, progress), sm);
                NoiseMechanism attackerMech = Mechanisms.create(spec.withSeed(s.seed() + 1_000_003L), resources, sm)) {
            long t0 = System.nanoTime();
            SplitModel model = new SplitModel(sm, encoder, cfg.split(), Pooling.MEAN, labels, 0.1f, s.seed());
            SplitTrainer trainer = new SplitTrainer(model, tokenizer, sm);
            TrainingConfig tc = TrainingConfig.defaults().withEpochs(cfg.epochs()).withLearningRate(cfg.learningRate())
                    .withSeed(s.seed());
            TrainingReport report = trainer.train(train, dev, tc, victimMech, progress);
            org.privtune.model.Metrics testMetrics = trainer.evaluate(test, victimMech,
                    InProcessTopModel.forInference(model, sm), tc.batchSize());
            m.put(Metrics.ACCURACY, testMetrics.accuracy());
            m.put(Metrics.MACRO_F1, testMetrics.macroF1());
            m.put(Metrics.TRAIN_SECONDS, (System.nanoTime() - t0) / 1e9);
            m.put("best_epoch", (double) report.bestEpoch());

            long t1 = System.nanoTime();
            progress.begin("perturbed test representations", -1);
            // the batches as padded for length hiding, so that the noise is measured against the clean
            // bottom output of the same (padded) input
            List<TextTokenizer.Batch> sentBatches = new ArrayList<>();
            ObservedRepresentations observed = path.observe(testBatches, recordingPadding(victimMech, sentBatches),
                    progress);
            m.put(Metrics.NOISE_NORM, meanNoiseNorm(observed, spec.lengths() > 0
                    ? path.observe(sentBatches, DeviceTransform.IDENTITY, progress) : cleanTest(progress)));
            m.put(Metrics.SCORED_TOKENS, (double) observed.scoredCount());

            progress.begin("A1 nearest neighbour", -1);
            boolean[] excluded = tokens.nonTargetFlags();
            NearestNeighbourInversion.Result a1 = NearestNeighbourInversion.run(reference, attackerMech, excluded,
                    observed, sm);
            put(m, "a1_plain_cos", a1.plainCosine());
            put(m, "a1_plain_l2", a1.plainL2());
            put(m, "a1_aware_cos", a1.awareCosine());
            put(m, "a1_aware_l2", a1.awareL2());
            put(m, "a1", a1.strongest());
            if (attackerMech instanceof TokenSubstitution sub) {
                progress.begin("A4 substitution inversion with a token prior", -1);
                double[] prior = auxiliaryPrior(progress);
                try (NearestNeighbourInversion decoder = NearestNeighbourInversion.plain(reference, excluded, sm)) {
                    long[][] decoded = decoder.guesses(observed, NearestNeighbourInversion.Metric.COSINE, 1);
                    put(m, "a4", new SubstitutionInversion(sub, prior, excluded).evaluate(decoded, observed.scoredIds()));
                }
            }

            LearnedInversion.Config a2cfg = new LearnedInversion.Config(cfg.a2Hidden(), cfg.a2Epochs(), 8000, 512,
                    1e-3f, s.seed());
            ObservedRepresentations a3Sample = observed.firstSentences(cfg.a3Sentences());
            long[][] candidates;
            try (LearnedInversion a2 = LearnedInversion.train(path, auxiliaryBatches(progress), attackerMech, a2cfg, sm, progress)) {
                put(m, "a2", a2.evaluate(observed, sm));
                candidates = a2.guesses(a3Sample, cfg.a3Candidates(), sm);
            }
            try (NearestNeighbourInversion a1Aware = NearestNeighbourInversion.aware(reference, attackerMech, excluded,
                    sm)) {
                long[][] nn = a1Aware.guesses(a3Sample, NearestNeighbourInversion.Metric.COSINE, cfg.a3Candidates());
                for (int i = 0; i < candidates.length; i++) {
                    long[] both = new long[candidates[i].length + nn[i].length];
                    System.arraycopy(nn[i], 0, both, 0, nn[i].length);
                    System.arraycopy(candidates[i], 0, both, nn[i].length, candidates[i].length);
                    candidates[i] = both;
                }
            }
            OptimisationInversion a3 = new OptimisationInversion(encoder, cfg.split(),
                    new OptimisationInversion.Config(cfg.a3Steps(), 0.1f));
            TokenRecovery a3r = a3.evaluate(a3Sample, candidates, sm, progress);
            put(m, "a3", a3r);
            m.put(Metrics.A3_SCORED_TOKENS, (double) a3r.scored());
            // A0: the stronger of the clean prior and the prior learned as the mechanism sends
            TokenRecovery a0 = positionPrior(progress).evaluate(observed);
            PositionPrior aware = awarePositionPrior(spec, s, victimMech, sm, progress);
            if (aware != null) {
                TokenRecovery a0Aware = aware.evaluate(observed);
                a0 = a0Aware.top1() > a0.top1() ? a0Aware : a0;
            }
            put(m, "a0", a0);
            specialRows(s, attackerMech, observed, m, sm, progress);
            replay(spec, s, attackerMech, m, sm, progress);
            // the strongest attack over those that ran (A4 only exists for text-level substitutions); the
            // replay counts as the product runs it, with secret randomness
            double asr = 0;
            for (String k : List.of(Metrics.A0_TOP1, Metrics.A1_TOP1, Metrics.A2_TOP1, Metrics.A3_TOP1,
                    Metrics.A4_TOP1, Metrics.R_SECRET_TOP1)) {
                Double rate = m.get(k);
                if (rate != null) {
                    asr = Math.max(asr, rate);
                }
            }
            m.put(Metrics.INVERSION_ASR, asr);

            // B4: the categorical columns an import mapped (the attacker's records and the test records
            // both carry them); the strongest one over its majority share is reported
            List<String> mapped = AttributeColumns.categorical(attackerRecords, FIXED_ATTRIBUTES).stream()
                    .filter(c -> testRecords.stream().allMatch(r -> r.attribute(c) != null)).toList();
            progress.begin("B1-B4 attribute inference", 3 + mapped.size());
            ObservedRepresentations attackerObserved = path.observe(attackerBatches, attackerMech, progress);
            float[][] trainFeatures = attackerObserved.meanPooled();
            float[][] testFeatures = observed.meanPooled();
            String[][] attrs = {{SentimentAttributes.SOURCE, Metrics.B1_ACC, Metrics.B1_MAJORITY},
                {SentimentAttributes.LENGTH, Metrics.B2_ACC, Metrics.B2_MAJORITY},
                {SentimentAttributes.NUMBER_OR_NAME, Metrics.B3_ACC, Metrics.B3_MAJORITY}};
            for (String[] a : attrs) {
                List<String> tv = attributes(attackerRecords, a[0]);
                List<String> ev = attributes(testRecords, a[0]);
                if (tv.contains(null) || ev.contains(null) || new java.util.HashSet<>(tv).size() < 2) {
                    // a data set without that column (a source, for most): the attack has nothing to read
                    m.put(a[1], Double.NaN);
                    m.put(a[2], Double.NaN);
                    progress.worked(1);
                    continue;
                }
                AttributeInference.Result r = AttributeInference.run(a[0], trainFeatures, tv, testFeatures, ev,
                        AttributeInference.Config.defaults(), sm, progress);
                m.put(a[1], r.accuracy());
                m.put(a[2], r.majorityBaseline());
                progress.worked(1);
            }
            double b4Gain = Double.NEGATIVE_INFINITY;
            m.put(Metrics.B4_ACC, Double.NaN);
            m.put(Metrics.B4_MAJORITY, Double.NaN);
            for (String column : mapped) {
                progress.subTask("B4 attribute inference on column '" + column + "'");
                AttributeInference.Result r = AttributeInference.run(column, trainFeatures,
                        attributes(attackerRecords, column), testFeatures, attributes(testRecords, column),
                        AttributeInference.Config.defaults(), sm, progress);
                if (r.accuracy() - r.majorityBaseline() > b4Gain) {
                    b4Gain = r.accuracy() - r.majorityBaseline();
                    m.put(Metrics.B4_ACC, r.accuracy());
                    m.put(Metrics.B4_MAJORITY, r.majorityBaseline());
                }
                progress.worked(1);
            }
            MaskLengthInference.Result len = MaskLengthInference.run(attackerObserved,
                    attributes(attackerRecords, SentimentAttributes.LENGTH), observed,
                    attributes(testRecords, SentimentAttributes.LENGTH));
            m.put(Metrics.M_LEN_ACC, len.accuracy());
            m.put(Metrics.M_LEN_MAJORITY, len.majority());
            m.put(Metrics.ATTACK_SECONDS, (System.nanoTime() - t1) / 1e9);
        }
        return new SettingResult(s, spec.toString(), m);
    }

    /** The attributes B1-B3 read; B4 reads any other categorical column. */
    private static final Set<String> FIXED_ATTRIBUTES = Set.of(SentimentAttributes.SOURCE, SentimentAttributes.LENGTH,
            SentimentAttributes.NUMBER_OR_NAME);

    /** Each record's attribute (its own column, or computed from its text); null where it has none. */
    private static List<String> attributes(List<Record> records, String attribute) {
        return records.stream().map(r -> SentimentAttributes.of(r, attribute)).toList();
    }

    /**
     * S: the sentence's bag of words from its [CLS] and [SEP] rows, learned on the attacker's
     * auxiliary text as its own instance of the mechanism sends it.
     */
    private void specialRows(Setting s, NoiseMechanism attackerMech, ObservedRepresentations observed,
            Map<String, Double> m, NDManager sm, Progress progress) {
        ObservedRepresentations aux = path.observe(auxiliaryBatches(progress), attackerMech, progress);
        SpecialRowBagOfWords.Config d = SpecialRowBagOfWords.Config.defaults();
        SpecialRowBagOfWords.Result r = SpecialRowBagOfWords.run(aux, observed, tokens.specialFlags(),
                new SpecialRowBagOfWords.Config(d.classes(), d.contentCutoff(), d.hidden(), d.epochs(), d.batchSize(),
                        d.learningRate(), s.seed()),
                sm, progress);
        m.put(Metrics.S_BOW_PRECISION, r.precisionAll());
        m.put(Metrics.S_BOW_PRIOR, r.priorAll());
        m.put(Metrics.S_BOW_CONTENT, r.precisionContent());
        m.put(Metrics.S_BOW_CONTENT_PRIOR, r.priorContent());
    }

    /**
     * R, the known-seed replay, three ways on fresh victim instances (so that their first calls
     * make the test batches, as a session's first steps would): a fixed-seed run replayed with its
     * own seed (what a fixed seed gives away), the same run replayed with a wrong seed (chance),
     * and the product's secret randomness replayed with the former default seed 1.
     */
    private void replay(MechanismSpec spec, Setting s, NoiseMechanism attackerMech, Map<String, Double> m, NDManager sm,
            Progress progress) {
        progress.begin("R replay of the device's randomness", 3);
        ReplayAttack r = new ReplayAttack(resources, tokens.nonTargetFlags(), tokens.specialFlags(),
                positionPrior(progress), modelTokens.cls(), modelTokens.sep(), dummy);
        try (NoiseMechanism fixed = Mechanisms.create(spec, resources, sm)) {
            ObservedRepresentations obs = path.observe(testBatches, fixed, progress);
            m.put(Metrics.R_KNOWN_TOP1, r.run(obs, spec, attackerMech, sm).top1());
            progress.worked(1);
            m.put(Metrics.R_WRONG_TOP1, r.run(obs, spec.withSeed(s.seed() + 3_000_017L), attackerMech, sm).top1());
            progress.worked(1);
        }
        try (NoiseMechanism secret = Mechanisms.create(spec.withSecureRandomness(), resources, sm)) {
            ObservedRepresentations obs = path.observe(testBatches, secret, progress);
            m.put(Metrics.R_SECRET_TOP1, r.run(obs, spec.withSeed(1), attackerMech, sm).top1());
            progress.worked(1);
        }
    }

    private static void put(Map<String, Double> m, String prefix, TokenRecovery r) {
        m.put(prefix + "_top1", r.top1());
        m.put(prefix + "_top5", r.top5());
    }

    /** {@code mechanism} itself, but every batch it pads is also added to {@code padded}. */
    private static DeviceTransform recordingPadding(NoiseMechanism mechanism, List<TextTokenizer.Batch> padded) {
        return new DeviceTransform() {
            @Override
            public TextTokenizer.Batch hideLengths(TextTokenizer.Batch batch) {
                TextTokenizer.Batch p = mechanism.hideLengths(batch);
                padded.add(p);
                return p;
            }

            @Override
            public NDArray beforeBottom(NDArray tokenIds, NDArray attentionMask) {
                return mechanism.beforeBottom(tokenIds, attentionMask);
            }

            @Override
            public NDArray afterBottom(NDArray hidden, NDArray tokenIds, NDArray attentionMask) {
                return mechanism.afterBottom(hidden, tokenIds, attentionMask);
            }

            @Override
            public int[] lastOrder() {
                return mechanism.lastOrder();
            }
        };
    }

    /** Mean ||sent - clean|| over the scored test positions; {@code clean} has the same batches and shapes. */
    private static double meanNoiseNorm(ObservedRepresentations observed, ObservedRepresentations clean) {
        double sum = 0;
        int n = 0;
        for (int bi = 0; bi < observed.batches().size(); bi++) {
            ObservedRepresentations.Batch o = observed.batches().get(bi);
            ObservedRepresentations.Batch c = clean.batches().get(bi);
            int d = o.dim();
            for (long p : o.scoredIndices()) {
                double sq = 0;
                for (int k = 0; k < d; k++) {
                    double diff = o.representations()[(int) p * d + k] - c.representations()[(int) p * d + k];
                    sq += diff * diff;
                }
                sum += Math.sqrt(sq);
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The clean test sentences' representations (cached): what the Noise Tuner can perturb quickly. */
    public ObservedRepresentations cleanTest(Progress progress) {
        if (cleanTest == null) {
            cleanTest = path.observe(testBatches, DeviceTransform.IDENTITY, progress);
        }
        return cleanTest;
    }

    /** The victim's test records (in the order of {@link #testBatches()}). */
    public List<Record> testRecords() {
        return testRecords;
    }

    public SpecialTokens tokens() {
        return tokens;
    }

    public MechanismResources resources() {
        return resources;
    }

    /**
     * The resources a spec needs: with {@code relevance=imdb} or {@code both} the public relevance
     * table is counted once (about a minute) and kept for the rest of the grid.
     */
    MechanismResources resourcesFor(MechanismSpec spec, Progress progress) {
        resources = PublicRelevance.withTableFor(resources, spec, victim, tokenizer, progress);
        return resources;
    }

    public ReferenceSpace reference() {
        return reference;
    }

    public DevicePath path() {
        return path;
    }

    public List<TextTokenizer.Batch> testBatches() {
        return testBatches;
    }

    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        tokenizer.close();
        manager.close();
    }
}
