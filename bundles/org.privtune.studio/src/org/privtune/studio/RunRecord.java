package org.privtune.studio;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of the history: a training or an experiment, its settings and metrics, and the folder it
 * wrote (the exported model, or the experiment folder). Stored as a small JSON file by
 * {@link RunHistory}; the format is in docs/user-guide.md (the runs history).
 *
 * @param id       unique within the history, also the file name ({@code <id>.json})
 * @param kind     {@link #TRAINING} or {@link #EXPERIMENT}
 * @param source   {@link #STUDIO} or {@link #COMMAND_LINE}
 * @param status   {@link #FINISHED}, {@link #CANCELLED} or {@link #FAILED}
 * @param folder   what the run wrote (null: nothing)
 * @param settings what the run was asked to do, by name, in display order
 * @param metrics  what it measured, by name, in display order (NaN: not measured)
 * @param message  one line for people (the result, or why it stopped)
 */
public record RunRecord(String id, String kind, String source, Instant started, Instant finished, String status,
        Path folder, Map<String, String> settings, Map<String, Double> metrics, String message) {

    public static final String TRAINING = "training";
    public static final String EXPERIMENT = "experiment";
    public static final String STUDIO = "studio";
    public static final String COMMAND_LINE = "command line";
    public static final String FINISHED = "finished";
    public static final String CANCELLED = "cancelled";
    public static final String FAILED = "failed";

    public RunRecord {
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        message = message == null ? "" : message;
    }

    /** A metric, or NaN when the run did not measure it. */
    public double metric(String name) {
        Double v = metrics.get(name);
        return v == null ? Double.NaN : v;
    }

    /** A setting, or "" when the run has none of that name. */
    public String setting(String name) {
        return settings.getOrDefault(name, "");
    }

    /** The same run with another status, end time and message (a resumed experiment that finished). */
    public RunRecord withOutcome(String newStatus, Instant end, Map<String, Double> newMetrics, String newMessage) {
        return new RunRecord(id, kind, source, started, end, newStatus, folder, settings, newMetrics, newMessage);
    }
}
