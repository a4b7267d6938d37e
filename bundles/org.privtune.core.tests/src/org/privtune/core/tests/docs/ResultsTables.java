package org.privtune.core.tests.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes the tables of docs/results.md and the chart docs/results/frontier-full.svg from the
 * experiment CSVs in docs/results, so that the page shows what the CSVs hold and nothing else.
 * Each table sits between two HTML comments in results.md:
 *
 * <pre>
 * &lt;!-- generated: NAME --&gt;
 * ...
 * &lt;!-- end generated: NAME --&gt;
 * </pre>
 *
 * The prose around them is written by hand. {@code ResultsTablesTest} fails when the committed
 * page or chart differs from what this class makes of the committed CSVs. To regenerate after
 * adding rows to a CSV (JDK only, no build needed):
 *
 * <pre>
 * releng/docs/results-tables.sh            # rewrite the tables and the chart
 * releng/docs/results-tables.sh --check    # exit status 1 and the names of stale tables
 * </pre>
 *
 * Numbers are means over the seeds of a setting (mechanism and eps); "±" is the sample standard
 * deviation over those seeds, as the experiment runner's summary.md gives it. Drops are in
 * accuracy points against the mean of {@code none} in the same CSV.
 */
public final class ResultsTables {

    public static final String RESULTS_MD = "docs/results.md";
    public static final String FULL_CSV = "docs/results/results-full.csv";
    public static final String GRID_CSV = "docs/results/results-grid-quick.csv";
    public static final String WIRE_CSV = "docs/results/results-wire-quick.csv";
    public static final String DATASETS_CSV = "docs/results/results-datasets-quick.csv";
    /** Rows of other models on the sentiment set; the {@code data} column names model and split. */
    public static final String MODELS_CSV = "docs/results/results-models-quick.csv";
    public static final String CHART = "docs/results/frontier-full.svg";

    /** The paper's target: at most this accuracy drop (points) ... */
    static final double TARGET_DROP = 3.33;
    /** ... at an inversion attack success of at most this. */
    static final double TARGET_ASR = 0.10;

    /** The options every coded privtune-swap setting shares, abbreviated "coded" in the tables. */
    static final List<String> CODED = List.of("keep=0.3", "n=3", "kept=canon", "poolcanon=1", "shuffle=1");
    static final String SWAP = "privtune-swap";
    static final List<String> BASELINES = List.of("dchi", "sap");

    private ResultsTables() {
    }

    // ---------------------------------------------------------------- data

    /** The rows of an experiment CSV (header names to cell text). */
    public record Csv(String name, List<Map<String, String>> rows) {

        public static Csv read(Path file) throws IOException {
            return parse(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
        }

        public static Csv parse(String name, String text) {
            List<List<String>> records = records(text);
            if (records.isEmpty()) {
                throw new IllegalArgumentException(name + ": no header");
            }
            List<String> header = records.get(0);
            List<Map<String, String>> rows = new ArrayList<>();
            for (int i = 1; i < records.size(); i++) {
                List<String> r = records.get(i);
                if (r.size() == 1 && r.get(0).isEmpty()) {
                    continue;
                }
                if (r.size() != header.size()) {
                    throw new IllegalArgumentException(name + ", record " + i + ": " + r.size() + " fields, header has "
                            + header.size());
                }
                Map<String, String> m = new LinkedHashMap<>();
                for (int c = 0; c < header.size(); c++) {
                    m.put(header.get(c), r.get(c));
                }
                rows.add(m);
            }
            return new Csv(name, rows);
        }

        private static List<List<String>> records(String text) {
            List<List<String>> out = new ArrayList<>();
            List<String> rec = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < text.length(); i++) {
                char ch = text.charAt(i);
                if (quoted) {
                    if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else if (ch == '"') {
                        quoted = false;
                    } else {
                        cell.append(ch);
                    }
                } else if (ch == '"') {
                    quoted = true;
                } else if (ch == ',') {
                    rec.add(cell.toString());
                    cell.setLength(0);
                } else if (ch == '\n' || ch == '\r') {
                    if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                        i++;
                    }
                    rec.add(cell.toString());
                    cell.setLength(0);
                    out.add(rec);
                    rec = new ArrayList<>();
                } else {
                    cell.append(ch);
                }
            }
            if (cell.length() > 0 || !rec.isEmpty()) {
                rec.add(cell.toString());
                out.add(rec);
            }
            return out;
        }

        /** Settings (mechanism and eps) in the order of their first row, each with its rows (one per seed). */
        public List<Group> groups() {
            Map<String, List<Map<String, String>>> by = new LinkedHashMap<>();
            for (Map<String, String> r : rows) {
                by.computeIfAbsent(r.get("mechanism") + "\u0000" + r.get("eps"), k -> new ArrayList<>()).add(r);
            }
            List<Group> out = new ArrayList<>();
            for (List<Map<String, String>> rs : by.values()) {
                out.add(new Group(rs.get(0).get("mechanism"), rs.get(0).get("eps"), rs));
            }
            return out;
        }
    }

    /** One setting: a mechanism (with its options) at one eps, over its seeds. */
    public record Group(String mechanism, String eps, List<Map<String, String>> rows) {

        int seeds() {
            return rows.size();
        }

        double epsValue() {
            return Double.parseDouble(eps);
        }

        boolean has(String column) {
            return rows.stream().anyMatch(r -> !r.getOrDefault(column, "").isEmpty());
        }

        /** Mean over the rows that have a value (NaN when none has). */
        double mean(String column) {
            double s = 0;
            int n = 0;
            for (Map<String, String> r : rows) {
                String v = r.getOrDefault(column, "");
                if (!v.isEmpty()) {
                    s += Double.parseDouble(v);
                    n++;
                }
            }
            return n == 0 ? Double.NaN : s / n;
        }

        /** Mean over the rows of the larger of two columns. */
        double meanMax(String a, String b) {
            double s = 0;
            for (Map<String, String> r : rows) {
                s += Math.max(Double.parseDouble(r.get(a)), Double.parseDouble(r.get(b)));
            }
            return s / rows.size();
        }

        /** Sample standard deviation over the rows (0 for one row). */
        double sd(String column) {
            if (rows.size() < 2) {
                return 0;
            }
            double m = mean(column);
            double ss = 0;
            for (Map<String, String> r : rows) {
                double d = Double.parseDouble(r.get(column)) - m;
                ss += d * d;
            }
            return Math.sqrt(ss / (rows.size() - 1));
        }
    }

    // ---------------------------------------------------------------- formatting

    static String f3(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String meanSd(Group g, String column) {
        return g.seeds() > 1 ? f3(g.mean(column)) + " ± " + f3(g.sd(column)) : f3(g.mean(column));
    }

    /** How a setting is named in the tables: privtune-swap's common coded options abbreviated. */
    static String label(String mechanism) {
        if (!mechanism.startsWith(SWAP + ":")) {
            return mechanism;
        }
        List<String> params = new ArrayList<>(List.of(mechanism.substring(SWAP.length() + 1).split(";")));
        if (params.containsAll(CODED)) {
            params.removeAll(CODED);
            return params.isEmpty() ? "coded" : "coded;" + String.join(";", params);
        }
        return mechanism;
    }

    static String epsCell(Group g) {
        return g.mechanism().equals("none") ? "-" : g.eps();
    }

    static Group none(Csv csv) {
        return csv.groups().stream().filter(g -> g.mechanism().equals("none")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(csv.name() + ": no 'none' rows"));
    }

    static double drop(Group none, Group g) {
        return 100 * (none.mean("accuracy") - g.mean("accuracy"));
    }

    // ---------------------------------------------------------------- tables

    /**
     * The settings of the full configuration that no other setting beats on both test accuracy
     * and inversion ASR (means over seeds), most accurate first.
     */
    static List<Group> pareto(Csv full) {
        List<Group> gs = new ArrayList<>(full.groups());
        gs.sort(Comparator.comparingDouble((Group g) -> -g.mean("accuracy"))
                .thenComparingDouble(g -> g.mean("inversion_asr")));
        List<Group> out = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (Group g : gs) {
            if (g.mean("inversion_asr") < best) {
                out.add(g);
                best = g.mean("inversion_asr");
            }
        }
        return out;
    }

    static String paretoTable(Csv full) {
        Group none = none(full);
        StringBuilder sb = new StringBuilder();
        sb.append("| setting | eps | seeds | test accuracy | drop (points) | A0 | A1 | A2 | A3 | A4 | **inversion ASR** | B1 source |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Group g : pareto(full)) {
            sb.append("| `").append(label(g.mechanism())).append("` | ").append(epsCell(g)).append(" | ")
                    .append(g.seeds()).append(" | ").append(meanSd(g, "accuracy")).append(" | ")
                    .append(g.mechanism().equals("none") ? "-" : f1(drop(none, g))).append(" | ")
                    .append(f3(g.mean("a0_top1"))).append(" | ").append(f3(g.mean("a1_top1"))).append(" | ")
                    .append(f3(g.mean("a2_top1"))).append(" | ").append(f3(g.mean("a3_top1"))).append(" | ")
                    .append(f3(g.mean("a4_top1"))).append(" | **").append(meanSd(g, "inversion_asr")).append("** | ")
                    .append(f3(g.mean("b1_source_acc"))).append(" |\n");
        }
        sb.append("\nMajority shares of the test sentences: source ").append(f3(none.mean("b1_source_majority")))
                .append(", length bucket ").append(f3(none.mean("b2_length_majority"))).append(", number/name ")
                .append(f3(none.mean("b3_number_name_majority"))).append(". ");
        sb.append(full.groups().size()).append(" settings, ").append(full.rows().size())
                .append(" runs in the CSV; drops against `none`, ").append(f3(none.mean("accuracy")))
                .append(" over ").append(none.seeds()).append(" seeds.\n");
        return sb.toString();
    }

    private static int familyRank(String mechanism) {
        return switch (mechanism) {
            case "dchi" -> 0;
            case "sap" -> 1;
            case "privtune" -> 2;
            default -> 3;
        };
    }

    /** The paper's mechanism (our formulation) and its baselines, every eps measured. */
    static String baselineTable(Csv full) {
        Group none = none(full);
        List<Group> gs = new ArrayList<>();
        for (Group g : full.groups()) {
            if (!g.mechanism().equals("none") && !g.mechanism().startsWith(SWAP)) {
                gs.add(g);
            }
        }
        gs.sort(Comparator.comparingInt((Group g) -> familyRank(g.mechanism())).thenComparing(Group::mechanism)
                .thenComparingDouble(Group::epsValue));
        StringBuilder sb = new StringBuilder();
        sb.append("| mechanism | eps | seeds | test accuracy | drop (points) | A1 plain | A1 aware | A2 | A3 | **inversion ASR** | B1 source |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        sb.append("| `none` | - | ").append(none.seeds()).append(" | ").append(meanSd(none, "accuracy")).append(" | - | ")
                .append(f3(none.meanMax("a1_plain_cos_top1", "a1_plain_l2_top1"))).append(" | ")
                .append(f3(none.meanMax("a1_aware_cos_top1", "a1_aware_l2_top1"))).append(" | ")
                .append(f3(none.mean("a2_top1"))).append(" | ").append(f3(none.mean("a3_top1"))).append(" | **")
                .append(f3(none.mean("inversion_asr"))).append("** | ").append(f3(none.mean("b1_source_acc")))
                .append(" |\n");
        for (Group g : gs) {
            sb.append("| `").append(g.mechanism()).append("` | ").append(g.eps()).append(" | ").append(g.seeds())
                    .append(" | ").append(meanSd(g, "accuracy")).append(" | ").append(f1(drop(none, g))).append(" | ")
                    .append(f3(g.meanMax("a1_plain_cos_top1", "a1_plain_l2_top1"))).append(" | ")
                    .append(f3(g.meanMax("a1_aware_cos_top1", "a1_aware_l2_top1"))).append(" | ")
                    .append(f3(g.mean("a2_top1"))).append(" | ").append(f3(g.mean("a3_top1"))).append(" | **")
                    .append(meanSd(g, "inversion_asr")).append("** | ").append(f3(g.mean("b1_source_acc")))
                    .append(" |\n");
        }
        return sb.toString();
    }

    /** A1 (strongest variant), A2 and A3 top-1, the attacks every mechanism faces. */
    static final List<String> ATTACKS = List.of("a1_top1", "a2_top1", "a3_top1");

    private record Point(double accuracy, double[] attacks) {
    }

    private record AtAccuracy(double[] attacks, String mark) {
    }

    private static AtAccuracy interpolate(List<Point> curve, double acc) {
        if (acc > curve.get(curve.size() - 1).accuracy()) {
            return new AtAccuracy(curve.get(curve.size() - 1).attacks(), ">");
        }
        if (acc < curve.get(0).accuracy()) {
            return new AtAccuracy(curve.get(0).attacks(), "<");
        }
        for (int i = 0; i + 1 < curve.size(); i++) {
            Point p0 = curve.get(i);
            Point p1 = curve.get(i + 1);
            if (p0.accuracy() <= acc && acc <= p1.accuracy()) {
                double t = p1.accuracy() == p0.accuracy() ? 0 : (acc - p0.accuracy()) / (p1.accuracy() - p0.accuracy());
                double[] v = new double[p0.attacks().length];
                for (int k = 0; k < v.length; k++) {
                    v[k] = p0.attacks()[k] + t * (p1.attacks()[k] - p0.attacks()[k]);
                }
                return new AtAccuracy(v, "");
            }
        }
        throw new AssertionError("accuracy " + acc + " not bracketed");
    }

    private static String triple(double[] v) {
        return f3(v[0]) + " / " + f3(v[1]) + " / " + f3(v[2]);
    }

    /**
     * At equal utility: for every privtune* setting, dchi's and sap's A1 / A2 / A3 interpolated
     * linearly at the setting's accuracy between their own settings (means over seeds); outside
     * their range the nearest end point, marked "&gt;" or "&lt;". The same computation as
     * releng/audit/equal_utility.py, which prints every row.
     */
    static String equalUtilityTable(Csv full) {
        Map<String, List<Point>> curves = new LinkedHashMap<>();
        for (String b : BASELINES) {
            curves.put(b, new ArrayList<>());
        }
        List<Group> settings = new ArrayList<>();
        for (Group g : full.groups()) {
            double[] att = ATTACKS.stream().mapToDouble(g::mean).toArray();
            if (curves.containsKey(g.mechanism())) {
                curves.get(g.mechanism()).add(new Point(g.mean("accuracy"), att));
            } else if (g.mechanism().startsWith("privtune")) {
                settings.add(g);
            }
        }
        for (Map.Entry<String, List<Point>> e : curves.entrySet()) {
            if (e.getValue().size() < 2) {
                throw new IllegalArgumentException(full.name() + ": need two " + e.getKey() + " settings");
            }
            e.getValue().sort(Comparator.comparingDouble(Point::accuracy));
        }
        settings.sort(Comparator.comparingDouble((Group g) -> -g.mean("accuracy")));
        StringBuilder failing = new StringBuilder();
        int lower = 0;
        int swapTotal = 0;
        int swapLower = 0;
        double minAcc = Double.POSITIVE_INFINITY;
        double maxAcc = Double.NEGATIVE_INFINITY;
        for (Group g : settings) {
            double acc = g.mean("accuracy");
            double[] own = ATTACKS.stream().mapToDouble(g::mean).toArray();
            boolean ok = true;
            List<String> cells = new ArrayList<>();
            for (String b : BASELINES) {
                AtAccuracy at = interpolate(curves.get(b), acc);
                for (int k = 0; k < own.length; k++) {
                    ok &= own[k] < at.attacks()[k];
                }
                cells.add(at.mark() + triple(at.attacks()));
            }
            boolean swap = g.mechanism().startsWith(SWAP);
            swapTotal += swap ? 1 : 0;
            if (ok) {
                lower++;
                swapLower += swap ? 1 : 0;
                minAcc = Math.min(minAcc, acc);
                maxAcc = Math.max(maxAcc, acc);
            } else {
                failing.append("| `").append(label(g.mechanism())).append("` | ").append(g.eps()).append(" | ")
                        .append(g.seeds()).append(" | ").append(f3(acc)).append(" | ").append(triple(own))
                        .append(" | ").append(cells.get(0)).append(" | ").append(cells.get(1)).append(" |\n");
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("**").append(lower).append(" of ").append(settings.size())
                .append(" settings** of `privtune` and `privtune-swap` have each of A1, A2 and A3 below both dchi's and sap's at their accuracy (")
                .append(swapLower).append(" of the ").append(swapTotal).append(" `privtune-swap` settings; accuracies ")
                .append(f3(minAcc)).append(" to ").append(f3(maxAcc)).append(").");
        if (failing.length() > 0) {
            sb.append(" Those that do not:\n\n");
            sb.append("| setting | eps | seeds | accuracy | A1 / A2 / A3 | dchi at that accuracy | sap at that accuracy |\n");
            sb.append("|---|---|---|---|---|---|---|\n");
            sb.append(failing);
        } else {
            sb.append('\n');
        }
        return sb.toString();
    }

    static final List<String> GRID_MECHANISMS = List.of("dchi", "sap", "gaussian", "santext", "privtune");

    /** The quick grid: test accuracy / inversion ASR per mechanism and eps, means over seeds. */
    static String gridTable(Csv grid) {
        Map<String, Map<Double, Group>> by = new LinkedHashMap<>();
        Set<Double> eps = new TreeSet<>();
        Set<Integer> seeds = new LinkedHashSet<>();
        for (Group g : grid.groups()) {
            if (GRID_MECHANISMS.contains(g.mechanism())) {
                by.computeIfAbsent(g.mechanism(), k -> new LinkedHashMap<>()).put(g.epsValue(), g);
                eps.add(g.epsValue());
                seeds.add(g.seeds());
            }
        }
        Group none = none(grid);
        StringBuilder sb = new StringBuilder("| accuracy / inversion ASR |");
        StringBuilder rule = new StringBuilder("|---|");
        for (double e : eps) {
            sb.append(" eps ").append(e == Math.rint(e) ? Long.toString((long) e) : Double.toString(e)).append(" |");
            rule.append("---|");
        }
        sb.append('\n').append(rule).append('\n');
        for (String m : GRID_MECHANISMS) {
            Map<Double, Group> row = by.get(m);
            if (row == null) {
                continue;
            }
            sb.append("| `").append(m).append("` |");
            for (double e : eps) {
                Group g = row.get(e);
                sb.append(g == null ? " - |" : " " + f2(g.mean("accuracy")) + " / " + f2(g.mean("inversion_asr")) + " |");
            }
            sb.append('\n');
        }
        sb.append("\n`none`: ").append(f3(none.mean("accuracy"))).append(" ± ").append(f3(none.sd("accuracy")))
                .append(" at ASR ").append(f3(none.mean("inversion_asr"))).append("; A0 (positions only) ")
                .append(f3(none.mean("a0_top1"))).append(". Seeds per cell: ")
                .append(seeds.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("-")).append(".\n");
        return sb.toString();
    }

    /**
     * The attacks on the rest of the wire, one row per setting: utility, the strongest token attack,
     * the special-row bag of words against its prior, the replay three ways and the length bucket
     * read off the mask against the majority.
     */
    static String wireTable(Csv wire) {
        StringBuilder sb = new StringBuilder("| data | setting | eps | accuracy | inversion ASR | S all (prior) "
                + "| S content (prior) | R known / wrong / secret | M_len (majority) |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, String> r : wire.rows()) {
            sb.append("| ").append(r.getOrDefault("data", "sentiment")).append(" | `").append(label(r.get("mechanism")))
                    .append("` | ").append(r.get("mechanism").startsWith("none") ? "-" : r.get("eps")).append(" | ")
                    .append(f3(num(r, "accuracy"))).append(" | ").append(f3(num(r, "inversion_asr"))).append(" | ")
                    .append(f3(num(r, "s_bow_precision"))).append(" (").append(f3(num(r, "s_bow_prior"))).append(") | ")
                    .append(f3(num(r, "s_bow_content_precision"))).append(" (")
                    .append(f3(num(r, "s_bow_content_prior"))).append(") | ")
                    .append(f3(num(r, "r_known_top1"))).append(" / ").append(f3(num(r, "r_wrong_top1"))).append(" / ")
                    .append(f3(num(r, "r_secret_top1"))).append(" | ").append(f3(num(r, "m_len_acc"))).append(" (")
                    .append(f3(num(r, "m_len_majority"))).append(") |\n");
        }
        return sb.toString();
    }

    private static double num(Map<String, String> row, String column) {
        String v = row.get(column);
        return v == null || v.isBlank() ? Double.NaN : Double.parseDouble(v);
    }

    /** Every generated block of results.md, by name, from the two CSVs. */
    public static Map<String, String> blocks(Csv full, Csv grid) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("pareto-full", paretoTable(full));
        m.put("baselines-full", baselineTable(full));
        m.put("equal-utility", equalUtilityTable(full));
        m.put("grid-quick", gridTable(grid));
        return m;
    }

    /** {@link #blocks(Csv, Csv)}, the wire audit's table and the data sets' tables. */
    public static Map<String, String> blocks(Csv full, Csv grid, Csv wire, Csv datasets) {
        Map<String, String> m = blocks(full, grid);
        m.put("wire-quick", wireTable(wire));
        m.put("datasets-quick", datasetsTable(datasets));
        m.put("datasets-target", datasetsTargetTable(datasets));
        return m;
    }

    /** {@link #blocks(Csv, Csv, Csv, Csv)} and the other models' tables. */
    public static Map<String, String> blocks(Csv full, Csv grid, Csv wire, Csv datasets, Csv models) {
        Map<String, String> m = blocks(full, grid, wire, datasets);
        m.put("models-quick", datasetsTable(models, "model, split"));
        m.put("models-target", datasetsTargetTable(models, "model, split"));
        return m;
    }

    /** Every block of the page from the CSVs under {@code root}. */
    static Map<String, String> blocks(Path root) throws IOException {
        return blocks(Csv.read(root.resolve(FULL_CSV)), Csv.read(root.resolve(GRID_CSV)),
                Csv.read(root.resolve(WIRE_CSV)), Csv.read(root.resolve(DATASETS_CSV)),
                Csv.read(root.resolve(MODELS_CSV)));
    }

    /** The rows of one data set (the {@code data} column), in file order. */
    static Csv dataset(Csv csv, String data) {
        return new Csv(csv.name() + ":" + data, csv.rows().stream().filter(r -> data.equals(r.get("data"))).toList());
    }

    static List<String> dataNames(Csv csv) {
        return csv.rows().stream().map(r -> r.get("data")).distinct().toList();
    }

    /** Largest accuracy gain of an attribute attack over its majority share (NaN where none ran). */
    private static double attributeGain(Group g) {
        double best = Double.NaN;
        for (String b : List.of("b1_source", "b2_length", "b3_number_name", "b4_mapped_column")) {
            double gain = g.mean(b + "_acc") - g.mean(b + "_majority");
            if (!Double.isNaN(gain) && (Double.isNaN(best) || gain > best)) {
                best = gain;
            }
        }
        return best;
    }

    /**
     * Every setting on every data set, means over seeds: accuracy and its drop from {@code none},
     * the strongest token attack (inversion ASR, replay included), the largest attribute gain over
     * the majority share, the special rows' content words against their prior, and the length
     * bucket read off the mask against its majority.
     */
    static String datasetsTable(Csv csv) {
        return datasetsTable(csv, "data");
    }

    /** {@link #datasetsTable(Csv)} with another title for the {@code data} column. */
    static String datasetsTable(Csv csv, String dataTitle) {
        StringBuilder sb = new StringBuilder("| " + dataTitle + " | setting | eps | seeds | accuracy | drop (points) | inversion ASR "
                + "| A1 | A2 | B gain | S content (prior) | M_len (majority) |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String data : dataNames(csv)) {
            Csv d = dataset(csv, data);
            Group none = none(d);
            for (Group g : d.groups()) {
                sb.append("| ").append(data).append(" | `").append(label(g.mechanism())).append("` | ")
                        .append(epsCell(g)).append(" | ").append(g.seeds()).append(" | ").append(meanSd(g, "accuracy"))
                        .append(" | ").append(g.mechanism().equals("none") ? "-" : f1(drop(none, g))).append(" | ")
                        .append(f3(g.mean("inversion_asr"))).append(" | ").append(f3(g.mean("a1_top1"))).append(" | ")
                        .append(f3(g.mean("a2_top1"))).append(" | ").append(f3(attributeGain(g))).append(" | ")
                        .append(f3(g.mean("s_bow_content_precision"))).append(" (")
                        .append(f3(g.mean("s_bow_content_prior"))).append(") | ").append(f3(g.mean("m_len_acc")))
                        .append(" (").append(f3(g.mean("m_len_majority"))).append(") |\n");
            }
        }
        return sb.toString();
    }

    /**
     * Per data set, the two readings of the paper's target: the smallest drop among settings whose
     * inversion ASR is at most {@value #TARGET_ASR}, and the lowest inversion ASR among settings at
     * most {@value #TARGET_DROP} points below {@code none}.
     */
    static String datasetsTargetTable(Csv csv) {
        return datasetsTargetTable(csv, "data");
    }

    /** {@link #datasetsTargetTable(Csv)} with another title for the {@code data} column. */
    static String datasetsTargetTable(Csv csv, String dataTitle) {
        StringBuilder sb = new StringBuilder("| " + dataTitle + " | `none` accuracy | smallest drop at ASR <= 0.10 | lowest ASR at "
                + "drop <= 3.33 | target met |\n|---|---|---|---|---|\n");
        for (String data : dataNames(csv)) {
            Csv d = dataset(csv, data);
            Group none = none(d);
            Group privateEnough = null;
            Group useful = null;
            for (Group g : d.groups()) {
                if (g.mechanism().equals("none")) {
                    continue;
                }
                if (g.mean("inversion_asr") <= TARGET_ASR
                        && (privateEnough == null || drop(none, g) < drop(none, privateEnough))) {
                    privateEnough = g;
                }
                if (drop(none, g) <= TARGET_DROP
                        && (useful == null || g.mean("inversion_asr") < useful.mean("inversion_asr"))) {
                    useful = g;
                }
            }
            boolean met = privateEnough != null && drop(none, privateEnough) <= TARGET_DROP;
            sb.append("| ").append(data).append(" | ").append(meanSd(none, "accuracy")).append(" | ")
                    .append(privateEnough == null ? "no setting"
                            : f1(drop(none, privateEnough)) + " points (`" + label(privateEnough.mechanism()) + "`, ASR "
                                    + f3(privateEnough.mean("inversion_asr")) + ")")
                    .append(" | ")
                    .append(useful == null ? "no setting that close"
                            : f3(useful.mean("inversion_asr")) + " (`" + label(useful.mechanism()) + "` "
                                    + epsCell(useful) + ", " + f1(drop(none, useful)) + " points)")
                    .append(" | ").append(met ? "yes" : "no").append(" |\n");
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- chart

    private static final double X0 = 0.45;
    private static final double X1 = 0.95;
    private static final int W = 760;
    private static final int H = 440;
    private static final int LEFT = 60;
    private static final int RIGHT = 560;
    private static final int TOP = 20;
    private static final int BOTTOM = 380;

    private static String x(double acc) {
        return f1(LEFT + (acc - X0) / (X1 - X0) * (RIGHT - LEFT));
    }

    private static String y(double asr) {
        return f1(BOTTOM - asr * (BOTTOM - TOP));
    }

    private static final Map<String, String> COLOURS = new LinkedHashMap<>();

    static {
        COLOURS.put("dchi", "#e08a00");
        COLOURS.put("sap", "#8a4fb0");
        COLOURS.put("privtune", "#c62828");
    }

    /**
     * Inversion ASR against test accuracy in the full configuration, one mark per setting (mean
     * over seeds): dchi, sap and privtune joined over eps, privtune-swap settings as dots, the
     * Pareto frontier as a line, the paper's target region and A0's floor for reference.
     */
    public static String chart(Csv full) {
        Group none = none(full);
        double target = none.mean("accuracy") - TARGET_DROP / 100;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H)
                .append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        s.append("<title>Inversion ASR against test accuracy, full configuration (").append(FULL_CSV)
                .append(")</title>\n");
        s.append("<rect width=\"").append(W).append("\" height=\"").append(H).append("\" fill=\"white\"/>\n");
        // target region: accuracy within 3.33 points of none, ASR at most 0.10
        s.append("<rect x=\"").append(x(target)).append("\" y=\"").append(y(TARGET_ASR)).append("\" width=\"")
                .append(f1(RIGHT - Double.parseDouble(x(target)))).append("\" height=\"")
                .append(f1(BOTTOM - Double.parseDouble(y(TARGET_ASR)))).append("\" fill=\"#c8e6c9\"/>\n");
        s.append("<text x=\"").append(RIGHT - 2).append("\" y=\"").append(f1(Double.parseDouble(y(TARGET_ASR)) - 6))
                .append("\" text-anchor=\"end\" fill=\"#2e7d32\">paper's target</text>\n");
        // grid and axes
        for (int i = 0; i <= 5; i++) {
            double a = 0.5 + 0.1 * i;
            if (a > X1 + 1e-9) {
                break;
            }
            s.append("<line x1=\"").append(x(a)).append("\" y1=\"").append(TOP).append("\" x2=\"").append(x(a))
                    .append("\" y2=\"").append(BOTTOM).append("\" stroke=\"#e0e0e0\"/>\n");
            s.append("<text x=\"").append(x(a)).append("\" y=\"").append(BOTTOM + 16)
                    .append("\" text-anchor=\"middle\">").append(f1(a)).append("</text>\n");
        }
        for (int i = 0; i <= 5; i++) {
            double v = 0.2 * i;
            s.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(y(v)).append("\" x2=\"").append(RIGHT)
                    .append("\" y2=\"").append(y(v)).append("\" stroke=\"#e0e0e0\"/>\n");
            s.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(f1(Double.parseDouble(y(v)) + 4))
                    .append("\" text-anchor=\"end\">").append(f1(v)).append("</text>\n");
        }
        s.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(RIGHT - LEFT)
                .append("\" height=\"").append(BOTTOM - TOP).append("\" fill=\"none\" stroke=\"#424242\"/>\n");
        s.append("<text x=\"").append((LEFT + RIGHT) / 2).append("\" y=\"").append(H - 22)
                .append("\" text-anchor=\"middle\">test accuracy</text>\n");
        s.append("<text x=\"16\" y=\"").append((TOP + BOTTOM) / 2).append("\" text-anchor=\"middle\" transform=\"rotate(-90 16 ")
                .append((TOP + BOTTOM) / 2).append(")\">inversion ASR (max top-1 of A0-A4)</text>\n");
        // A0 floor of a mechanism that keeps positions
        double a0 = none.mean("a0_top1");
        s.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(y(a0)).append("\" x2=\"").append(RIGHT)
                .append("\" y2=\"").append(y(a0)).append("\" stroke=\"#757575\" stroke-dasharray=\"2 3\"/>\n");
        s.append("<text x=\"").append(x(0.6)).append("\" y=\"").append(f1(Double.parseDouble(y(a0)) + 28))
                .append("\" fill=\"#616161\" font-size=\"11\">A0, positions only: ").append(f3(a0)).append("</text>\n");
        // the Pareto frontier
        StringBuilder pts = new StringBuilder();
        for (Group g : pareto(full)) {
            pts.append(pts.length() == 0 ? "" : " ").append(x(g.mean("accuracy"))).append(',')
                    .append(y(g.mean("inversion_asr")));
        }
        s.append("<polyline points=\"").append(pts)
                .append("\" fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>\n");
        // privtune-swap settings and the other privtune variants
        for (Group g : full.groups()) {
            if (g.mechanism().startsWith(SWAP)) {
                s.append("<circle cx=\"").append(x(g.mean("accuracy"))).append("\" cy=\"")
                        .append(y(g.mean("inversion_asr"))).append("\" r=\"3\" fill=\"#1565c0\" fill-opacity=\"0.6\"/>\n");
            } else if (g.mechanism().startsWith("privtune:")) {
                s.append("<circle cx=\"").append(x(g.mean("accuracy"))).append("\" cy=\"")
                        .append(y(g.mean("inversion_asr"))).append("\" r=\"4\" fill=\"white\" stroke=\"")
                        .append(COLOURS.get("privtune")).append("\" stroke-width=\"1.5\"/>\n");
            }
        }
        // dchi, sap, privtune over eps
        for (Map.Entry<String, String> c : COLOURS.entrySet()) {
            List<Group> line = new ArrayList<>();
            for (Group g : full.groups()) {
                if (g.mechanism().equals(c.getKey())) {
                    line.add(g);
                }
            }
            line.sort(Comparator.comparingDouble(Group::epsValue));
            StringBuilder p = new StringBuilder();
            for (Group g : line) {
                p.append(p.length() == 0 ? "" : " ").append(x(g.mean("accuracy"))).append(',')
                        .append(y(g.mean("inversion_asr")));
            }
            s.append("<polyline points=\"").append(p).append("\" fill=\"none\" stroke=\"").append(c.getValue())
                    .append("\" stroke-width=\"2\"/>\n");
            for (Group g : line) {
                s.append("<circle cx=\"").append(x(g.mean("accuracy"))).append("\" cy=\"")
                        .append(y(g.mean("inversion_asr"))).append("\" r=\"4\" fill=\"").append(c.getValue())
                        .append("\"/>\n");
                s.append("<text x=\"").append(f1(Double.parseDouble(x(g.mean("accuracy"))) + 6)).append("\" y=\"")
                        .append(f1(Double.parseDouble(y(g.mean("inversion_asr"))) + 14)).append("\" fill=\"")
                        .append(c.getValue()).append("\" font-size=\"10\">").append(g.eps()).append("</text>\n");
            }
        }
        s.append("<rect x=\"").append(f1(Double.parseDouble(x(none.mean("accuracy"))) - 4)).append("\" y=\"")
                .append(f1(Double.parseDouble(y(none.mean("inversion_asr"))) - 4))
                .append("\" width=\"8\" height=\"8\" fill=\"black\"/>\n");
        // legend
        int lx = RIGHT + 20;
        int ly = TOP + 10;
        String[][] legend = {
            {"square", "black", "none (no mechanism)"},
            {"line", COLOURS.get("dchi"), "dchi, eps as labelled"},
            {"line", COLOURS.get("sap"), "sap, eps as labelled"},
            {"line", COLOURS.get("privtune"), "privtune, eps as labelled"},
            {"ring", COLOURS.get("privtune"), "privtune variants"},
            {"dot", "#1565c0", "privtune-swap settings"},
            {"dash", "#1565c0", "Pareto frontier"},
        };
        for (String[] e : legend) {
            switch (e[0]) {
                case "square" -> s.append("<rect x=\"").append(lx).append("\" y=\"").append(ly - 4)
                        .append("\" width=\"8\" height=\"8\" fill=\"").append(e[1]).append("\"/>\n");
                case "line" -> s.append("<line x1=\"").append(lx - 4).append("\" y1=\"").append(ly).append("\" x2=\"")
                        .append(lx + 12).append("\" y2=\"").append(ly).append("\" stroke=\"").append(e[1])
                        .append("\" stroke-width=\"2\"/>\n");
                case "ring" -> s.append("<circle cx=\"").append(lx + 4).append("\" cy=\"").append(ly)
                        .append("\" r=\"4\" fill=\"white\" stroke=\"").append(e[1]).append("\" stroke-width=\"1.5\"/>\n");
                case "dot" -> s.append("<circle cx=\"").append(lx + 4).append("\" cy=\"").append(ly)
                        .append("\" r=\"3\" fill=\"").append(e[1]).append("\" fill-opacity=\"0.6\"/>\n");
                default -> s.append("<line x1=\"").append(lx - 4).append("\" y1=\"").append(ly).append("\" x2=\"")
                        .append(lx + 12).append("\" y2=\"").append(ly).append("\" stroke=\"").append(e[1])
                        .append("\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>\n");
            }
            s.append("<text x=\"").append(lx + 20).append("\" y=\"").append(ly + 4).append("\">").append(e[2])
                    .append("</text>\n");
            ly += 20;
        }
        s.append("</svg>\n");
        return s.toString();
    }

    // ---------------------------------------------------------------- page

    static String begin(String name) {
        return "<!-- generated: " + name + " -->";
    }

    static String end(String name) {
        return "<!-- end generated: " + name + " -->";
    }

    /** The page with every block replaced; a block whose markers are missing is an error naming it. */
    public static String apply(String page, Map<String, String> blocks) {
        String out = page;
        for (Map.Entry<String, String> b : blocks.entrySet()) {
            String open = begin(b.getKey());
            String close = end(b.getKey());
            int i = out.indexOf(open);
            int j = out.indexOf(close);
            if (i < 0 || j < i || out.indexOf(open, i + 1) >= 0) {
                throw new IllegalArgumentException(RESULTS_MD + ": needs exactly one '" + open + "' followed by '"
                        + close + "'");
            }
            out = out.substring(0, i + open.length()) + "\n" + b.getValue() + out.substring(j);
        }
        return out;
    }

    /** The names of the blocks (and "chart") whose committed text differs from what the CSVs give. */
    public static List<String> stale(Path root) throws IOException {
        Csv full = Csv.read(root.resolve(FULL_CSV));
        Map<String, String> blocks = blocks(root);
        String page = Files.readString(root.resolve(RESULTS_MD), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> b : blocks.entrySet()) {
            String one = apply(page, Map.of(b.getKey(), b.getValue()));
            if (!one.equals(page)) {
                out.add(b.getKey());
            }
        }
        Path chart = root.resolve(CHART);
        if (!Files.isRegularFile(chart) || !Files.readString(chart, StandardCharsets.UTF_8).equals(chart(full))) {
            out.add("chart " + CHART);
        }
        return out;
    }

    /** Rewrites the blocks of results.md and the chart. */
    public static void write(Path root) throws IOException {
        Csv full = Csv.read(root.resolve(FULL_CSV));
        Path md = root.resolve(RESULTS_MD);
        Files.writeString(md, apply(Files.readString(md, StandardCharsets.UTF_8), blocks(root)), StandardCharsets.UTF_8);
        Files.writeString(root.resolve(CHART), chart(full), StandardCharsets.UTF_8);
    }

    /** The repository's root: {@code dir} or the nearest folder above it holding docs/results.md. */
    public static Path root(Path dir) {
        String prop = System.getProperty("privtune.repo.root");
        if (prop != null) {
            return Path.of(prop).toAbsolutePath();
        }
        for (Path d = dir.toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve(RESULTS_MD)) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d;
            }
        }
        throw new IllegalStateException("no folder at or above " + dir.toAbsolutePath() + " holds " + RESULTS_MD);
    }

    /** {@code [--check] [repository root]}: rewrites, or with --check reports stale tables (exit status 1). */
    public static void main(String[] args) throws IOException {
        boolean check = false;
        Path start = Path.of("");
        for (String a : args) {
            if (a.equals("--check")) {
                check = true;
            } else {
                start = Path.of(a);
            }
        }
        Path root = root(start);
        if (check) {
            List<String> stale = stale(root);
            if (!stale.isEmpty()) {
                System.err.println("stale in " + RESULTS_MD + " (regenerate with releng/docs/results-tables.sh): "
                        + String.join(", ", stale));
                System.exit(1);
            }
            System.out.println(RESULTS_MD + " and " + CHART + " are what the CSVs give");
        } else {
            write(root);
            System.out.println("wrote the tables of " + RESULTS_MD + " and " + CHART);
        }
    }
}
