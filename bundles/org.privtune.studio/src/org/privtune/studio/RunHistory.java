package org.privtune.studio;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.privtune.core.InvalidInputException;
import org.privtune.core.PrivTuneHome;
import org.privtune.data.DataDirectory;
import org.privtune.device.FineTuningRun;
import org.privtune.model.Metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The runs history: one {@link RunRecord} per JSON file in {@code $PRIVTUNE_HOME/runs/history},
 * each written through a temporary file and a rename, so a reader never sees half a record. The
 * studio's Split Training and Experiments views and {@code ./privtune train} and
 * {@code experiment} write here; the Experiments view lists it.
 */
public final class RunHistory {

    /** A system property that moves the runs folder (the history and the experiment folders) elsewhere. */
    public static final String PROPERTY = "privtune.runs.dir";
    /** The history's folder in {@code $PRIVTUNE_HOME/runs}. */
    public static final String FOLDER = "history";
    /** The version of the record format, written as {@code "format"}. */
    public static final int FORMAT = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** The records that could be read, newest first, and one line per file that could not. */
    public record Listing(List<RunRecord> runs, List<String> problems) {
    }

    private final Path dir;

    public RunHistory(Path dir) {
        this.dir = dir;
    }

    /** The history of this process's state folder. */
    public static RunHistory defaults() {
        return new RunHistory(runsDir().resolve(FOLDER));
    }

    /** {@code $PRIVTUNE_HOME/runs}, or the folder the system property {@value #PROPERTY} names. */
    public static Path runsDir() {
        String d = System.getProperty(PROPERTY);
        return d != null && !d.isBlank() ? Path.of(d.trim()).toAbsolutePath() : PrivTuneHome.dir(PrivTuneHome.RUNS);
    }

    public Path dir() {
        return dir;
    }

    public Path file(String id) {
        return dir.resolve(id + ".json");
    }

    /**
     * A new id for a run of {@code kind} started at {@code start}: its UTC time and kind, with a
     * number added when a record of that id exists (e.g. {@code 20261207-234005-training-2}).
     */
    public synchronized String newId(String kind, Instant start) {
        String base = ID_TIME.format(start) + "-" + kind;
        String id = base;
        for (int n = 2; Files.exists(file(id)); n++) {
            id = base + "-" + n;
        }
        return id;
    }

    /**
     * The id of the record of {@code kind} whose folder is {@code folder} (a rerun into the same
     * folder replaces it), else a new one ({@link #newId}).
     */
    public String idFor(String kind, Path folder, Instant start) throws IOException {
        Path abs = folder.toAbsolutePath();
        for (RunRecord r : list().runs()) {
            if (kind.equals(r.kind()) && abs.equals(r.folder())) {
                return r.id();
            }
        }
        return newId(kind, start);
    }

    /** Writes (or replaces) the record of {@code r.id()} atomically; returns its file. */
    public Path write(RunRecord r) throws IOException {
        Path f = file(r.id());
        byte[] json = MAPPER.writeValueAsBytes(toJson(r));
        DataDirectory.writeAtomically(f, out -> out.write(json));
        return f;
    }

    /** Every record, newest start first; a file that cannot be read is named in the problems and skipped. */
    public Listing list() throws IOException {
        List<RunRecord> runs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
                for (Path f : files) {
                    try {
                        runs.add(read(f));
                    } catch (InvalidInputException e) {
                        problems.add(e.getMessage());
                    }
                }
            }
        }
        runs.sort(Comparator.comparing(RunRecord::started).thenComparing(RunRecord::id).reversed());
        problems.sort(null);
        return new Listing(runs, problems);
    }

    /** The record in {@code f}; a file that is not one is refused, naming the file and the field. */
    public static RunRecord read(Path f) throws IOException {
        JsonNode o;
        try {
            o = MAPPER.readTree(f.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidInputException(f.toString(), e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "json", "not a run record: " + e.getOriginalMessage());
        }
        if (o == null || !o.isObject()) {
            throw new InvalidInputException(f.toString(), 0, "json", "not a run record: not a JSON object");
        }
        int format = o.path("format").asInt(-1);
        if (format != FORMAT) {
            throw new InvalidInputException(f.toString(), 0, "format",
                    "is " + o.path("format") + ", this version reads format " + FORMAT);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        object(o, "settings", f).fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (var it = object(o, "metrics", f).fields(); it.hasNext();) {
            var e = it.next();
            if (!e.getValue().isNumber() && !e.getValue().isNull()) {
                throw new InvalidInputException(f.toString(), 0, "metrics." + e.getKey(),
                        "must be a number or null, is " + e.getValue());
            }
            metrics.put(e.getKey(), e.getValue().isNull() ? Double.NaN : e.getValue().asDouble());
        }
        String folder = o.path("folder").asText("");
        return new RunRecord(text(o, "id", f), kind(text(o, "kind", f), f), text(o, "source", f),
                time(o, "started", f), o.hasNonNull("finished") ? time(o, "finished", f) : null,
                text(o, "status", f), folder.isEmpty() ? null : Path.of(folder), settings, metrics,
                o.path("message").asText(""));
    }

    static ObjectNode toJson(RunRecord r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("format", FORMAT);
        o.put("id", r.id());
        o.put("kind", r.kind());
        o.put("source", r.source());
        o.put("started", r.started().toString());
        if (r.finished() != null) {
            o.put("finished", r.finished().toString());
        }
        o.put("status", r.status());
        o.put("folder", r.folder() == null ? "" : r.folder().toAbsolutePath().toString());
        o.put("message", r.message());
        ObjectNode s = o.putObject("settings");
        r.settings().forEach(s::put);
        ObjectNode m = o.putObject("metrics");
        r.metrics().forEach((k, v) -> {
            if (v == null || v.isNaN() || v.isInfinite()) {
                m.putNull(k);
            } else {
                m.put(k, v);
            }
        });
        return o;
    }

    private static String text(JsonNode o, String field, Path f) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new InvalidInputException(f.toString(), 0, field, "missing or not a text");
        }
        return v.asText();
    }

    private static JsonNode object(JsonNode o, String field, Path f) {
        JsonNode v = o.get(field);
        if (v == null || !v.isObject()) {
            throw new InvalidInputException(f.toString(), 0, field, "missing or not an object");
        }
        return v;
    }

    private static String kind(String kind, Path f) {
        if (!RunRecord.TRAINING.equals(kind) && !RunRecord.EXPERIMENT.equals(kind)) {
            throw new InvalidInputException(f.toString(), 0, "kind", "must be " + RunRecord.TRAINING + " or "
                    + RunRecord.EXPERIMENT + ", is '" + kind + "'");
        }
        return kind;
    }

    private static Instant time(JsonNode o, String field, Path f) {
        String t = text(o, field, f);
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(f.toString(), 0, field, "'" + t + "' is not a time such as 2026-01-31T12:00:00Z");
        }
    }

    /**
     * The record of a finished split fine-tuning run ({@code ./privtune train} or the Split
     * Training view): what it was asked, what it measured, the exported folder.
     */
    public static RunRecord training(String id, String source, Instant started, FineTuningRun.Request r,
            FineTuningRun.Result result) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("data", r.data());
        s.put("model", r.model().name());
        s.put("split", Integer.toString(r.split()));
        s.put("mechanism", r.mechanism() == null ? "none" : r.mechanism().toShortString());
        s.put("randomness", r.mechanism() == null ? "" : r.mechanism().randomnessLabel());
        s.put("epochs", Integer.toString(r.cfg().epochs()));
        s.put("batch", Integer.toString(r.cfg().batchSize()));
        s.put("learning rate", Float.toString(r.cfg().learningRate()));
        s.put("training sentences", r.trainLimit() == 0 ? "all" : Integer.toString(r.trainLimit()));
        s.put("max length", Integer.toString(r.maxLength()));
        s.put("seed", Long.toString(r.cfg().seed()));
        s.put("top model", result.endpoint());
        Map<String, Double> m = new LinkedHashMap<>();
        Metrics t = result.test();
        m.put("test_accuracy", t.accuracy());
        m.put("test_macro_f1", t.macroF1());
        m.put("test_loss", t.loss());
        m.put("test_sentences", (double) t.count());
        m.put("best_epoch", (double) result.report().bestEpoch());
        Metrics dev = result.report().bestDev();
        m.put("dev_accuracy", dev == null ? Double.NaN : dev.accuracy());
        m.put("examples_per_second", result.report().examplesPerSecond());
        m.put("requests", (double) result.requests());
        m.put("mb_sent", result.bytesSent() / 1e6);
        String message = String.format(Locale.ROOT, "test accuracy %.4f, macro-F1 %.4f (%s)", t.accuracy(),
                t.macroF1(), result.endpoint());
        return new RunRecord(id, RunRecord.TRAINING, source, started, Instant.now(), RunRecord.FINISHED,
                result.exported(), s, m, message);
    }

    /**
     * Records a finished training; says in {@code log} where, or why the history could not be
     * written (the run itself stands). Returns the record, or null when it was not written.
     */
    public RunRecord recordTraining(String source, Instant started, FineTuningRun.Request r, FineTuningRun.Result result,
            java.util.function.Consumer<String> log) {
        try {
            RunRecord rec = training(newId(RunRecord.TRAINING, started), source, started, r, result);
            log.accept("recorded in the runs history: " + write(rec));
            return rec;
        } catch (IOException | RuntimeException e) {
            log.accept("not recorded in the runs history (" + dir + "): " + e.getMessage());
            return null;
        }
    }
}
