package org.privtune.data.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;

/** CSV and TSV through commons-csv, with or without a header row. */
final class DelimitedFileReader {

    /** Rows looked at to guess the text and label columns of a file without header. */
    private static final int GUESS_ROWS = 200;

    private final DataFormat format;
    private final ImportOptions options;
    private final String sourceName;
    private final StrictTextReader reader;
    private final Progress progress;
    private long previousEndLine;

    DelimitedFileReader(DataFormat format, ImportOptions options, String sourceName, StrictTextReader reader,
            Progress progress) {
        this.format = format;
        this.options = options;
        this.sourceName = sourceName;
        this.reader = reader;
        this.progress = progress;
    }

    /** A parsed row and the line it starts on. */
    private record Row(long line, List<String> values) {
    }

    ImportResult read(Path file, String name) throws IOException {
        CSVFormat csv = (format == DataFormat.TSV ? CSVFormat.TDF : CSVFormat.RFC4180).builder()
                .setIgnoreSurroundingSpaces(false).setTrim(false).setIgnoreEmptyLines(false)
                .setQuote(options.quoting() ? Character.valueOf('"') : null).build();
        try (CSVParser parser = csv.parse(reader)) {
            Iterator<CSVRecord> it = parser.iterator();
            RecordCollector collector = null;
            List<String> header = null;
            List<Row> pending = new ArrayList<>();
            int blank = 0;
            boolean hasHeader = false;
            while (true) {
                Row row = next(it, parser);
                if (row == null) {
                    break;
                }
                if (row.values.size() == 1 && row.values.get(0).isBlank()) {
                    blank++;
                    continue;
                }
                if (header == null) {
                    boolean isHeader = options.header() != null ? options.header()
                            : options.mapping().usesNames() || ColumnMapping.looksLikeHeader(row.values);
                    if (isHeader) {
                        hasHeader = true;
                        header = row.values.stream().map(String::strip).toList();
                        checkHeader(header, row.line);
                        collector = collector(header, options.mapping());
                        continue;
                    }
                    header = synthetic(row.values.size());
                }
                if (collector == null) {
                    // no header: buffer a sample to guess which column is which
                    pending.add(row);
                    if (pending.size() < GUESS_ROWS) {
                        continue;
                    }
                    collector = collector(header, guessHeaderless(header, pending));
                    flush(pending, header, collector);
                    continue;
                }
                add(collector, header, row);
            }
            if (collector == null) {
                if (header == null) {
                    throw new InvalidInputException(sourceName, 0, null,
                            "the file is empty; expected rows of text and label");
                }
                collector = collector(header, guessHeaderless(header, pending));
                flush(pending, header, collector);
            }
            for (int i = 0; i < blank; i++) {
                collector.blankLine();
            }
            return collector.finish(file, format, name, options, hasHeader);
        }
    }

    private Row next(Iterator<CSVRecord> it, CSVParser parser) {
        try {
            if (!it.hasNext()) {
                return null;
            }
            CSVRecord rec = it.next();
            long start = previousEndLine + 1;
            previousEndLine = parser.getCurrentLineNumber();
            List<String> values = new ArrayList<>(rec.size());
            for (String v : rec) {
                values.add(v);
            }
            return new Row(start, values);
        } catch (UncheckedIOException e) {
            if (e.getCause() != null && e.getCause().getCause() instanceof InvalidInputException iie) {
                throw iie;
            }
            throw new InvalidInputException(sourceName, previousEndLine + 1, null, describe(e.getCause())
                    + (options.quoting() ? "; if texts contain unmatched double quotes, import with quoting off"
                            : ""), e);
        } catch (IllegalStateException e) {
            throw new InvalidInputException(sourceName, previousEndLine + 1, null, describe(e), e);
        }
    }

    private static String describe(Throwable e) {
        String m = e == null ? "unreadable row" : String.valueOf(e.getMessage());
        return "malformed row: " + m.replaceFirst("^\\((start)?line \\d+\\)\\s*", "")
                + "; expected well-formed delimited text";
    }

    private void checkHeader(List<String> header, long line) {
        Set<String> seen = new HashSet<>();
        for (String h : header) {
            if (h.isEmpty()) {
                throw new InvalidInputException(sourceName, line, null,
                        "a column of the header row has no name; expected a name for every column");
            }
            if (!seen.add(h)) {
                throw new InvalidInputException(sourceName, line, h,
                        "the column name appears twice in the header row; expected unique names");
            }
        }
    }

    private RecordCollector collector(List<String> header, ColumnMapping mapping) {
        return new RecordCollector(sourceName, mapping.resolve(header, sourceName), options.dropDuplicates(),
                progress, reader::bytesConsumed);
    }

    private void flush(List<Row> pending, List<String> header, RecordCollector collector) {
        for (Row r : pending) {
            add(collector, header, r);
        }
        pending.clear();
    }

    private void add(RecordCollector collector, List<String> header, Row row) {
        if (row.values.size() != header.size()) {
            throw new InvalidInputException(sourceName, row.line, null, "found " + row.values.size()
                    + " column" + (row.values.size() == 1 ? "" : "s") + ", expected " + header.size()
                    + (format == DataFormat.CSV ? " (put texts that contain commas or line breaks in double quotes)"
                            : " (texts must not contain tabs unless quoted)"));
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            map.put(header.get(i), row.values.get(i));
        }
        collector.add(row.line, map);
    }

    static List<String> synthetic(int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            names.add("column " + i);
        }
        return names;
    }

    /**
     * Without a header: the user's index mapping where given; otherwise the text is the column
     * with the longest mean length and the label the other column with the fewest distinct values.
     */
    private ColumnMapping guessHeaderless(List<String> header, List<Row> sample) {
        ColumnMapping m = options.mapping();
        if (m.text() != null && m.label() != null) {
            return m;
        }
        if (header.size() < 2) {
            throw new InvalidInputException(sourceName, 1, null,
                    "found 1 column; expected at least two (a text and a label)");
        }
        int n = header.size();
        double[] meanLength = new double[n];
        List<Set<String>> distinct = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            distinct.add(new HashSet<>());
        }
        for (Row r : sample) {
            for (int i = 0; i < Math.min(n, r.values.size()); i++) {
                meanLength[i] += r.values.get(i).length();
                distinct.get(i).add(r.values.get(i));
            }
        }
        int text = m.text() != null && m.text().index() >= 0 ? m.text().index() : -1;
        if (text < 0) {
            text = 0;
            for (int i = 1; i < n; i++) {
                if (meanLength[i] > meanLength[text]) {
                    text = i;
                }
            }
        }
        int label = m.label() != null && m.label().index() >= 0 ? m.label().index() : -1;
        if (label < 0) {
            for (int i = 0; i < n; i++) {
                if (i != text && (label < 0 || distinct.get(i).size() < distinct.get(label).size())) {
                    label = i;
                }
            }
        }
        return m.withText(ColumnMapping.Column.at(text)).withLabel(ColumnMapping.Column.at(label));
    }
}
