package org.privtune.data;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A named, immutable list of labelled records with an ordered label set. A label's position in
 * {@link #labels()} is its class index for training (for the built-in sentiment set: 0 negative,
 * 1 positive).
 */
public final class Dataset {

    private final String name;
    private final List<Record> records;
    private final List<String> labels;
    private final Map<String, Integer> labelIndex;

    /**
     * @param labels every label of the records, in class-index order; each record's label must be
     *               among them and ids must be unique
     */
    public Dataset(String name, List<Record> records, List<String> labels) {
        this.name = Objects.requireNonNull(name, "name");
        this.records = List.copyOf(records);
        this.labels = List.copyOf(new LinkedHashSet<>(labels));
        if (this.labels.size() != labels.size()) {
            throw new IllegalArgumentException("labels repeat: " + labels);
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < this.labels.size(); i++) {
            index.put(this.labels.get(i), i);
        }
        this.labelIndex = Map.copyOf(index);
        Set<String> ids = new HashSet<>();
        for (Record r : this.records) {
            if (!index.containsKey(r.label())) {
                throw new IllegalArgumentException("record " + r.id() + " has label '" + r.label()
                        + "' which is not in " + this.labels);
            }
            if (!ids.add(r.id())) {
                throw new IllegalArgumentException("record id " + r.id() + " occurs twice");
            }
        }
    }

    /** A data set whose labels are those of its records, ordered by {@link #labelOrder()}. */
    public static Dataset of(String name, List<Record> records) {
        Set<String> labels = new TreeSet<>(labelOrder());
        for (Record r : records) {
            labels.add(r.label());
        }
        return new Dataset(name, records, new ArrayList<>(labels));
    }

    /**
     * Numbers in numeric order ("2" before "10"), then other labels alphabetically: the same class
     * indices for the same label set whatever order the file lists its records in.
     */
    public static Comparator<String> labelOrder() {
        return (a, b) -> {
            BigDecimal x = number(a);
            BigDecimal y = number(b);
            if (x != null && y != null) {
                int c = x.compareTo(y);
                return c != 0 ? c : a.compareTo(b);
            }
            if (x != null || y != null) {
                return x != null ? -1 : 1;
            }
            return a.compareTo(b);
        };
    }

    private static BigDecimal number(String s) {
        try {
            return new BigDecimal(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public String name() {
        return name;
    }

    public List<Record> records() {
        return records;
    }

    public int size() {
        return records.size();
    }

    public List<String> labels() {
        return labels;
    }

    /** The class index of a label, or -1 when the label is not in this data set. */
    public int labelIndex(String label) {
        return labelIndex.getOrDefault(label, -1);
    }

    public int labelIndex(Record record) {
        return labelIndex(record.label());
    }

    /** Records per label, in label order (labels without records count 0). */
    public Map<String, Integer> countsPerLabel() {
        return countLabels(records);
    }

    Map<String, Integer> countLabels(Collection<Record> part) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String l : labels) {
            counts.put(l, 0);
        }
        for (Record r : part) {
            counts.merge(r.label(), 1, Integer::sum);
        }
        return counts;
    }

    /** Names of all attributes that any record carries, sorted. */
    public Set<String> attributeNames() {
        Set<String> names = new TreeSet<>();
        for (Record r : records) {
            names.addAll(r.attributes().keySet());
        }
        return names;
    }

    /** The stratified split of this data set; see {@link DatasetSplit}. */
    public DatasetSplit split(SplitSpec spec) {
        return DatasetSplit.stratified(this, spec);
    }

    /** Same records in a fixed pseudo-random order decided by {@code seed} and the record ids. */
    public Dataset shuffled(long seed) {
        return new Dataset(name, StableHash.orderBy(records, seed), labels);
    }

    /**
     * A fixed pseudo-random sample of {@code n} records (order and choice decided by {@code seed}
     * and the record ids), with this set's name and labels; this set itself when it holds no more.
     */
    public Dataset sample(int n, long seed) {
        if (n <= 0) {
            throw new IllegalArgumentException("sample size must be positive, was " + n);
        }
        if (n >= records.size()) {
            return this;
        }
        return new Dataset(name, StableHash.orderBy(records, seed).subList(0, n), labels);
    }

    @Override
    public String toString() {
        return name + " (" + records.size() + " records, labels " + labels + ")";
    }
}
