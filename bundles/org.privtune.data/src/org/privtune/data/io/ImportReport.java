package org.privtune.data.io;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What an import did: the format and columns it used, how many records it took, and warnings
 * that did not stop it (duplicates, skipped blank lines).
 *
 * @param duplicates            records whose text and label repeat an earlier record
 * @param conflictingDuplicates records whose text repeats an earlier record with another label
 * @param droppedDuplicates     duplicates removed because the options asked for it
 * @param effectiveOptions      options that import the same file the same way again, with every
 *                              detected choice (format, header row, columns) made explicit
 */
public record ImportReport(Path file, DataFormat format, String mapping, ImportOptions effectiveOptions, int records, int blankLinesSkipped,
        int duplicates, int conflictingDuplicates, int droppedDuplicates, Map<String, Integer> countsPerLabel,
        List<String> warnings) {

    public ImportReport {
        countsPerLabel = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(countsPerLabel));
        warnings = List.copyOf(warnings);
    }

    /** A few lines for a console or a dialog. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("Imported ").append(records).append(" records from ").append(file.getFileName())
                .append(" (").append(format).append("; ").append(mapping).append(")\n");
        sb.append("Labels: ").append(countsPerLabel).append('\n');
        for (String w : warnings) {
            sb.append("Warning: ").append(w).append('\n');
        }
        return sb.toString();
    }
}
