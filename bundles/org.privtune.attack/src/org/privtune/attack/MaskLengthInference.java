package org.privtune.attack;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * M_len, a metadata attack: the attention mask the cloud receives gives each sentence's number of
 * positions. From its labelled public sentences the attacker learns, per number of positions, the
 * most frequent value of an attribute (the length bucket), and reads it off the victim's masks.
 * No representation is looked at: every mechanism that keeps the mask as it is gives the same
 * figure, and length hiding is what lowers it.
 */
public final class MaskLengthInference {

    private MaskLengthInference() {
    }

    /** Result: the attack's accuracy and the majority share of the victim's values. */
    public record Result(double accuracy, double majority) {
    }

    /** Unmasked positions of every sentence, in order. */
    public static int[] lengths(ObservedRepresentations observed) {
        int[] out = new int[observed.sentences()];
        int k = 0;
        for (ObservedRepresentations.Batch b : observed.batches()) {
            for (int s = 0; s < b.sentences(); s++) {
                int n = 0;
                for (int t = 0; t < b.length(); t++) {
                    n += b.mask()[s * b.length() + t] != 0 ? 1 : 0;
                }
                out[k++] = n;
            }
        }
        return out;
    }

    /**
     * @param train      the attacker's observations of its own labelled sentences
     * @param trainValue the attribute of each of them, in order
     * @param test       the victim's observations
     * @param testValue  the victim's true values (for scoring only)
     */
    public static Result run(ObservedRepresentations train, List<String> trainValue, ObservedRepresentations test,
            List<String> testValue) {
        int[] tl = lengths(train);
        int[] el = lengths(test);
        if (tl.length != trainValue.size() || el.length != testValue.size()) {
            throw new IllegalArgumentException("observations and values disagree in number");
        }
        Map<Integer, Map<String, Integer>> counts = new HashMap<>();
        Map<String, Integer> overall = new HashMap<>();
        for (int i = 0; i < tl.length; i++) {
            counts.computeIfAbsent(tl[i], x -> new HashMap<>()).merge(trainValue.get(i), 1, Integer::sum);
            overall.merge(trainValue.get(i), 1, Integer::sum);
        }
        String fallback = argMax(overall);
        int hits = 0;
        Map<String, Integer> truth = new HashMap<>();
        for (int i = 0; i < el.length; i++) {
            Map<String, Integer> c = counts.get(el[i]);
            String guess = c == null ? fallback : argMax(c);
            hits += guess.equals(testValue.get(i)) ? 1 : 0;
            truth.merge(testValue.get(i), 1, Integer::sum);
        }
        int major = truth.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return new Result(el.length == 0 ? Double.NaN : hits / (double) el.length,
                el.length == 0 ? Double.NaN : major / (double) el.length);
    }

    /** The most frequent key; ties go to the smallest key, so that the result does not depend on hashing. */
    private static String argMax(Map<String, Integer> counts) {
        String best = null;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (best == null || e.getValue() > counts.get(best)
                    || (e.getValue().equals(counts.get(best)) && e.getKey().compareTo(best) < 0)) {
                best = e.getKey();
            }
        }
        return best;
    }
}
