package org.privtune.data.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;

/**
 * A JSON array of objects or JSON Lines, read token by token with Jackson's streaming parser:
 * only one record's fields are in memory at a time besides the records already taken, so a
 * 100 MB file is not held twice. Keys are matched at the top level of each object; string,
 * number and boolean values are taken as text, nested values are skipped.
 */
final class JsonFileReader {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private final ImportOptions options;
    private final String sourceName;
    private final StrictTextReader reader;
    private final Progress progress;
    private RecordCollector collector;
    private long recordNo;

    JsonFileReader(ImportOptions options, String sourceName, StrictTextReader reader, Progress progress) {
        this.options = options;
        this.sourceName = sourceName;
        this.reader = reader;
        this.progress = progress;
    }

    ImportResult read(Path file, String name) throws IOException {
        try (JsonParser p = FACTORY.createParser(reader)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY) {
                for (t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    if (t == null) {
                        throw error(p, null, "the file ends inside the array; expected ']'");
                    }
                    readObject(p, t);
                }
                if (p.nextToken() != null) {
                    throw error(p, null, "unexpected content after the closing ']'; expected the end of the file");
                }
            } else if (t == JsonToken.START_OBJECT) {
                for (; t != null; t = p.nextToken()) {
                    readObject(p, t);
                }
            } else {
                throw error(p, null, t == null ? "the file is empty; expected a JSON array of objects or JSON Lines"
                        : "found " + t.asString() + "; expected a JSON array of objects or one JSON object per line");
            }
        } catch (JsonProcessingException e) {
            long line = e.getLocation() != null ? e.getLocation().getLineNr() : 0;
            throw new InvalidInputException(sourceName, Math.max(line, 0),
                    null, "malformed JSON: " + e.getOriginalMessage() + "; expected valid JSON", e);
        }
        if (collector == null) {
            throw new InvalidInputException(sourceName, 0, null, "no records found; expected at least two labelled texts");
        }
        return collector.finish(file, DataFormat.JSON, name, options, null);
    }

    private void readObject(JsonParser p, JsonToken t) throws IOException {
        recordNo++;
        long line = p.currentTokenLocation().getLineNr();
        if (t != JsonToken.START_OBJECT) {
            throw error(p, null, "record " + recordNo + " is " + t.asString() + "; expected an object {...}");
        }
        Map<String, String> row = new LinkedHashMap<>();
        for (t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            switch (v) {
                case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> row.put(key, p.getText());
                case VALUE_NULL -> row.put(key, null);
                default -> {
                    if (collector != null && (key.equals(collector.columns().text()) || key.equals(collector.columns().label()))) {
                        throw error(p, key, "found a nested " + (v == JsonToken.START_ARRAY ? "array" : "object")
                                + "; expected a string or number");
                    }
                    p.skipChildren();
                }
            }
        }
        if (collector == null) {
            collector = new RecordCollector(sourceName,
                    options.mapping().resolve(new ArrayList<>(row.keySet()), sourceName), options.dropDuplicates(),
                    progress, reader::bytesConsumed);
        }
        collector.add(line, row);
    }

    private InvalidInputException error(JsonParser p, String field, String problem) {
        return new InvalidInputException(sourceName, p.currentTokenLocation().getLineNr(), field, problem);
    }
}
