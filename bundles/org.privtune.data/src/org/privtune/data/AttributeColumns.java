package org.privtune.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The categorical attribute columns of a data set that an attribute-inference attack can target:
 * columns an import mapped (or a built-in set carries) besides the ones with a fixed meaning, that
 * every record has and that take a few distinct values. Free text, identifiers and numbers with a
 * value per record are not attributes an attacker guesses from a fixed list, so they are left out.
 */
public final class AttributeColumns {

    /** At most this many distinct values make a column categorical. */
    public static final int MAX_VALUES = 20;

    private AttributeColumns() {
    }

    /**
     * The categorical attribute columns of these records, in the order the first record lists
     * them, without the {@code excluded} names: every record has a non-blank value, and the
     * column takes between 2 and {@value #MAX_VALUES} distinct values.
     */
    public static List<String> categorical(List<Record> records, Set<String> excluded) {
        if (records.isEmpty()) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>(records.get(0).attributes().keySet());
        names.removeAll(excluded);
        List<String> out = new ArrayList<>();
        for (String name : names) {
            Set<String> values = new HashSet<>();
            boolean everyRecord = true;
            for (Record r : records) {
                String v = r.attribute(name);
                if (v == null || v.isBlank()) {
                    everyRecord = false;
                    break;
                }
                if (values.add(v) && values.size() > MAX_VALUES) {
                    break;
                }
            }
            if (everyRecord && values.size() >= 2 && values.size() <= MAX_VALUES) {
                out.add(name);
            }
        }
        return out;
    }
}
