package org.privtune.mechanism;

import java.util.Arrays;
import java.util.List;

/**
 * How much each token type tells about the task label, measured on the device's own labelled
 * training split (it never leaves the device as text; the attacker is assumed to know the
 * resulting table anyway, like every mechanism parameter). Our choice of score: the
 * Kullback-Leibler divergence KL(P(y | v) || P(y)) with P(y | v) smoothed towards the prior by
 * {@link #PSEUDO_COUNT} occurrences, so that a type seen once cannot look decisive. It is the
 * per-occurrence share of the mutual information between token and label; ranking by it and
 * taking types until an occurrence budget is spent is the greedy answer to "keep the most label
 * information for a given share of kept tokens" ({@link #keptTypes}).
 */
public final class TaskRelevance {

    /** Prior pseudo-occurrences mixed into P(y | v) by default. */
    public static final double PSEUDO_COUNT = 2.0;

    private final double[] score;
    private final long[] count;
    private final long total;
    private final int[] dominant;
    /** Training occurrences per class and type, kept so that the scores can be re-smoothed. */
    private final long[][] classCounts;
    private final long[] perClass;
    private final double pseudoCount;

    private TaskRelevance(double[] score, long[] count, long total, int[] dominant, long[][] classCounts,
            long[] perClass, double pseudoCount) {
        this.score = score;
        this.count = count;
        this.total = total;
        this.dominant = dominant;
        this.classCounts = classCounts;
        this.perClass = perClass;
        this.pseudoCount = pseudoCount;
    }

    /**
     * @param sentences token ids of each training sentence (padding excluded)
     * @param labels    class index of each sentence, in [0, classes)
     */
    public static TaskRelevance fromLabelledIds(int vocabSize, List<int[]> sentences, int[] labels, int classes,
            SpecialTokens tokens) {
        if (sentences.size() != labels.length) {
            throw new IllegalArgumentException(sentences.size() + " sentences but " + labels.length + " labels");
        }
        long[][] c = new long[classes][vocabSize];
        long[] perClass = new long[classes];
        long[] count = new long[vocabSize];
        long total = 0;
        for (int s = 0; s < labels.length; s++) {
            int y = labels[s];
            if (y < 0 || y >= classes) {
                throw new IllegalArgumentException("label " + y + " of sentence " + s + " outside [0, " + classes + ")");
            }
            for (int id : sentences.get(s)) {
                if (id >= 0 && id < vocabSize && !tokens.isSpecial(id)) {
                    c[y][id]++;
                    perClass[y]++;
                    count[id]++;
                    total++;
                }
            }
        }
        return fromCounts(c, perClass, count, total, PSEUDO_COUNT);
    }

    /**
     * The same counts scored with another pseudo count. Why (docs/design-notes.md): with the
     * default 2 and 1,500 training sentences, thousands of types seen once or twice look as
     * label-informative as "great"; a larger pseudo count shrinks them towards the prior, so that
     * the kept set is made of types whose label evidence rests on many occurrences.
     */
    public TaskRelevance withPseudoCount(double pseudo) {
        if (!(pseudo >= 0) || Double.isInfinite(pseudo)) {
            throw new IllegalArgumentException("pseudo count must be finite and >= 0, got " + pseudo);
        }
        return pseudo == pseudoCount ? this : fromCounts(classCounts, perClass, count, total, pseudo);
    }

    /**
     * The counts of this table and {@code other} added (same vocabulary and classes), scored with
     * this table's pseudo count: relevance over the union of the two labelled corpora.
     */
    public TaskRelevance plus(TaskRelevance other) {
        if (other.vocabSize() != vocabSize() || other.classCounts.length != classCounts.length) {
            throw new IllegalArgumentException("relevance tables differ: " + vocabSize() + " x " + classCounts.length
                    + " types x classes against " + other.vocabSize() + " x " + other.classCounts.length);
        }
        int classes = classCounts.length;
        long[][] c = new long[classes][];
        long[] per = new long[classes];
        for (int y = 0; y < classes; y++) {
            c[y] = new long[vocabSize()];
            for (int v = 0; v < c[y].length; v++) {
                c[y][v] = classCounts[y][v] + other.classCounts[y][v];
            }
            per[y] = perClass[y] + other.perClass[y];
        }
        long[] n = new long[vocabSize()];
        for (int v = 0; v < n.length; v++) {
            n[v] = count[v] + other.count[v];
        }
        return fromCounts(c, per, n, total + other.total, pseudoCount);
    }

    /** The pseudo count of the scores. */
    public double pseudoCount() {
        return pseudoCount;
    }

    private static TaskRelevance fromCounts(long[][] c, long[] perClass, long[] count, long total, double pseudo) {
        int classes = c.length;
        int vocabSize = count.length;
        double[] prior = new double[classes];
        for (int y = 0; y < classes; y++) {
            prior[y] = total == 0 ? 1.0 / classes : perClass[y] / (double) total;
        }
        double[] score = new double[vocabSize];
        int[] dominant = new int[vocabSize];
        Arrays.fill(dominant, -1);
        for (int v = 0; v < vocabSize; v++) {
            if (count[v] == 0) {
                continue;
            }
            double kl = 0;
            double lift = Double.NEGATIVE_INFINITY;
            for (int y = 0; y < classes; y++) {
                if (prior[y] <= 0) {
                    continue;
                }
                double p = (c[y][v] + pseudo * prior[y]) / (count[v] + pseudo);
                kl += p > 0 ? p * Math.log(p / prior[y]) : 0;
                if (p / prior[y] > lift) {
                    lift = p / prior[y];
                    dominant[v] = y;
                }
            }
            score[v] = kl;
        }
        return new TaskRelevance(score, count, total, dominant, c, perClass, pseudo);
    }

    public int vocabSize() {
        return score.length;
    }

    /** KL(P(y | v) || P(y)) of type v (0 for types never seen in training). */
    public double score(int v) {
        return score[v];
    }

    /** Training occurrences of type v. */
    public long count(int v) {
        return count[v];
    }

    /** The label whose share type v raises most over its prior (-1 for types never seen). */
    public int dominantLabel(int v) {
        return dominant[v];
    }

    /** The {@code n} most frequent training types that {@code exclude} does not mark, most frequent first. */
    public int[] mostFrequent(int n, boolean[] exclude) {
        Integer[] order = new Integer[count.length];
        for (int v = 0; v < order.length; v++) {
            order[v] = v;
        }
        Arrays.sort(order, (a, b) -> Long.compare(count[b], count[a]));
        int[] out = new int[Math.min(n, order.length)];
        int k = 0;
        for (int v : order) {
            if (k == out.length || count[v] == 0) {
                break;
            }
            if (exclude == null || !exclude[v]) {
                out[k++] = v;
            }
        }
        return Arrays.copyOf(out, k);
    }

    /**
     * The most label-informative types whose training occurrences together make up at most
     * {@code fraction} of all (non-special) training tokens, taken greedily by score.
     */
    public boolean[] keptTypes(double fraction) {
        boolean[] keep = new boolean[score.length];
        if (!(fraction > 0) || total == 0) {
            return keep;
        }
        Integer[] order = new Integer[score.length];
        for (int v = 0; v < order.length; v++) {
            order[v] = v;
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        long budget = (long) Math.floor(fraction * total);
        long used = 0;
        for (int v : order) {
            if (count[v] == 0 || score[v] <= 0) {
                break;
            }
            if (used + count[v] <= budget) {
                keep[v] = true;
                used += count[v];
            }
        }
        return keep;
    }
}
