package org.privtune.data.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.data.DataDirectory;

/**
 * The data sets imported lately, by name, with the options that import each the same way again
 * (so {@code --data mydata} finds the file and its column mapping). Kept as JSON in the data
 * directory, rewritten atomically; at most {@value #MAX_ENTRIES} entries, newest first.
 */
public final class RecentImports {

    public static final String FILE_NAME = "recent-imports.json";
    static final int MAX_ENTRIES = 20;

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** One remembered import. */
    public record Entry(String name, Path file, ImportOptions options, int records, List<String> labels,
            Instant importedAt) {
        public Entry {
            labels = List.copyOf(labels);
        }
    }

    private final Path file;

    public RecentImports(Path file) {
        this.file = file;
    }

    /** The list in the data directory. */
    public static RecentImports defaults() {
        return new RecentImports(DataDirectory.root().resolve(FILE_NAME));
    }

    public Path file() {
        return file;
    }

    /** Newest first; empty when nothing was imported yet. */
    public synchronized List<Entry> list() {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try (InputStream in = Files.newInputStream(file); JsonParser p = JSON.createParser(in)) {
            return read(p);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new InvalidInputException(file.toString(), 0, null, "the list of recent imports is damaged ("
                    + e.getMessage() + "); expected the JSON PrivTune writes. Delete the file to start a new list", e);
        } catch (IOException e) {
            throw new InvalidInputException(file.toString(), 0, null, "cannot be read: " + e.getMessage(), e);
        }
    }

    /** The entry of that name, or null. */
    public Entry find(String name) {
        return list().stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
    }

    /** Adds (or moves to the top) the import of {@code result}, and saves the list. */
    public synchronized Entry remember(ImportResult result) {
        ImportReport r = result.report();
        Entry entry = new Entry(result.dataset().name(), r.file().toAbsolutePath(), r.effectiveOptions(),
                r.records(), result.dataset().labels(), Instant.now());
        List<Entry> entries = new ArrayList<>();
        entries.add(entry);
        for (Entry e : list()) {
            if (!e.name().equals(entry.name()) && entries.size() < MAX_ENTRIES) {
                entries.add(e);
            }
        }
        try {
            DataDirectory.writeAtomically(file, out -> {
                try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
                    g.useDefaultPrettyPrinter();
                    write(g, entries);
                }
            });
        } catch (IOException e) {
            throw new InvalidInputException(file.toString(), 0, null, "cannot be written: " + e.getMessage(), e);
        }
        return entry;
    }

    /** Imports a remembered data set again, from its file, with its options. */
    public ImportResult load(Entry entry, Progress progress) {
        return DatasetImporter.importFile(entry.file(), entry.options(), progress);
    }

    private static void write(JsonGenerator g, List<Entry> entries) throws IOException {
        g.writeStartObject();
        g.writeNumberField("version", 1);
        g.writeArrayFieldStart("imports");
        for (Entry e : entries) {
            ImportOptions o = e.options();
            g.writeStartObject();
            g.writeStringField("name", e.name());
            g.writeStringField("file", e.file().toString());
            g.writeStringField("format", o.format().name());
            if (o.header() != null) {
                g.writeBooleanField("header", o.header());
            }
            g.writeStringField("charset", o.charset().name());
            g.writeBooleanField("quoting", o.quoting());
            g.writeBooleanField("dropDuplicates", o.dropDuplicates());
            ColumnMapping m = o.mapping();
            g.writeObjectFieldStart("columns");
            column(g, "text", m.text());
            column(g, "label", m.label());
            column(g, "source", m.source());
            column(g, "id", m.id());
            g.writeArrayFieldStart("attributes");
            for (ColumnMapping.Column c : m.attributes()) {
                g.writeString(c.name());
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeNumberField("records", e.records());
            g.writeArrayFieldStart("labels");
            for (String l : e.labels()) {
                g.writeString(l);
            }
            g.writeEndArray();
            g.writeStringField("importedAt", e.importedAt().toString());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void column(JsonGenerator g, String role, ColumnMapping.Column c) throws IOException {
        if (c != null) {
            g.writeStringField(role, c.name());
        }
    }

    private static List<Entry> read(JsonParser p) throws IOException {
        List<Entry> entries = new ArrayList<>();
        expect(p.nextToken(), JsonToken.START_OBJECT);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (f.equals("imports")) {
                expect(v, JsonToken.START_ARRAY);
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    entries.add(readEntry(p));
                }
            } else {
                p.skipChildren();
            }
        }
        return entries;
    }

    private static Entry readEntry(JsonParser p) throws IOException {
        String name = null;
        String file = null;
        ImportOptions o = ImportOptions.DEFAULTS;
        ColumnMapping m = ColumnMapping.AUTO;
        int records = 0;
        List<String> labels = new ArrayList<>();
        Instant at = Instant.EPOCH;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "name" -> name = p.getText();
                case "file" -> file = p.getText();
                case "format" -> o = o.withFormat(DataFormat.valueOf(p.getText()));
                case "header" -> o = o.withHeader(p.getBooleanValue());
                case "charset" -> o = o.withCharset(Charset.forName(p.getText()));
                case "quoting" -> o = o.withQuoting(p.getBooleanValue());
                case "dropDuplicates" -> o = o.withDropDuplicates(p.getBooleanValue());
                case "records" -> records = p.getIntValue();
                case "importedAt" -> at = Instant.parse(p.getText());
                case "labels" -> {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        labels.add(p.getText());
                    }
                }
                case "columns" -> m = readColumns(p);
                default -> p.skipChildren();
            }
            if (v == null) {
                throw new IOException("unexpected end of file");
            }
        }
        if (name == null || file == null) {
            throw new IOException("an entry lacks its name or file");
        }
        return new Entry(name, Path.of(file), o.withMapping(m).withName(name), records, labels, at);
    }

    private static ColumnMapping readColumns(JsonParser p) throws IOException {
        ColumnMapping m = ColumnMapping.AUTO;
        List<ColumnMapping.Column> attrs = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String role = p.currentName();
            p.nextToken();
            switch (role) {
                case "text" -> m = m.withText(ColumnMapping.Column.named(p.getText()));
                case "label" -> m = m.withLabel(ColumnMapping.Column.named(p.getText()));
                case "source" -> m = m.withSource(ColumnMapping.Column.named(p.getText()));
                case "id" -> m = m.withId(ColumnMapping.Column.named(p.getText()));
                case "attributes" -> {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        attrs.add(ColumnMapping.Column.named(p.getText()));
                    }
                }
                default -> p.skipChildren();
            }
        }
        return m.withAttributes(attrs.toArray(ColumnMapping.Column[]::new));
    }

    private static void expect(JsonToken got, JsonToken wanted) throws IOException {
        if (got != wanted) {
            throw new IOException("expected " + wanted + ", found " + got);
        }
    }
}
