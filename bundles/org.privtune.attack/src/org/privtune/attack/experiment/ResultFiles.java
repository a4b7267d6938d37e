package org.privtune.attack.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.privtune.core.InvalidInputException;
import org.privtune.data.DataDirectory;
import org.privtune.mechanism.MechanismSpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The files of an experiment folder: {@code settings/<key>.json} (one per finished setting,
 * written atomically: its presence is what makes a setting finished), {@code results.csv} (one
 * row per setting and seed, every metric), {@code results.json} and {@code summary.md} (mean +-
 * std over seeds per mechanism and eps).
 */
public final class ResultFiles {

    public static final String SETTINGS_DIR = "settings";
    public static final String CSV = "results.csv";
    public static final String JSON = "results.json";
    public static final String SUMMARY = "summary.md";

    /** RFC 4180 with Unix line ends, as the readers of results.csv (releng/audit, releng/docs) take it. */
    private static final CSVFormat CSV_FORMAT = CSVFormat.RFC4180.builder().setRecordSeparator('\n').build();

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public ResultFiles(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path settingFile(Setting s) {
        return dir.resolve(SETTINGS_DIR).resolve(s.key() + ".json");
    }

    public boolean isFinished(Setting s) {
        return Files.isRegularFile(settingFile(s));
    }

    public void writeSetting(SettingResult r) throws IOException {
        writeAtomically(settingFile(r.setting()), MAPPER.writeValueAsBytes(toJson(r)));
    }

    /** Every finished setting in the folder, sorted by mechanism, eps and seed. */
    public List<SettingResult> readAll() throws IOException {
        List<SettingResult> out = new ArrayList<>();
        Path sd = dir.resolve(SETTINGS_DIR);
        if (!Files.isDirectory(sd)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(sd, "*.json")) {
            for (Path f : ds) {
                out.add(fromJson(MAPPER.readTree(f.toFile()), f));
            }
        }
        out.sort((a, b) -> {
            int c = a.setting().mechanism().compareTo(b.setting().mechanism());
            if (c == 0) {
                c = Double.compare(a.setting().eps(), b.setting().eps());
            }
            return c != 0 ? c : Integer.compare(a.setting().seed(), b.setting().seed());
        });
        return out;
    }

    static ObjectNode toJson(SettingResult r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("key", r.setting().key());
        o.put("mechanism", r.setting().mechanism());
        o.put("eps", r.setting().eps());
        o.put("seed", r.setting().seed());
        o.put("spec", r.spec());
        ObjectNode m = o.putObject("metrics");
        for (Map.Entry<String, Double> e : r.metrics().entrySet()) {
            if (e.getValue() == null || e.getValue().isNaN()) {
                m.putNull(e.getKey());
            } else {
                m.put(e.getKey(), e.getValue());
            }
        }
        return o;
    }

    static SettingResult fromJson(JsonNode o, Path source) {
        if (o == null || !o.hasNonNull("mechanism") || !o.has("eps") || !o.has("seed") || !o.has("metrics")) {
            throw new InvalidInputException(source.toString(), 0, "mechanism/eps/seed/metrics", "missing field");
        }
        Map<String, Double> m = new LinkedHashMap<>();
        o.get("metrics").fields().forEachRemaining(e -> m.put(e.getKey(),
                e.getValue().isNull() ? Double.NaN : e.getValue().asDouble()));
        return new SettingResult(new Setting(o.get("mechanism").asText(), o.get("eps").asDouble(),
                o.get("seed").asInt()), o.path("spec").asText(""), m);
    }

    /** Rewrites results.csv, results.json and summary.md from the given results. */
    public void writeTables(List<SettingResult> results, String command) throws IOException {
        writeAtomically(dir.resolve(CSV), csv(results).getBytes(StandardCharsets.UTF_8));

        ObjectNode root = MAPPER.createObjectNode();
        root.put("command", command);
        ArrayNode rows = root.putArray("results");
        for (SettingResult r : results) {
            rows.add(toJson(r));
        }
        ArrayNode groups = root.putArray("summary");
        for (Group g : groups(results)) {
            ObjectNode go = groups.addObject();
            go.put("mechanism", g.mechanism);
            go.put("eps", g.eps);
            go.put("seeds", g.members.size());
            for (String k : Metrics.ALL) {
                double[] ms = g.meanStd(k);
                ObjectNode mo = go.putObject(k);
                putNumber(mo, "mean", ms[0]);
                putNumber(mo, "std", ms[1]);
            }
        }
        writeAtomically(dir.resolve(JSON), MAPPER.writeValueAsBytes(root));
        writeAtomically(dir.resolve(SUMMARY), summary(results, command).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * results.csv: a header row, then one row per setting and seed; metrics with 6 significant
     * digits, empty when not measured; quoted where a value needs it (every spec has commas).
     */
    static String csv(List<SettingResult> results) throws IOException {
        StringBuilder out = new StringBuilder();
        try (CSVPrinter csv = new CSVPrinter(out, CSV_FORMAT)) {
            List<String> header = new ArrayList<>(List.of("mechanism", "eps", "seed", "spec"));
            header.addAll(Metrics.ALL);
            csv.printRecord(header);
            for (SettingResult r : results) {
                List<String> row = new ArrayList<>(List.of(r.setting().mechanism(), Setting.fmt(r.setting().eps()),
                        Integer.toString(r.setting().seed()), r.spec()));
                for (String k : Metrics.ALL) {
                    double v = r.metric(k);
                    row.add(Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v));
                }
                csv.printRecord(row);
            }
        }
        return out.toString();
    }

    private static void putNumber(ObjectNode o, String k, double v) {
        if (Double.isNaN(v)) {
            o.putNull(k);
        } else {
            o.put(k, v);
        }
    }

    /** The settings of one mechanism and eps over seeds. */
    public static final class Group {
        final String mechanism;
        final double eps;
        final List<SettingResult> members = new ArrayList<>();

        Group(String mechanism, double eps) {
            this.mechanism = mechanism;
            this.eps = eps;
        }

        public String mechanism() {
            return mechanism;
        }

        public double eps() {
            return eps;
        }

        public List<SettingResult> members() {
            return members;
        }

        /** Mean and sample standard deviation of a metric over the members (NaN values skipped). */
        public double[] meanStd(String metric) {
            double s = 0;
            int n = 0;
            for (SettingResult r : members) {
                double v = r.metric(metric);
                if (!Double.isNaN(v)) {
                    s += v;
                    n++;
                }
            }
            if (n == 0) {
                return new double[] {Double.NaN, Double.NaN};
            }
            double mean = s / n;
            double ss = 0;
            for (SettingResult r : members) {
                double v = r.metric(metric);
                if (!Double.isNaN(v)) {
                    ss += (v - mean) * (v - mean);
                }
            }
            return new double[] {mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0};
        }
    }

    /** Results grouped by mechanism and eps, in the order of first appearance. */
    public static List<Group> groups(List<SettingResult> results) {
        Map<String, Group> g = new LinkedHashMap<>();
        for (SettingResult r : results) {
            g.computeIfAbsent(r.setting().group(), x -> new Group(r.setting().mechanism(), r.setting().eps()))
                    .members.add(r);
        }
        return new ArrayList<>(g.values());
    }

    static String summary(List<SettingResult> results, String command) {
        StringBuilder sb = new StringBuilder("# Experiment summary\n\n");
        sb.append("Command: `").append(command).append("`\n\n");
        sb.append("Mean +- std over seeds. Accuracy is test accuracy after split fine-tuning; a1 is the strongest "
                + "nearest-neighbour variant (plain/aware, cosine/L2), a1 aware cos the mechanism-aware cosine variant, "
                + "a2 the learned MLP inversion, a3 the optimisation inversion (on a subsample), a4 the substitution "
                + "inversion (text-level mechanisms only), a0 the position prior (reads no representation), inversion "
                + "ASR the largest top-1 of A0-A4 and of the replay against secret randomness (r_secret); b1-b3 "
                + "attribute-inference accuracy (majority baseline in brackets); s_bow content the bag of content "
                + "words read from the special rows (precision@n; the prior's in results.csv); m_len the length "
                + "bucket read off the attention mask.\n\n"
                + "Randomness: every row ran with a fixed seed (" + MechanismSpec.FIXED_SEED_LABEL
                + "), so that it can be repeated; r_secret_top1 replays the secret randomness the product uses.\n\n");
        sb.append("| setting | seeds |");
        for (String k : Metrics.SUMMARY) {
            sb.append(' ').append(k).append(" |");
        }
        sb.append("\n|---|---|");
        sb.append("---|".repeat(Metrics.SUMMARY.size()));
        sb.append('\n');
        for (Group g : groups(results)) {
            sb.append("| ").append(g.members.get(0).setting().group()).append(" | ").append(g.members.size())
                    .append(" |");
            for (String k : Metrics.SUMMARY) {
                double[] ms = g.meanStd(k);
                sb.append(' ').append(Double.isNaN(ms[0]) ? "-"
                        : String.format(Locale.ROOT, k.equals(Metrics.NOISE_NORM) ? "%.1f +- %.1f" : "%.3f +- %.3f",
                                ms[0], ms[1]));
                String base = switch (k) {
                    case Metrics.B1_ACC -> Metrics.B1_MAJORITY;
                    case Metrics.B2_ACC -> Metrics.B2_MAJORITY;
                    case Metrics.B3_ACC -> Metrics.B3_MAJORITY;
                    default -> null;
                };
                if (base != null && !Double.isNaN(g.meanStd(base)[0])) {
                    sb.append(String.format(Locale.ROOT, " (%.3f)", g.meanStd(base)[0]));
                }
                sb.append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Through the data bundle's temporary-file-and-rename writer: no half-written file is ever trusted. */
    static void writeAtomically(Path target, byte[] content) throws IOException {
        DataDirectory.writeAtomically(target, out -> out.write(content));
    }
}
