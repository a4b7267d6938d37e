package org.privtune.data.io;

import java.nio.file.Path;
import java.util.Locale;

/** File formats the importer reads. */
public enum DataFormat {
    /** Comma-separated values, RFC 4180 quoting. */
    CSV,
    /** Tab-separated values; double quotes enclose a field when it starts with one. */
    TSV,
    /** A JSON array of objects, or JSON Lines (one object per line): told apart by the first character. */
    JSON,
    /** One record per line: the label, a tab, the text. */
    LABEL_TAB_TEXT,
    /** Weka ARFF with a string attribute for the text and a nominal one for the label. */
    ARFF;

    /** The format implied by a file name's extension, or null when the extension is not known. */
    public static DataFormat fromFileName(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".gz")) {
            n = n.substring(0, n.length() - 3);
        }
        if (n.endsWith(".csv")) {
            return CSV;
        }
        if (n.endsWith(".tsv") || n.endsWith(".tab")) {
            return TSV;
        }
        if (n.endsWith(".json") || n.endsWith(".jsonl") || n.endsWith(".ndjson")) {
            return JSON;
        }
        if (n.endsWith(".txt")) {
            return LABEL_TAB_TEXT;
        }
        if (n.endsWith(".arff")) {
            return ARFF;
        }
        return null;
    }
}
