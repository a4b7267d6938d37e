package org.privtune.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One labelled text. {@code source} (a group such as the site a review came from) may be null;
 * {@code attributes} holds private properties of the text that are not the task label, used as
 * targets by attribute-inference attacks. Attribute order is kept as given, so that anything
 * derived from it (tables, CSV exports) is the same on every run.
 *
 * @param id         unique within its data set; the split is derived from it
 * @param text       never empty
 * @param label      class name, never empty
 * @param source     group or origin, or null
 * @param attributes attribute name to value, never null (empty when there are none)
 */
public record Record(String id, String text, String label, String source, Map<String, String> attributes) {

    public Record {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(label, "label");
        attributes = attributes == null || attributes.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public Record(String id, String text, String label) {
        this(id, text, label, null, Map.of());
    }

    /** The attribute's value, or null when this record does not have it. */
    public String attribute(String name) {
        return attributes.get(name);
    }
}
