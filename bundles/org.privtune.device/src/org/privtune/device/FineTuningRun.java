package org.privtune.device;

import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.privtune.core.CancelledException;
import org.privtune.core.ForwardingProgress;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.DatasetSplit;
import org.privtune.data.SplitSpec;
import org.privtune.data.commands.DataCommands;
import org.privtune.djl.runtime.DjlRuntime;
import org.privtune.mechanism.MechanismResources;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.Mechanisms;
import org.privtune.mechanism.ModelResources;
import org.privtune.mechanism.NoiseMechanism;
import org.privtune.mechanism.PublicRelevance;
import org.privtune.model.BertEncoder;
import org.privtune.model.DeviceTransform;
import org.privtune.model.EncoderSource;
import org.privtune.model.InProcessTopModel;
import org.privtune.model.LabelledText;
import org.privtune.model.Metrics;
import org.privtune.model.ModelExport;
import org.privtune.model.ModelRegistry;
import org.privtune.model.Pooling;
import org.privtune.model.SplitModel;
import org.privtune.model.SplitTrainer;
import org.privtune.model.TextTokenizer;
import org.privtune.model.TopModelEndpoint;
import org.privtune.model.TrainingConfig;
import org.privtune.model.TrainingReport;

import javax.net.ssl.SSLContext;

/**
 * One split fine-tuning run from the device's side, as {@code ./privtune train} and the studio's
 * Split Training view run it: load the data set, build the bottom (the chosen model cut at the split) and the
 * mechanism, train the top in this process or on a remote endpoint ({@link RemoteTopModel}), test,
 * fetch the trained top back when it was remote, and export the model atomically. A cancel is
 * honoured in every phase (steps, dev and test evaluation, fetching, export) and leaves nothing
 * written: the export goes to a temporary folder that is renamed only when no cancel came.
 */
public final class FineTuningRun {

    /** Longest wait for one answer of a remote endpoint (keepalive pings find a dead one within 20 s). */
    public static final long ANSWER_TIMEOUT_MS = 300_000;

    /** How long a lost connection to an endpoint that checkpoints sessions is retried (then resumed). */
    public static final long RECONNECT_MS = 300_000;

    /** Dropout before the head (the studio's fixed choice; sent to a remote top as well). */
    public static final float DROPOUT = 0.1f;

    /**
     * What to run.
     *
     * @param data       a built-in data set name or a file the importer reads
     * @param mechanism  perturbation on the device, or null for none
     * @param cloud      the remote top-model endpoint, or null to train in this process
     * @param trainLimit use only the first N training sentences (0: all); for quick trials
     * @param out        export folder; must not exist or be empty
     * @param cacheDir   where the mechanism's reference space and graph are cached (null: the default)
     * @param model      the pre-trained encoder (a built-in or a folder, {@link ModelRegistry#resolve})
     */
    public record Request(String data, int split, Pooling pooling, TrainingConfig cfg, int maxLength,
            MechanismSpec mechanism, Cloud cloud, int trainLimit, Path out, Path cacheDir, EncoderSource model) {

        public Request {
            model = model == null ? ModelRegistry.DEFAULT : model;
            int layers = model.config().layers();
            if (split < 0 || split > layers) {
                throw new InvalidInputException("training settings", 0, "split", "split layer must be 0.." + layers
                        + " (" + model.name() + " has " + layers + " layers), got " + split);
            }
            if (trainLimit < 0) {
                throw new InvalidInputException("training settings", 0, "trainLimit", "must be >= 0, got " + trainLimit);
            }
        }

        /** A request for the default model ({@link ModelRegistry#DEFAULT}). */
        public Request(String data, int split, Pooling pooling, TrainingConfig cfg, int maxLength,
                MechanismSpec mechanism, Cloud cloud, int trainLimit, Path out, Path cacheDir) {
            this(data, split, pooling, cfg, maxLength, mechanism, cloud, trainLimit, out, cacheDir, null);
        }

        /** The same request with another mechanism. */
        public Request withMechanism(MechanismSpec m) {
            return new Request(data, split, pooling, cfg, maxLength, m, cloud, trainLimit, out, cacheDir, model);
        }
    }

    /**
     * Where the top trains when it is remote.
     *
     * @param endpoint "host:port" of {@code ./privtune cloud}
     * @param tls      TLS context trusting the endpoint's certificate ({@code TransportSecurity.client}),
     *                 or null for a plain connection
     * @param token    the endpoint's access token, or null/empty when it requires none
     */
    public record Cloud(String endpoint, SSLContext tls, String token) {

        public Cloud {
            RemoteTopModel.parse(endpoint); // a mistyped address fails before any work
            token = token == null ? "" : token;
            if (!token.isEmpty() && tls == null) { // the token never crosses the network in clear
                throw new InvalidInputException("cloud endpoint", 0, "token", "an access token is sent only over"
                        + " TLS: give the endpoint's certificate too (--cloud-cert)");
            }
        }

        public static Cloud plain(String endpoint) {
            return new Cloud(endpoint, null, null);
        }

        /** Never prints the token. */
        @Override
        public String toString() {
            return endpoint + (tls == null ? "" : " (TLS)") + (token.isEmpty() ? "" : " (token)");
        }
    }

    /** What a run produced. */
    public record Result(TrainingReport report, Metrics test, Path exported, String endpoint, long requests,
            long bytesSent) {
    }

    /** Sees each training step's result as it arrives (on the training thread). */
    public interface StepListener {
        void step(int step, int totalSteps, float loss, int correct, int batchSize);
    }

    private FineTuningRun() {
    }

    /**
     * Runs {@code r}; {@code log} gets the lines the command line prints, {@code steps} each
     * step's loss (null: none).
     *
     * @throws InvalidInputException when the output folder is taken or the data cannot be read
     * @throws RemoteTopModel.RemoteEndpointException when the remote endpoint fails or refuses
     * @throws CancelledException when {@code progress} asked to stop; it names the phase, and
     *                            nothing was exported
     */
    public static Result run(Request r, Progress progress, Consumer<String> log, StepListener steps)
            throws IOException {
        PhaseProgress phases = new PhaseProgress(progress);
        try {
            return runPhases(r, phases, log, steps);
        } catch (CancelledException e) {
            throw new CancelledException("cancelled (" + phases.phase + "); nothing was exported");
        }
    }

    private static Result runPhases(Request r, Progress progress, Consumer<String> log, StepListener steps)
            throws IOException {
        Path outDir = r.out().toAbsolutePath();
        for (Path gone : removeLeftovers(outDir)) {
            log.accept("removed " + gone + ", a partial export of a run that was killed");
        }
        if (isTaken(outDir)) {
            throw new InvalidInputException(outDir.toString(), 0, "out", "exists and is not empty; name a new folder");
        }
        Dataset data = DataCommands.defaults().load(r.data(), progress);
        if (r.mechanism() != null && !PublicRelevance.applicable(r.mechanism(), data).equals(r.mechanism())) {
            log.accept("public task relevance needs IMDB's labels (negative, positive); " + data.name() + " has "
                    + data.labels() + ", so it is counted on the training split (relevance=train)");
            r = r.withMechanism(PublicRelevance.applicable(r.mechanism(), data));
        }
        DatasetSplit parts = data.split(SplitSpec.DEFAULT);
        List<LabelledText> train = ModelResources.labelled(data, parts.train());
        if (r.trainLimit() > 0 && r.trainLimit() < train.size()) {
            train = List.copyOf(train.subList(0, r.trainLimit()));
        }
        List<LabelledText> dev = ModelResources.labelled(data, parts.dev());
        List<LabelledText> test = ModelResources.labelled(data, parts.test());
        TrainingConfig cfg = r.cfg();
        log.accept(String.format(Locale.ROOT, "data %s: %d train / %d dev / %d test, labels %s; %s split at layer %d, %s pooling",
                data.name(), train.size(), dev.size(), test.size(), data.labels(), r.model().name(), r.split(),
                r.pooling().name().toLowerCase(Locale.ROOT)));
        log.accept("mechanism on the device: " + (r.mechanism() == null ? "none"
                : r.mechanism().toShortString() + " (" + r.mechanism().randomnessLabel() + ")"));

        try (NDManager manager = DjlRuntime.pytorch().newBaseManager();
                TextTokenizer tokenizer = r.model().tokenizer(r.maxLength(), false)) {
            BertEncoder encoder = r.model().load(manager);
            NoiseMechanism noise = null;
            if (r.mechanism() != null) {
                MechanismResources res = ModelResources.build(r.model(), encoder, r.split(),
                        r.cacheDir() == null ? ModelResources.defaultCacheDir() : r.cacheDir(),
                        train, data.labels().size(), tokenizer, manager, progress);
                if (!MechanismSpec.RELEVANCE_TRAIN.equals(r.mechanism().relevance())) {
                    PublicRelevance.Table pub = PublicRelevance.build(data, tokenizer, res.tokens(), progress);
                    log.accept(String.format(Locale.ROOT, "public task relevance: %d IMDB sentences (%d reviews holding"
                            + " one of the data set's sentences left out)", pub.sentences(), pub.reviewsLeftOut()));
                    res = res.withPublicRelevance(pub.relevance());
                }
                noise = Mechanisms.create(r.mechanism(), res, manager);
            }
            try (NoiseMechanism closingNoise = noise) {
                DeviceTransform device = noise == null ? DeviceTransform.IDENTITY : noise;
                SplitModel model = new SplitModel(manager, encoder, r.split(), r.pooling(), data.labels(), DROPOUT,
                        cfg.seed());
                model.setBottomTrainable(cfg.trainBottom());
                SplitTrainer trainer = new SplitTrainer(model, tokenizer, manager);
                int total = SplitTrainer.totalSteps(train.size(), cfg);
                TopModelEndpoint top;
                if (r.cloud() == null) {
                    top = InProcessTopModel.forTraining(model, manager, cfg, total).seedEachStep(cfg.seed());
                } else {
                    progress.subTask("connecting to " + r.cloud());
                    RemoteTopModel remote = RemoteTopModel.connect(new RemoteTopModel.Connection(r.cloud().endpoint(),
                            r.cloud().tls(), r.cloud().token(), ANSWER_TIMEOUT_MS,
                            RemoteTopModel.Connection.answerBytesFor(cfg, encoder.config().hidden()), RECONNECT_MS),
                            RemoteTopModel.openRequest(model, r.model().baseModel(), cfg, DROPOUT, total));
                    log.accept(String.format(Locale.ROOT, "cloud endpoint %s: session %s, %,d trainable values there (%s)",
                            r.cloud(), remote.session().session(), remote.session().topParameters(),
                            remote.session().server()));
                    top = remote;
                }
                try (TopModelEndpoint closing = top) {
                    TopModelEndpoint observed = steps == null ? top : new ObservedEndpoint(top, total, steps);
                    TrainingReport report = trainer.train(train, dev, cfg, device, observed, progress);
                    for (TrainingReport.Epoch e : report.epochs()) {
                        log.accept(String.format(Locale.ROOT,
                                "epoch %d: train loss %.4f, train accuracy %.4f, dev accuracy %.4f, dev macro-F1 %.4f",
                                e.epoch(), e.trainLoss(), e.trainAccuracy(), e.dev().accuracy(), e.dev().macroF1()));
                    }
                    progress.subTask("testing");
                    Metrics t = trainer.evaluate(test, device, top, cfg.batchSize(), progress);
                    log.accept(String.format(Locale.ROOT,
                            "best epoch %d%s; test accuracy %.4f, macro-F1 %.4f, loss %.4f (%d sentences); %.1f examples/s",
                            report.bestEpoch(), report.stoppedEarly() ? " (stopped early)" : "", t.accuracy(),
                            t.macroF1(), t.loss(), t.count(), report.examplesPerSecond()));
                    long requests = 0;
                    long sent = 0;
                    if (top instanceof RemoteTopModel remote) {
                        progress.subTask("fetching the trained top");
                        progress.checkCancelled();
                        model.setTopWeights(remote.topWeights());
                        requests = remote.requests();
                        sent = remote.bytesSent();
                        if (remote.resumes() > 0) {
                            log.accept(String.format(Locale.ROOT, "the connection was lost and the session resumed %d"
                                    + " time(s); %d request(s) sent again", remote.resumes(), remote.requestsRedone()));
                        }
                        log.accept(String.format(Locale.ROOT,
                                "fetched the trained top from the cloud; %d requests, %.1f MB sent", requests, sent / 1e6));
                    }
                    progress.subTask("exporting");
                    progress.checkCancelled();
                    exportAtomically(outDir, progress, model, r.model(), r.maxLength(), noise == null ? Map.of("mechanism", "none")
                            : Map.of("mechanism", r.mechanism().name(), "spec", noise.spec().toString(),
                                    "randomness", noise.spec().randomnessLabel()));
                    log.accept("exported to " + outDir);
                    return new Result(report, t, outDir, r.cloud() == null ? "in-process" : r.cloud().endpoint(), requests,
                            sent);
                }
            }
        }
    }

    /** Forwards to another progress and remembers the phase under way, for the cancel's message. */
    private static final class PhaseProgress extends ForwardingProgress {
        private volatile String phase = "loading";

        PhaseProgress(Progress inner) {
            super(inner);
        }

        @Override
        public void begin(String task, int totalWork) {
            phase = task;
            super.begin(task, totalWork);
        }

        @Override
        public void subTask(String name) {
            phase = name;
            super.subTask(name);
        }
    }

    /** Forwards to an endpoint and reports every training step. */
    private static final class ObservedEndpoint implements TopModelEndpoint {
        private final TopModelEndpoint inner;
        private final int total;
        private final StepListener listener;
        private int step;

        ObservedEndpoint(TopModelEndpoint inner, int total, StepListener listener) {
            this.inner = inner;
            this.total = total;
            this.listener = listener;
        }

        @Override
        public StepResult trainStep(float[] reps, long[] shape, long[][] mask, int[] labels, boolean wantGradient) {
            StepResult s = inner.trainStep(reps, shape, mask, labels, wantGradient);
            listener.step(++step, total, s.loss(), s.correct(), labels.length);
            return s;
        }

        @Override
        public float[][] predict(float[] reps, long[] shape, long[][] mask) {
            return inner.predict(reps, shape, mask);
        }

        @Override
        public void saveCheckpoint() {
            inner.saveCheckpoint();
        }

        @Override
        public void restoreCheckpoint() {
            inner.restoreCheckpoint();
        }

        @Override
        public Map<String, float[]> topWeights() {
            return inner.topWeights();
        }
    }

    /**
     * Writes next to the target and renames, so an interrupted export leaves no half folder; a
     * cancel that came while writing removes what was written instead of renaming it.
     */
    private static void exportAtomically(Path abs, Progress progress, SplitModel model, EncoderSource base,
            int maxLength, Map<String, Object> noise) throws IOException {
        Path partial = abs.resolveSibling(abs.getFileName() + ".partial-" + ProcessHandle.current().pid());
        try {
            ModelExport.write(partial, model, base, maxLength, noise);
            progress.checkCancelled();
            if (Files.exists(abs)) {
                Files.delete(abs); // empty, checked before the run
            }
            Files.move(partial, abs, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(partial);
        }
    }

    /**
     * Removes the folders an export to {@code out} leaves when its process is killed before the
     * rename ({@code OUT.partial-PID} beside it, of a process that is no longer running); returns them.
     */
    public static List<Path> removeLeftovers(Path out) throws IOException {
        Path abs = out.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || abs.getFileName() == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        String prefix = abs.getFileName() + ".partial-";
        List<Path> removed = new java.util.ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                long pid;
                try {
                    pid = Long.parseLong(p.getFileName().toString().substring(prefix.length()));
                } catch (NumberFormatException e) {
                    continue; // not one of ours
                }
                if (pid == ProcessHandle.current().pid()
                        || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue; // an export under way
                }
                deleteTree(p);
                removed.add(p);
            }
        }
        return removed;
    }

    /** True when {@code out} exists and is not an empty folder: an export must not go there. */
    public static boolean isTaken(Path out) throws IOException {
        if (!Files.exists(out)) {
            return false;
        }
        if (!Files.isDirectory(out)) {
            return true;
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.findAny().isPresent();
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
