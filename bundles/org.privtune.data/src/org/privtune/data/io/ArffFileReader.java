package org.privtune.data.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;

/**
 * Weka ARFF (dense rows). The text is a string attribute, the label usually a nominal one: unless
 * the mapping or recognised names say otherwise, the text is the first string attribute and the
 * label the attribute named "class", else the last nominal attribute. Label values are checked
 * against the declared nominal values.
 */
final class ArffFileReader {

    private record Attribute(String name, String type, List<String> nominalValues) {
    }

    private final ImportOptions options;
    private final String sourceName;
    private final StrictTextReader reader;
    private final Progress progress;

    ArffFileReader(ImportOptions options, String sourceName, StrictTextReader reader, Progress progress) {
        this.options = options;
        this.sourceName = sourceName;
        this.reader = reader;
        this.progress = progress;
    }

    ImportResult read(Path file, String name) throws IOException {
        BufferedReader lines = new BufferedReader(reader, 1 << 16);
        List<Attribute> attributes = new ArrayList<>();
        long lineNo = 0;
        boolean data = false;
        String line;
        while (!data && (line = lines.readLine()) != null) {
            lineNo++;
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("%")) {
                continue;
            }
            String lower = s.toLowerCase(Locale.ROOT);
            if (lower.startsWith("@relation")) {
                continue;
            } else if (lower.startsWith("@attribute")) {
                attributes.add(parseAttribute(s.substring("@attribute".length()).strip(), lineNo));
            } else if (lower.startsWith("@data")) {
                data = true;
            } else {
                throw new InvalidInputException(sourceName, lineNo, null, "unexpected '" + abbreviate(s)
                        + "' in the header; expected @relation, @attribute or @data");
            }
        }
        if (!data) {
            throw new InvalidInputException(sourceName, lineNo, null, "no @data section; expected an ARFF file");
        }
        List<String> header = attributes.stream().map(Attribute::name).toList();
        RecordCollector collector = new RecordCollector(sourceName, defaultRoles(attributes).resolve(header, sourceName),
                options.dropDuplicates(), progress, reader::bytesConsumed);
        Attribute labelAttr = attributes.get(header.indexOf(collector.columns().label()));
        while ((line = lines.readLine()) != null) {
            lineNo++;
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("%")) {
                if (s.isEmpty()) {
                    collector.blankLine();
                }
                continue;
            }
            if (s.startsWith("{")) {
                throw new InvalidInputException(sourceName, lineNo, null,
                        "sparse ARFF rows are not supported; expected dense rows (save the file as dense ARFF)");
            }
            List<String> values = splitRow(s, lineNo);
            if (values.size() != attributes.size()) {
                throw new InvalidInputException(sourceName, lineNo, null, "found " + values.size()
                        + " values, expected " + attributes.size() + " (one per @attribute)");
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < values.size(); i++) {
                row.put(header.get(i), values.get(i));
            }
            String label = row.get(labelAttr.name());
            if (label != null && labelAttr.nominalValues() != null && !labelAttr.nominalValues().contains(label)) {
                throw new InvalidInputException(sourceName, lineNo, labelAttr.name(), "value '" + label
                        + "' is not declared; expected one of " + labelAttr.nominalValues());
            }
            collector.add(lineNo, row);
        }
        return collector.finish(file, DataFormat.ARFF, name, options, null);
    }

    /** Fills the text and label roles from attribute types when names do not decide them. */
    private ColumnMapping defaultRoles(List<Attribute> attributes) {
        ColumnMapping m = options.mapping();
        List<String> names = attributes.stream().map(Attribute::name).toList();
        ColumnMapping result = m;
        if (m.text() == null && names.stream().noneMatch(n -> ColumnMapping.TEXT_NAMES.contains(n.toLowerCase(Locale.ROOT)))) {
            for (Attribute a : attributes) {
                if (a.type().equals("string")) {
                    result = result.withText(ColumnMapping.Column.named(a.name()));
                    break;
                }
            }
        }
        if (m.label() == null && names.stream().noneMatch(n -> ColumnMapping.LABEL_NAMES.contains(n.toLowerCase(Locale.ROOT)))) {
            for (int i = attributes.size() - 1; i >= 0; i--) {
                if (attributes.get(i).nominalValues() != null) {
                    result = result.withLabel(ColumnMapping.Column.named(attributes.get(i).name()));
                    break;
                }
            }
        }
        return result;
    }

    private Attribute parseAttribute(String rest, long lineNo) {
        List<String> nameAndRest = new ArrayList<>();
        int i = readToken(rest, 0, nameAndRest, lineNo);
        String name = nameAndRest.get(0);
        String type = rest.substring(i).strip();
        if (type.isEmpty()) {
            throw new InvalidInputException(sourceName, lineNo, name, "the attribute has no type; expected "
                    + "string, numeric, date or {value,...}");
        }
        if (type.startsWith("{")) {
            int close = type.lastIndexOf('}');
            if (close < 0) {
                throw new InvalidInputException(sourceName, lineNo, name, "the value list is not closed; expected '}'");
            }
            List<String> values = splitRow(type.substring(1, close), lineNo);
            return new Attribute(name, "nominal", values);
        }
        String t = type.split("\\s+")[0].toLowerCase(Locale.ROOT);
        if (!List.of("string", "numeric", "real", "integer", "date").contains(t)) {
            throw new InvalidInputException(sourceName, lineNo, name, "type '" + t
                    + "' is not supported; expected string, numeric, real, integer, date or {value,...}");
        }
        return new Attribute(name, t, null);
    }

    /** Reads one (possibly quoted) token starting at {@code from}; returns the index after it. */
    private int readToken(String s, int from, List<String> out, long lineNo) {
        int i = from;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        if (i < s.length() && (s.charAt(i) == '\'' || s.charAt(i) == '"')) {
            char q = s.charAt(i++);
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw new InvalidInputException(sourceName, lineNo, null, "a quoted value is not closed; expected "
                            + q + " before the end of the line");
                }
                char c = s.charAt(i++);
                if (c == '\\' && i < s.length()) {
                    char e = s.charAt(i++);
                    sb.append(switch (e) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        default -> e;
                    });
                } else if (c == q) {
                    break;
                } else {
                    sb.append(c);
                }
            }
            out.add(sb.toString());
            return i;
        }
        int start = i;
        while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && s.charAt(i) != ',') {
            i++;
        }
        out.add(s.substring(start, i));
        return i;
    }

    /** Comma-separated values with ARFF quoting; an unquoted '?' is a missing value (null). */
    private List<String> splitRow(String s, long lineNo) {
        List<String> values = new ArrayList<>();
        int i = 0;
        while (true) {
            int before = values.size();
            int j = i;
            while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
                j++;
            }
            boolean quoted = j < s.length() && (s.charAt(j) == '\'' || s.charAt(j) == '"');
            if (quoted) {
                i = readToken(s, j, values, lineNo);
            } else {
                int comma = s.indexOf(',', j);
                int end = comma < 0 ? s.length() : comma;
                String v = s.substring(j, end).strip();
                values.add(v.equals("?") ? null : v);
                i = end;
            }
            assert values.size() == before + 1;
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= s.length()) {
                return values;
            }
            if (s.charAt(i) != ',') {
                throw new InvalidInputException(sourceName, lineNo, null, "unexpected '" + s.charAt(i)
                        + "' after a quoted value; expected ','");
            }
            i++;
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
