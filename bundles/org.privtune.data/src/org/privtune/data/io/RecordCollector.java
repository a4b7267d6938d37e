package org.privtune.data.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.Record;

/**
 * Turns raw rows (column name to value) into validated records, whatever the file format: every
 * check that is the same for CSV, JSON, ARFF and the rest lives here. Nothing is published until
 * {@link #finish}, so an error anywhere leaves no partial data set.
 */
final class RecordCollector {

    private static final int CHECK_EVERY = 1024;

    /**
     * Texts longer than this many characters are reported: the encoder reads at most 512 word
     * pieces (a few thousand characters), so such a field is usually a column or quoting mistake.
     */
    static final int HUGE_TEXT_CHARS = 100_000;

    /** Labels with a single record are reported from this many records on (smaller files are trials). */
    static final int SINGLE_LABEL_MIN_RECORDS = 10;

    private final String sourceName;
    private final ColumnMapping.Resolved cols;
    private final boolean dropDuplicates;
    private final Progress progress;
    private final LongSupplier bytesRead;
    private final List<Record> records = new ArrayList<>();
    private final Map<String, Long> lineOfText = new HashMap<>();
    private final Map<String, String> labelOfText = new HashMap<>();
    private final Map<String, Long> lineOfId = new HashMap<>();
    private final List<String> duplicateExamples = new ArrayList<>();
    private final List<String> conflictExamples = new ArrayList<>();
    private final List<String> hugeExamples = new ArrayList<>();
    private final Map<String, Long> firstLineOfLabel = new HashMap<>();
    private int huge;
    private long rowCount;
    private int duplicates;
    private int conflicts;
    private int dropped;
    private int blankLines;
    private long reportedKb;

    RecordCollector(String sourceName, ColumnMapping.Resolved cols, boolean dropDuplicates, Progress progress,
            LongSupplier bytesRead) {
        this.sourceName = sourceName;
        this.cols = cols;
        this.dropDuplicates = dropDuplicates;
        this.progress = progress;
        this.bytesRead = bytesRead;
    }

    ColumnMapping.Resolved columns() {
        return cols;
    }

    void blankLine() {
        blankLines++;
    }

    /** Validates one row read from {@code line} and keeps it. */
    void add(long line, Map<String, String> row) {
        rowCount++;
        if (rowCount % CHECK_EVERY == 0) {
            progress.checkCancelled();
            long kb = bytesRead.getAsLong() / 1024;
            progress.worked((int) (kb - reportedKb));
            reportedKb = kb;
        }
        String text = row.get(cols.text());
        if (text == null) {
            throw new InvalidInputException(sourceName, line, cols.text(),
                    "the text is missing; expected a non-empty text in every record");
        }
        text = text.strip();
        if (text.isEmpty()) {
            throw new InvalidInputException(sourceName, line, cols.text(),
                    "the text is empty; expected a non-empty text in every record (delete the record or fill it in)");
        }
        String label = row.get(cols.label());
        label = label == null ? "" : label.strip();
        if (label.isEmpty()) {
            throw new InvalidInputException(sourceName, line, cols.label(),
                    "the label is missing; expected a class name in every record");
        }
        if (text.length() > HUGE_TEXT_CHARS) {
            huge++;
            example(hugeExamples, String.format(java.util.Locale.ROOT, "line %d (%,d characters)", line, text.length()));
        }
        firstLineOfLabel.putIfAbsent(label, line);
        String id;
        if (cols.id() != null) {
            id = row.get(cols.id());
            id = id == null ? "" : id.strip();
            if (id.isEmpty()) {
                throw new InvalidInputException(sourceName, line, cols.id(),
                        "the id is missing; expected a unique id in every record");
            }
            Long earlier = lineOfId.putIfAbsent(id, line);
            if (earlier != null) {
                throw new InvalidInputException(sourceName, line, cols.id(),
                        "id '" + id + "' was already used on line " + earlier + "; expected unique ids");
            }
        } else {
            id = Long.toString(rowCount);
        }
        String source = cols.source() == null ? null : blankToNull(row.get(cols.source()));
        Map<String, String> attrs = new LinkedHashMap<>();
        for (String a : cols.attributes()) {
            String v = blankToNull(row.get(a));
            if (v != null) {
                attrs.put(a, v);
            }
        }
        Long firstLine = lineOfText.putIfAbsent(text, line);
        if (firstLine != null) {
            String firstLabel = labelOfText.get(text);
            if (firstLabel.equals(label)) {
                duplicates++;
                example(duplicateExamples, "line " + line + " repeats line " + firstLine);
                if (dropDuplicates) {
                    dropped++;
                    return;
                }
            } else {
                conflicts++;
                example(conflictExamples, "line " + line + " ('" + label + "') vs line " + firstLine + " ('"
                        + firstLabel + "')");
            }
        } else {
            labelOfText.put(text, label);
        }
        records.add(new Record(id, text, label, source, attrs));
    }

    private static void example(List<String> examples, String s) {
        if (examples.size() < 3) {
            examples.add(s);
        }
    }

    private static String blankToNull(String s) {
        if (s == null) {
            return null;
        }
        s = s.strip();
        return s.isEmpty() ? null : s;
    }

    /** The data set, after the checks that need all records; throws when they fail. */
    ImportResult finish(Path file, DataFormat format, String datasetName, ImportOptions options, Boolean headerRow) {
        if (records.isEmpty()) {
            throw new InvalidInputException(sourceName, 0, null,
                    "no records found; expected at least two labelled texts");
        }
        Dataset dataset = Dataset.of(datasetName, records);
        if (dataset.labels().size() < 2) {
            throw new InvalidInputException(sourceName, 0, cols.label(), "all " + records.size()
                    + " records have the label '" + dataset.labels().get(0)
                    + "'; expected at least two classes (a classifier cannot be trained on one)");
        }
        List<String> warnings = new ArrayList<>();
        if (duplicates > 0) {
            warnings.add(duplicates + " duplicate record" + (duplicates == 1 ? "" : "s")
                    + " (same text and label)" + (dropDuplicates ? ", dropped" : ", kept") + "; e.g. "
                    + String.join(", ", duplicateExamples));
        }
        if (conflicts > 0) {
            warnings.add(conflicts + " record" + (conflicts == 1 ? "" : "s")
                    + " repeat an earlier text with a different label, kept; e.g. " + String.join(", ", conflictExamples));
        }
        if (blankLines > 0) {
            warnings.add(blankLines + " blank line" + (blankLines == 1 ? "" : "s") + " skipped");
        }
        if (huge > 0) {
            warnings.add(String.format(java.util.Locale.ROOT, "%d text%s longer than %,d characters (the model reads only"
                    + " the first 512 word pieces; a wrong text column or an unclosed quote?); e.g. %s", huge,
                    huge == 1 ? " is" : "s are", HUGE_TEXT_CHARS, String.join(", ", hugeExamples)));
        }
        List<String> single = new ArrayList<>();
        for (Map.Entry<String, Integer> e : dataset.countsPerLabel().entrySet()) {
            if (e.getValue() == 1) {
                single.add(e.getKey());
            }
        }
        if (!single.isEmpty() && records.size() >= SINGLE_LABEL_MIN_RECORDS) {
            List<String> examples = new ArrayList<>();
            for (String l : single.subList(0, Math.min(3, single.size()))) {
                examples.add("'" + l + "' on line " + firstLineOfLabel.get(l));
            }
            warnings.add(String.format(java.util.Locale.ROOT, "%,d of %,d labels ha%s a single record (nothing to learn"
                    + " from, and a split cannot put it in both training and test%s); e.g. %s", single.size(),
                    dataset.labels().size(), single.size() == 1 ? "s" : "ve",
                    single.size() * 2 > dataset.labels().size() ? "; is the label column right?" : "",
                    String.join(", ", examples)));
        }
        ImportOptions effective = options.withFormat(format).withName(datasetName)
                .withMapping(ColumnMapping.explicit(cols)).withHeader(headerRow);
        ImportReport report = new ImportReport(file, format, cols.toString(), effective, records.size(), blankLines, duplicates,
                conflicts, dropped, dataset.countsPerLabel(), warnings);
        return new ImportResult(dataset, report);
    }
}
