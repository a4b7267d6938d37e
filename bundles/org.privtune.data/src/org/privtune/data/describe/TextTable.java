package org.privtune.data.describe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Plain-text tables: columns padded to their widest cell, numbers right-aligned. */
public final class TextTable {

    private TextTable() {
    }

    /**
     * Appends a header, a rule and the rows, indented by two spaces; columns from
     * {@code firstNumeric} on are right-aligned (0: none).
     */
    public static void append(StringBuilder sb, List<String> header, List<List<String>> rows, int firstNumeric) {
        int[] width = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            width[i] = header.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        line(sb, header, width, firstNumeric);
        List<String> rule = new ArrayList<>();
        for (int w : width) {
            rule.add("-".repeat(w));
        }
        line(sb, rule, width, firstNumeric);
        for (List<String> r : rows) {
            line(sb, r, width, firstNumeric);
        }
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width, int firstNumeric) {
        StringBuilder line = new StringBuilder("  ");
        for (int i = 0; i < cells.size(); i++) {
            boolean right = firstNumeric > 0 && i >= firstNumeric;
            line.append(String.format(Locale.ROOT, "%" + (right ? "" : "-") + width[i] + "s  ", cells.get(i)));
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }
}
