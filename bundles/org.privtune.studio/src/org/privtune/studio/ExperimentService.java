package org.privtune.studio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.osgi.service.component.annotations.Component;
import org.privtune.attack.experiment.ExperimentCommand;
import org.privtune.attack.experiment.ExperimentConfig;
import org.privtune.attack.experiment.ExperimentFolder;
import org.privtune.attack.experiment.Metrics;
import org.privtune.attack.experiment.ResultFiles;
import org.privtune.attack.experiment.SettingResult;
import org.privtune.core.CancelledException;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.mechanism.MechanismPresets;
import org.privtune.mechanism.MechanismSpec;

/**
 * What the Experiments view runs: the privacy/utility experiment of {@code ./privtune experiment}
 * (the same {@link ExperimentCommand}, so the folder, its resumption and its tables are the same),
 * into a folder of {@code $PRIVTUNE_HOME/runs/experiments}, recorded in the {@link RunHistory}
 * whatever the outcome. An OSGi service; {@code ./privtune experiment} records through
 * {@link #runAndRecord} as well.
 */
@Component(service = ExperimentService.class)
public final class ExperimentService {

    /** The experiment folders in {@code $PRIVTUNE_HOME/runs}. */
    public static final String FOLDER = "experiments";

    /** Names of an experiment record's settings. */
    public static final String DATA = "data";
    public static final String MODEL = "model";
    public static final String SPLIT = "split";
    public static final String CONFIGURATION = "configuration";
    public static final String MECHANISMS = "mechanisms";
    public static final String EPS = "eps";
    public static final String SEEDS = "seeds";
    public static final String SAMPLE = "sample";
    public static final String COMMAND = "command";
    /** Names of an experiment record's metrics. */
    public static final String SETTINGS_FINISHED = "settings_finished";
    public static final String SETTINGS_TOTAL = "settings_total";
    public static final String BEST_ACCURACY = "best_accuracy";
    public static final String LOWEST_ASR = "lowest_inversion_asr";

    /**
     * What to run, as the view and the command line's options give it.
     *
     * @param mechanisms grid entries: names, names with parameters, or {@code @preset}
     * @param sample     victim records drawn from the data set (0: all of it)
     * @param cacheDir   reference space and graph cache (null: the default)
     */
    public record Request(String data, String model, int split, boolean quick, List<String> mechanisms, List<Double> eps,
            int seeds, int sample, Path cacheDir) {

        /** Checks every field, naming the one refused; mechanisms come back as grid entries (presets resolved). */
        public Request {
            if (data == null || data.isBlank()) {
                throw new InvalidInputException("experiment", 0, DATA, "choose a data set");
            }
            if (mechanisms == null || mechanisms.isEmpty()) {
                throw new InvalidInputException("experiment", 0, MECHANISMS, "choose at least one mechanism");
            }
            List<String> entries = new ArrayList<>();
            for (String m : mechanisms) {
                entries.add(ExperimentCommand.entry(m, MechanismPresets.user()));
            }
            mechanisms = List.copyOf(entries);
            eps = eps == null ? List.of() : List.copyOf(eps);
            for (double e : eps) {
                if (!(e > 0) || Double.isInfinite(e)) {
                    throw new InvalidInputException("experiment", 0, EPS, "every eps must be a positive number, got " + e);
                }
            }
            if (eps.isEmpty() && mechanisms.stream().anyMatch(m -> !MechanismSpec.NONE.equals(m))) {
                throw new InvalidInputException("experiment", 0, EPS, "give at least one eps for the mechanisms other than none");
            }
            if (seeds < 1) {
                throw new InvalidInputException("experiment", 0, SEEDS, "must be 1 or more, got " + seeds);
            }
            if (sample < 0) {
                throw new InvalidInputException("experiment", 0, SAMPLE, "must be 0 (the whole set) or more, got " + sample);
            }
        }

        /** The runner's configuration for the folder {@code out}. */
        public ExperimentConfig config(Path out) {
            Path cache = cacheDir == null ? org.privtune.mechanism.ModelResources.defaultCacheDir() : cacheDir;
            ExperimentConfig c = quick ? ExperimentConfig.quick(data, split, mechanisms, eps, seeds, out, cache)
                    : ExperimentConfig.full(data, split, mechanisms, eps, seeds, out, cache);
            return c.withModel(model).withSample(sample);
        }

        /** The settings of the grid: {@code none} once per seed, every other mechanism per eps and seed. */
        public int settingsCount() {
            return config(Path.of(".")).grid().size();
        }

        /** The request a record's settings describe (to resume it). */
        public static Request of(RunRecord r) {
            Map<String, String> s = r.settings();
            try {
                List<Double> eps = new ArrayList<>();
                for (String e : s.getOrDefault(EPS, "").split(",")) {
                    if (!e.isBlank()) {
                        eps.add(Double.valueOf(e.trim()));
                    }
                }
                String model = s.getOrDefault(MODEL, "");
                return new Request(s.get(DATA), model.isEmpty() ? null : model, Integer.parseInt(s.getOrDefault(SPLIT, "2")),
                        !"full".equals(s.get(CONFIGURATION)), List.of(s.getOrDefault(MECHANISMS, "").split(",")), eps,
                        Integer.parseInt(s.getOrDefault(SEEDS, "1")), Integer.parseInt(s.getOrDefault(SAMPLE, "0")), null);
            } catch (NumberFormatException e) {
                throw new InvalidInputException(r.id(), 0, "settings", "not the settings of an experiment: " + e.getMessage());
            }
        }

        /** {@code ./privtune experiment} with these options and {@code --out out}: the same run from a shell. */
        public String commandLine(Path out) {
            StringBuilder sb = new StringBuilder("./privtune experiment");
            if (quick) {
                sb.append(" --quick");
            }
            sb.append(" --data ").append(data);
            if (model != null) {
                sb.append(" --model ").append(model);
            }
            sb.append(" --split ").append(split);
            sb.append(" --mechanisms ").append(String.join(",", mechanisms));
            if (!eps.isEmpty()) {
                sb.append(" --eps ").append(String.join(",", eps.stream().map(ExperimentService::number).toList()));
            }
            sb.append(" --seeds ").append(seeds);
            if (sample > 0) {
                sb.append(" --sample ").append(sample);
            }
            return sb.append(" --out ").append(out.toAbsolutePath()).toString();
        }
    }

    /** One run: its history id, its folder and what it runs. */
    public record Run(String id, Path folder, Instant started, Request request) {
    }

    private final RunHistory history;
    private final Path experiments;

    /** The service over the state folder's history and experiment folders. */
    public ExperimentService() {
        this(RunHistory.defaults(), RunHistory.runsDir().resolve(FOLDER));
    }

    public ExperimentService(RunHistory history, Path experiments) {
        this.history = history;
        this.experiments = experiments;
    }

    public RunHistory history() {
        return history;
    }

    /** Where new experiment folders go. */
    public Path experimentsDir() {
        return experiments;
    }

    /** A new run of {@code r}: a fresh id and a folder of that name. */
    public Run newRun(Request r) {
        Instant now = Instant.now();
        String id = history.newId(RunRecord.EXPERIMENT, now);
        for (int n = 2; Files.exists(experiments.resolve(id)); n++) {
            id = history.newId(RunRecord.EXPERIMENT, now) + "-" + n;
        }
        return new Run(id, experiments.resolve(id), now, r);
    }

    /** The run of a recorded experiment again, into its folder: finished settings are skipped. */
    public Run resume(RunRecord r) {
        if (!RunRecord.EXPERIMENT.equals(r.kind()) || r.folder() == null) {
            throw new InvalidInputException(r.id(), 0, "kind", "only an experiment with a folder can be resumed");
        }
        return new Run(r.id(), r.folder(), r.started(), Request.of(r));
    }

    /**
     * Runs {@code run} with the command line's runner, {@code log} getting the lines the command
     * prints, and records it: finished, failed, or cancelled with the settings it finished (a
     * cancel before the first finished setting leaves neither a folder nor a record).
     *
     * @return the record written, or null when the history could not be written (said in the log)
     * @throws CancelledException when {@code progress} was cancelled
     */
    public RunRecord run(Run run, String source, Progress progress, Consumer<String> log) throws Exception {
        try (PrintStream out = lines(log)) {
            return runAndRecord(history, run.id(), run.started(), source, run.request().config(run.folder()), true,
                    run.request().commandLine(run.folder()), out, out, progress).record();
        }
    }

    /** What {@link #runAndRecord} did: the command's exit status and the record written (null: none). */
    public record Recorded(int status, RunRecord record) {
    }

    /**
     * Runs {@code cfg} as {@code ./privtune experiment} does and records the outcome in
     * {@code history} under {@code id} (a record of that id is replaced): finished, failed, or
     * cancelled with the settings it finished. A cancel before any setting finished keeps nothing,
     * as the runner keeps nothing of an unfinished setting: no record, no empty folder.
     *
     * @param charts whether the frontier charts are drawn into the folder
     * @throws CancelledException when {@code progress} was cancelled (after recording)
     */
    public static Recorded runAndRecord(RunHistory history, String id, Instant started, String source,
            ExperimentConfig cfg, boolean charts, String command, PrintStream out, PrintStream err, Progress progress)
            throws Exception {
        Map<String, String> settings = settings(cfg, command);
        try {
            int code = new ExperimentCommand().run(cfg, charts, command, out, err, progress);
            return new Recorded(code, record(history, id, started, source, cfg, settings,
                    code == 0 ? RunRecord.FINISHED : RunRecord.FAILED,
                    code == 0 ? null : "a setting's training diverged; resuming tries it again", err));
        } catch (CancelledException e) {
            RunRecord r = record(history, id, started, source, cfg, settings, RunRecord.CANCELLED, null, err);
            if (r == null) {
                removeIfEmpty(cfg.out());
            }
            throw e;
        } catch (Exception | Error e) {
            record(history, id, started, source, cfg, settings, RunRecord.FAILED, String.valueOf(e.getMessage()), err);
            throw e;
        }
    }

    private static RunRecord record(RunHistory history, String id, Instant started, String source, ExperimentConfig cfg,
            Map<String, String> settings, String status, String problem, PrintStream err) {
        try {
            List<SettingResult> results = new ResultFiles(cfg.out()).readAll();
            if (RunRecord.CANCELLED.equals(status) && results.isEmpty()) {
                return null;
            }
            int total = cfg.grid().size();
            Map<String, Double> m = metrics(results, total);
            String message = switch (status) {
                case RunRecord.FINISHED -> String.format(Locale.ROOT, "%d setting%s; best accuracy %.3f, lowest inversion ASR %.3f",
                        results.size(), results.size() == 1 ? "" : "s", m.get(BEST_ACCURACY), m.get(LOWEST_ASR));
                case RunRecord.CANCELLED -> String.format(Locale.ROOT,
                        "cancelled after %d of %d settings; resuming runs the rest", results.size(), total);
                default -> String.format(Locale.ROOT, "%d of %d settings finished; %s", results.size(), total, problem);
            };
            RunRecord r = new RunRecord(id, RunRecord.EXPERIMENT, source, started, Instant.now(), status,
                    cfg.out().toAbsolutePath(), settings, m, message);
            history.write(r);
            return r;
        } catch (IOException | RuntimeException e) {
            err.println("not recorded in the runs history (" + history.dir() + "): " + e.getMessage());
            return null;
        }
    }

    /** What an experiment record keeps of its configuration (enough to resume it: {@link Request#of}). */
    static Map<String, String> settings(ExperimentConfig cfg, String command) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(DATA, cfg.data());
        s.put(MODEL, cfg.model() == null ? "" : cfg.model());
        s.put(SPLIT, Integer.toString(cfg.split()));
        s.put(CONFIGURATION, cfg.quick() ? "quick" : "full");
        s.put(MECHANISMS, String.join(",", cfg.mechanisms()));
        s.put(EPS, String.join(",", cfg.eps().stream().map(ExperimentService::number).toList()));
        s.put(SEEDS, Integer.toString(cfg.seeds()));
        s.put(SAMPLE, Integer.toString(cfg.sample()));
        s.put(COMMAND, command);
        return s;
    }

    /** The record's metrics: settings finished of the grid, best mean accuracy, lowest mean inversion ASR. */
    static Map<String, Double> metrics(List<SettingResult> results, int total) {
        double best = Double.NaN;
        double lowest = Double.NaN;
        for (ResultFiles.Group g : ResultFiles.groups(results)) {
            double acc = g.meanStd(Metrics.ACCURACY)[0];
            double asr = g.meanStd(Metrics.INVERSION_ASR)[0];
            best = Double.isNaN(best) || acc > best ? acc : best;
            lowest = Double.isNaN(lowest) || asr < lowest ? asr : lowest;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(SETTINGS_FINISHED, (double) results.size());
        m.put(SETTINGS_TOTAL, (double) total);
        m.put(BEST_ACCURACY, best);
        m.put(LOWEST_ASR, lowest);
        return m;
    }

    /** The finished settings of an experiment folder (none when it has none). */
    public List<SettingResult> results(Path folder) throws IOException {
        return new ResultFiles(folder).readAll();
    }

    /** The results grouped by mechanism and eps, with mean and std over seeds. */
    public static List<ResultFiles.Group> groups(List<SettingResult> results) {
        return ResultFiles.groups(results);
    }

    private static void removeIfEmpty(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return;
        }
        // the record of what the folder's rows share is written first: alone it holds no result
        Path record = folder.resolve(ExperimentFolder.FILE);
        try (Stream<Path> all = Files.walk(folder)) {
            if (all.anyMatch(p -> Files.isRegularFile(p) && !p.equals(record))) {
                return;
            }
        }
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** A PrintStream that hands each line to {@code log}. */
    static PrintStream lines(Consumer<String> log) {
        return new PrintStream(new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public void write(int b) {
                if (b == '\n') {
                    flushLine();
                } else {
                    line.write(b);
                }
            }

            @Override
            public void close() {
                if (line.size() > 0) {
                    flushLine();
                }
            }

            private void flushLine() {
                log.accept(line.toString(StandardCharsets.UTF_8));
                line.reset();
            }
        }, true, StandardCharsets.UTF_8);
    }
}
