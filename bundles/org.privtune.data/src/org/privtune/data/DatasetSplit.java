package org.privtune.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A stratified train/dev/test split. For each label, its records are ordered by
 * {@link StableHash#of(String, long) StableHash(id, seed)} (ties by id) and the first
 * round(n * test) go to test, the next round(n * dev) to dev and the rest to train. The split
 * therefore depends only on the ids, labels, fractions and seed: not on the order of the file,
 * nor on the JVM. Every part keeps the data set's record order.
 */
public final class DatasetSplit {

    /** The three parts, in the order they are usually reported. */
    public enum Part {
        TRAIN, DEV, TEST;

        public String displayName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Dataset dataset;
    private final SplitSpec spec;
    private final Map<Part, List<Record>> parts;

    private DatasetSplit(Dataset dataset, SplitSpec spec, Map<Part, List<Record>> parts) {
        this.dataset = dataset;
        this.spec = spec;
        this.parts = parts;
    }

    public static DatasetSplit stratified(Dataset dataset, SplitSpec spec) {
        Map<String, List<Record>> byLabel = new HashMap<>();
        for (Record r : dataset.records()) {
            byLabel.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r);
        }
        Map<String, Part> assignment = new HashMap<>();
        for (String label : dataset.labels()) {
            List<Record> group = StableHash.orderBy(byLabel.getOrDefault(label, List.of()), spec.seed());
            int n = group.size();
            int nTest = (int) Math.round(n * spec.test());
            int nDev = Math.min(n - nTest, (int) Math.round(n * spec.dev()));
            for (int i = 0; i < n; i++) {
                Part p = i < nTest ? Part.TEST : i < nTest + nDev ? Part.DEV : Part.TRAIN;
                assignment.put(group.get(i).id(), p);
            }
        }
        Map<Part, List<Record>> parts = new java.util.EnumMap<>(Part.class);
        for (Part p : Part.values()) {
            parts.put(p, new ArrayList<>());
        }
        for (Record r : dataset.records()) {
            parts.get(assignment.get(r.id())).add(r);
        }
        parts.replaceAll((p, list) -> List.copyOf(list));
        return new DatasetSplit(dataset, spec, parts);
    }

    public Dataset dataset() {
        return dataset;
    }

    public SplitSpec spec() {
        return spec;
    }

    public List<Record> train() {
        return parts.get(Part.TRAIN);
    }

    public List<Record> dev() {
        return parts.get(Part.DEV);
    }

    public List<Record> test() {
        return parts.get(Part.TEST);
    }

    public List<Record> part(Part part) {
        return parts.get(part);
    }

    /** Records per label of one part, in the data set's label order. */
    public Map<String, Integer> countsPerLabel(Part part) {
        return dataset.countLabels(parts.get(part));
    }

    /** Texts of one part, in order; with {@link #labelIndices(Part)} what a trainer needs. */
    public List<String> texts(Part part) {
        return parts.get(part).stream().map(Record::text).toList();
    }

    /** Class indices (positions in {@link Dataset#labels()}) of one part, in order. */
    public int[] labelIndices(Part part) {
        return parts.get(part).stream().mapToInt(dataset::labelIndex).toArray();
    }
}
