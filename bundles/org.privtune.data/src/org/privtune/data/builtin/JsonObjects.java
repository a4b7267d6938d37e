package org.privtune.data.builtin;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Streams the objects of a JSON array (or a single object) from a package file: one object's
 * fields at a time, scalars as strings, arrays of scalars as lists, nested objects skipped.
 */
final class JsonObjects {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private JsonObjects() {
    }

    static void forEach(InputStream in, Consumer<Map<String, Object>> action) throws IOException {
        try (JsonParser p = FACTORY.createParser(in)) {
            p.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_OBJECT) {
                action.accept(readObject(p));
                return;
            }
            if (t != JsonToken.START_ARRAY) {
                throw new IOException("expected a JSON array, found " + t);
            }
            for (t = p.nextToken(); t == JsonToken.START_OBJECT; t = p.nextToken()) {
                action.accept(readObject(p));
            }
            if (t != JsonToken.END_ARRAY) {
                throw new IOException("expected objects in the array, found " + t);
            }
        }
    }

    private static Map<String, Object> readObject(JsonParser p) throws IOException {
        Map<String, Object> row = new LinkedHashMap<>();
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.START_ARRAY) {
                List<String> list = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    if (e.isScalarValue()) {
                        list.add(p.getText());
                    } else {
                        p.skipChildren();
                    }
                }
                row.put(key, list);
            } else if (v == JsonToken.START_OBJECT) {
                p.skipChildren();
            } else {
                row.put(key, v == JsonToken.VALUE_NULL ? null : p.getText());
            }
        }
        return row;
    }
}
