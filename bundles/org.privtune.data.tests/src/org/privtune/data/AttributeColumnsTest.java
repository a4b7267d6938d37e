package org.privtune.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class AttributeColumnsTest {

    private static Record record(int i, Map<String, String> attributes) {
        return new Record("r" + i, "text " + i, i % 2 == 0 ? "a" : "b", null, attributes);
    }

    @Test
    void keepsColumnsWithFewValuesOnEveryRecord() {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Map<String, String> a = new LinkedHashMap<>();
            a.put("region", i % 3 == 0 ? "north" : "south");  // categorical: kept
            a.put("customer_id", "c" + i);                    // a value per record: not an attribute to guess
            a.put("constant", "x");                           // one value: nothing to infer
            a.put("source", "site" + (i % 2));                // read by B1, excluded here
            if (i != 7) {
                a.put("sometimes", "y" + (i % 2));            // missing on one record: left out
            }
            a.put("age_band", "b" + (i % 20));                // 20 values: still categorical
            records.add(record(i, a));
        }
        assertEquals(List.of("region", "age_band"), AttributeColumns.categorical(records, Set.of("source")));
    }

    @Test
    void blankValuesAndTooManyValuesAreLeftOut() {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            records.add(record(i, Map.of("blank_once", i == 3 ? " " : "v" + (i % 2), "many", "m" + (i % 21))));
        }
        assertEquals(List.of(), AttributeColumns.categorical(records, Set.of()));
        assertEquals(List.of(), AttributeColumns.categorical(List.of(), Set.of()));
    }
}
