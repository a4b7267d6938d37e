package org.privtune.data.io;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Which column (CSV/TSV/ARFF) or key (JSON) holds the text, the label, and optionally the source,
 * the record id and attributes. A column is named by header name or by 0-based index here; people
 * number columns from 1, in the import dialog, on the command line and in every message
 * ({@link Column#parse}, {@link Column#toString}). Roles left
 * unset are detected from the header names ({@link #detect}); with {@code otherColumnsAsAttributes}
 * every column that has no role becomes an attribute.
 */
public final class ColumnMapping {

    /** A column by name or by 0-based index. */
    public record Column(String name, int index) {
        public static Column named(String name) {
            return new Column(Objects.requireNonNull(name), -1);
        }

        public static Column at(int index) {
            if (index < 0) {
                throw new IllegalArgumentException("column index must be >= 0: " + index);
            }
            return new Column(null, index);
        }

        /**
         * A column as people name it, in the import dialog and {@code ./privtune data import}: a
         * header name, or a number counted from 1 (the numbering every message uses).
         *
         * @param option the field or option it was given in, for the error
         * @throws org.privtune.core.InvalidInputException for an empty name or the number 0
         */
        public static Column parse(String spec, String option) {
            String t = spec == null ? "" : spec.trim();
            if (t.isEmpty()) {
                throw new org.privtune.core.InvalidInputException("import options", 0, option,
                        "empty; expected a column name or a column number counted from 1");
            }
            if (t.length() < 10 && t.chars().allMatch(Character::isDigit)) {
                int n = Integer.parseInt(t);
                if (n < 1) {
                    throw new org.privtune.core.InvalidInputException("import options", 0, option,
                            "column numbers are counted from 1 (the first column is 1), got " + n);
                }
                return at(n - 1);
            }
            return named(t);
        }

        /** The header name this column stands for, or null when it is not there. */
        String resolve(List<String> header) {
            if (name != null) {
                for (String h : header) {
                    if (h.equals(name)) {
                        return h;
                    }
                }
                for (String h : header) {
                    if (h.trim().equalsIgnoreCase(name.trim())) {
                        return h;
                    }
                }
                return null;
            }
            return index < header.size() ? header.get(index) : null;
        }

        @Override
        public String toString() {
            return name != null ? "'" + name + "'" : "column " + (index + 1);
        }
    }

    /** Header names recognised as the text, in order of preference. */
    public static final List<String> TEXT_NAMES = List.of("text", "sentence", "review", "content", "body",
            "document", "message", "comment", "tweet", "utterance", "review_text", "t");
    /** Header names recognised as the label, in order of preference. */
    public static final List<String> LABEL_NAMES = List.of("label", "class", "sentiment", "category", "target",
            "polarity", "topic", "y", "labels", "class_label", "s");
    /** Header names recognised as the source or group. */
    public static final List<String> SOURCE_NAMES = List.of("source", "group", "site", "domain", "origin");
    /** Header names recognised as a record id. */
    public static final List<String> ID_NAMES = List.of("id", "uid", "record_id", "idx", "guid");

    /** Everything detected, other columns as attributes. */
    public static final ColumnMapping AUTO = new ColumnMapping(null, null, null, null, List.of(), true);

    private final Column text;
    private final Column label;
    private final Column source;
    private final Column id;
    private final List<Column> attributes;
    private final boolean otherColumnsAsAttributes;

    private ColumnMapping(Column text, Column label, Column source, Column id, List<Column> attributes,
            boolean otherColumnsAsAttributes) {
        this.text = text;
        this.label = label;
        this.source = source;
        this.id = id;
        this.attributes = List.copyOf(attributes);
        this.otherColumnsAsAttributes = otherColumnsAsAttributes;
    }

    /** Text and label columns by header name; the rest detected. */
    public static ColumnMapping of(String textColumn, String labelColumn) {
        return AUTO.withText(Column.named(textColumn)).withLabel(Column.named(labelColumn));
    }

    /** Text and label columns by 0-based index (for files without a header row). */
    public static ColumnMapping byIndex(int textColumn, int labelColumn) {
        return AUTO.withText(Column.at(textColumn)).withLabel(Column.at(labelColumn));
    }

    public ColumnMapping withText(Column c) {
        return new ColumnMapping(c, label, source, id, attributes, otherColumnsAsAttributes);
    }

    public ColumnMapping withLabel(Column c) {
        return new ColumnMapping(text, c, source, id, attributes, otherColumnsAsAttributes);
    }

    public ColumnMapping withSource(Column c) {
        return new ColumnMapping(text, label, c, id, attributes, otherColumnsAsAttributes);
    }

    public ColumnMapping withId(Column c) {
        return new ColumnMapping(text, label, source, c, attributes, otherColumnsAsAttributes);
    }

    /** These columns as attributes, and no others. */
    public ColumnMapping withAttributes(Column... columns) {
        return new ColumnMapping(text, label, source, id, List.of(columns), false);
    }

    /** Whether columns without a role become attributes (the default) or are ignored. */
    public ColumnMapping withOtherColumnsAsAttributes(boolean on) {
        return new ColumnMapping(text, label, source, id, attributes, on);
    }

    public Column text() {
        return text;
    }

    public Column label() {
        return label;
    }

    public Column source() {
        return source;
    }

    public Column id() {
        return id;
    }

    public List<Column> attributes() {
        return attributes;
    }

    public boolean otherColumnsAsAttributes() {
        return otherColumnsAsAttributes;
    }

    /** True when any role is given by name: the file is then expected to have a header row. */
    boolean usesNames() {
        List<Column> all = new ArrayList<>(attributes);
        all.add(text);
        all.add(label);
        all.add(source);
        all.add(id);
        return all.stream().anyMatch(c -> c != null && c.name() != null);
    }

    /** True when some header name is one of the recognised role names. */
    static boolean looksLikeHeader(List<String> row) {
        for (String h : row) {
            String n = norm(h);
            if (TEXT_NAMES.contains(n) || LABEL_NAMES.contains(n)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Resolves this mapping against the column names of a file. Roles left unset are filled from
     * {@link #TEXT_NAMES} etc.; errors name the file and what was expected.
     */
    Resolved resolve(List<String> header, String sourceName) {
        String t = pick(text, TEXT_NAMES, header, "text", sourceName, true);
        String l = pick(label, LABEL_NAMES, header, "label", sourceName, true);
        if (t.equals(l)) {
            throw new org.privtune.core.InvalidInputException(sourceName, 0, t,
                    "the same column was chosen as text and as label; map them to different columns");
        }
        String s = pick(source, SOURCE_NAMES, header, "source", sourceName, false);
        String i = pick(id, ID_NAMES, header, "id", sourceName, false);
        Set<String> taken = new LinkedHashSet<>();
        taken.add(t);
        taken.add(l);
        if (s != null) {
            taken.add(s);
        }
        if (i != null) {
            taken.add(i);
        }
        List<String> attrs = new ArrayList<>();
        for (Column c : attributes) {
            String a = c.resolve(header);
            if (a == null) {
                throw missing(c, "attribute", header, sourceName);
            }
            attrs.add(a);
        }
        if (otherColumnsAsAttributes) {
            for (String h : header) {
                if (!taken.contains(h) && !attrs.contains(h)) {
                    attrs.add(h);
                }
            }
        }
        return new Resolved(t, l, s, i, List.copyOf(attrs));
    }

    private static String pick(Column given, List<String> names, List<String> header, String role,
            String sourceName, boolean required) {
        if (given != null) {
            String r = given.resolve(header);
            if (r == null) {
                throw missing(given, role, header, sourceName);
            }
            return r;
        }
        for (String n : names) {
            for (String h : header) {
                if (norm(h).equals(n)) {
                    return h;
                }
            }
        }
        if (required) {
            throw new org.privtune.core.InvalidInputException(sourceName, 1, null, "no " + role
                    + " column found among " + header + "; expected a column named one of " + names
                    + ", or choose the " + role + " column in the column mapping");
        }
        return null;
    }

    private static org.privtune.core.InvalidInputException missing(Column c, String role, List<String> header,
            String sourceName) {
        return new org.privtune.core.InvalidInputException(sourceName, 1, c.name() != null ? c.name() : null,
                "the " + role + " " + c + " does not exist; the columns are " + header);
    }

    private static String norm(String h) {
        return h.trim().toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
    }

    /** A mapping that names every role explicitly, as resolved for one file. */
    static ColumnMapping explicit(Resolved r) {
        ColumnMapping m = AUTO.withText(Column.named(r.text())).withLabel(Column.named(r.label()));
        if (r.source() != null) {
            m = m.withSource(Column.named(r.source()));
        }
        if (r.id() != null) {
            m = m.withId(Column.named(r.id()));
        }
        return m.withAttributes(r.attributes().stream().map(Column::named).toArray(Column[]::new));
    }

    /** Column names per role after resolution; source and id may be null. */
    record Resolved(String text, String label, String source, String id, List<String> attributes) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("text='" + text + "', label='" + label + "'");
            if (source != null) {
                sb.append(", source='").append(source).append('\'');
            }
            if (id != null) {
                sb.append(", id='").append(id).append('\'');
            }
            if (!attributes.isEmpty()) {
                sb.append(", attributes=").append(attributes);
            }
            return sb.toString();
        }
    }

    @Override
    public String toString() {
        return "text=" + (text == null ? "auto" : text) + ", label=" + (label == null ? "auto" : label)
                + (source != null ? ", source=" + source : "") + (id != null ? ", id=" + id : "")
                + (attributes.isEmpty() ? "" : ", attributes=" + attributes)
                + (otherColumnsAsAttributes ? ", other columns as attributes" : "");
    }
}
