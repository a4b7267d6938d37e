package org.privtune.data.describe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.privtune.data.DatasetSplit;

/** Renders a {@link DatasetDescription} as plain-text tables for a terminal or a log. */
public final class DescriptionTable {

    private static final int BAR_WIDTH = 40;

    private DescriptionTable() {
    }

    public static String render(DatasetDescription d) {
        StringBuilder sb = new StringBuilder();
        sb.append("Data set: ").append(d.dataset()).append(" (").append(d.records()).append(" records, ")
                .append(d.labels().size()).append(" labels)\n\n");

        List<String> header = new ArrayList<>(List.of("label", "records", "share"));
        boolean split = !d.countsPerSplit().isEmpty();
        if (split) {
            for (DatasetSplit.Part p : DatasetSplit.Part.values()) {
                header.add(p.displayName());
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (String label : d.labels()) {
            int c = d.countsPerLabel().get(label);
            List<String> row = new ArrayList<>(List.of(label, Integer.toString(c), percent(c / (double) d.records())));
            if (split) {
                for (DatasetSplit.Part p : DatasetSplit.Part.values()) {
                    row.add(Integer.toString(d.countsPerSplit().get(p).getOrDefault(label, 0)));
                }
            }
            rows.add(row);
        }
        List<String> total = new ArrayList<>(List.of("total", Integer.toString(d.records()), percent(1)));
        if (split) {
            for (DatasetSplit.Part p : DatasetSplit.Part.values()) {
                total.add(Integer.toString(d.countsPerSplit().get(p).values().stream().mapToInt(Integer::intValue).sum()));
            }
        }
        rows.add(total);
        TextTable.append(sb, header, rows, 1);

        sb.append('\n');
        TextTable.append(sb, List.of("length", "min", "median", "mean", "p95", "max"), List.of(
                stats("characters", d.textLengthChars()), stats("tokens", d.tokenLength())), 1);
        sb.append(String.format(Locale.ROOT, "%nTruncated at %d tokens: %s of texts%n", d.maxTokens(),
                percent(d.truncatedShare())));
        sb.append(String.format(Locale.ROOT, "Tokens: %d, of which %s %d (%s): vocabulary covers %s%n", d.tokens(),
                d.unknownToken(), d.unknownTokens(), percent(d.unknownShare()), percent(1 - d.unknownShare())));

        sb.append("\nToken length histogram\n");
        histogram(sb, d.tokenLength());
        sb.append("\nText length histogram (characters)\n");
        histogram(sb, d.textLengthChars());

        sb.append("\nMost frequent tokens per label\n");
        tokens(sb, d.topTokens());
        sb.append("\nMost distinctive tokens per label\n");
        tokens(sb, d.distinctiveTokens());

        if (!d.attributeCounts().isEmpty()) {
            sb.append("\nAttributes\n");
            List<List<String>> attrRows = new ArrayList<>();
            for (Map.Entry<String, Map<String, Integer>> a : d.attributeCounts().entrySet()) {
                int sum = a.getValue().values().stream().mapToInt(Integer::intValue).sum();
                int max = a.getValue().values().stream().mapToInt(Integer::intValue).max().orElse(0);
                String values = a.getValue().size() > 8 ? a.getValue().size() + " distinct values"
                        : a.getValue().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                                .collect(Collectors.joining(", "));
                attrRows.add(List.of(a.getKey(), values, percent(sum == 0 ? 0 : max / (double) sum)));
            }
            TextTable.append(sb, List.of("attribute", "values", "majority"), attrRows, 0);
        }
        return sb.toString();
    }

    private static List<String> stats(String name, Histogram h) {
        return List.of(name, Integer.toString(h.min()), Integer.toString(h.median()),
                String.format(Locale.ROOT, "%.1f", h.mean()), Integer.toString(h.p95()), Integer.toString(h.max()));
    }

    private static void histogram(StringBuilder sb, Histogram h) {
        int max = h.bins().stream().mapToInt(Histogram.Bin::count).max().orElse(0);
        int labelWidth = h.bins().stream().mapToInt(b -> b.label().length()).max().orElse(1);
        int countWidth = Integer.toString(max).length();
        for (Histogram.Bin b : h.bins()) {
            int len = max == 0 ? 0 : (int) Math.round(BAR_WIDTH * b.count() / (double) max);
            sb.append(String.format(Locale.ROOT, "  %" + labelWidth + "s | %" + countWidth + "d %s", b.label(),
                    b.count(), "#".repeat(len)).stripTrailing()).append('\n');
        }
    }

    private static void tokens(StringBuilder sb, Map<String, List<DatasetDescription.TokenCount>> perLabel) {
        int w = perLabel.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Map.Entry<String, List<DatasetDescription.TokenCount>> e : perLabel.entrySet()) {
            sb.append(String.format(Locale.ROOT, "  %-" + w + "s  ", e.getKey()));
            sb.append(e.getValue().stream().map(t -> t.token() + " (" + t.count() + ")").collect(Collectors.joining(", ")));
            sb.append('\n');
        }
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }
}
