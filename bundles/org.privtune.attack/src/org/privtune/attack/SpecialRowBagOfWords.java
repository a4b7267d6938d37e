package org.privtune.attack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.privtune.core.Progress;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A sentence-level attack on the rows a representation mechanism leaves alone: the [CLS] and
 * [SEP] rows are sent as the bottom computed them, and after a few layers of attention they
 * summarise the clean sentence. The attacker concatenates the two rows of each of its auxiliary
 * sentences and trains an MLP (standardised input -> Linear -> GELU -> Linear -> softmax over the
 * K most frequent non-special types of the auxiliary text) towards the sentence's bag of words
 * (soft target: its distinct in-vocabulary types, uniformly); for a victim sentence with n
 * distinct non-special types it then guesses the model's top n types.
 *
 * <p>Scored as micro precision@n (hits over predictions, summed over sentences) against the
 * frequency prior, which guesses the n most frequent auxiliary types for every sentence, both over
 * all types and over content types only (types outside the most frequent ones of the auxiliary
 * text, where the prior is weak and a hit means the representation gave the word away). Types the
 * auxiliary text never shows can never be guessed: that is the attacker's real limit and counts as
 * a miss, as in {@link LearnedInversion}.
 */
public final class SpecialRowBagOfWords {

    /**
     * @param classes       K, the most frequent non-special auxiliary types the model can predict
     * @param contentCutoff types among this many most frequent auxiliary types are function words;
     *                      every other type is a content type
     * @param hidden        hidden width of the MLP
     * @param epochs        passes over the auxiliary sentences
     * @param batchSize     sentences per Adam step
     * @param seed          the attacker's own seed (initial weights and shuffling)
     */
    public record Config(int classes, int contentCutoff, int hidden, int epochs, int batchSize, float learningRate,
            long seed) {

        public static Config defaults() {
            return new Config(2000, 100, 512, 10, 32, 1e-3f, 17L);
        }
    }

    /**
     * Micro precision@n of the attack and of the frequency prior over all non-special types and over
     * content types, and the number of victim sentences scored (those with at least one non-special
     * type).
     */
    public record Result(double precisionAll, double priorAll, double precisionContent, double priorContent,
            int sentences) {

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT,
                    "precision@n all %.4f (prior %.4f), content %.4f (prior %.4f), %d sentences", precisionAll,
                    priorAll, precisionContent, priorContent, sentences);
        }
    }

    private SpecialRowBagOfWords() {
    }

    /**
     * Trains the attacker's model on its auxiliary observations and scores it on the victim's.
     *
     * @param auxiliary    what the attacker's own mechanism instance sent for its auxiliary
     *                     sentences (with their true ids, known to the attacker)
     * @param test         what the victim sent (true ids for scoring only)
     * @param specialFlags per vocabulary id: [CLS], [SEP], [PAD] and the like
     */
    public static Result run(ObservedRepresentations auxiliary, ObservedRepresentations test, boolean[] specialFlags,
            Config cfg, NDManager manager, Progress progress) {
        progress.begin("Special-row bag of words: training on auxiliary text", cfg.epochs() + 1);
        try {
            Vocabulary vocab = Vocabulary.of(auxiliary, specialFlags, cfg.classes(), cfg.contentCutoff());
            Map<Long, Integer> idToClass = new HashMap<>();
            for (int c = 0; c < vocab.classes(); c++) {
                idToClass.put(vocab.ranking()[c], c);
            }
            // training rows: auxiliary sentences with at least one type the model can predict
            List<float[]> trainRows = new ArrayList<>();
            List<int[]> trainSets = new ArrayList<>();
            for (ObservedRepresentations.Batch b : auxiliary.batches()) {
                progress.checkCancelled();
                float[][] f = features(b, specialFlags);
                List<long[]> types = types(b, specialFlags);
                for (int s = 0; s < b.sentences(); s++) {
                    int[] set = Arrays.stream(types.get(s)).filter(idToClass::containsKey)
                            .mapToInt(id -> idToClass.get(id)).toArray();
                    if (set.length > 0) {
                        trainRows.add(f[s]);
                        trainSets.add(set);
                    }
                }
            }
            List<float[]> testRows = new ArrayList<>();
            List<long[]> testTypes = new ArrayList<>();
            for (ObservedRepresentations.Batch b : test.batches()) {
                progress.checkCancelled();
                float[][] f = features(b, specialFlags);
                List<long[]> types = types(b, specialFlags);
                for (int s = 0; s < b.sentences(); s++) {
                    testRows.add(f[s]);
                    testTypes.add(types.get(s));
                }
            }
            if (trainRows.isEmpty() || vocab.classes() == 0) {
                throw new IllegalArgumentException("no auxiliary sentence with a non-special type");
            }
            int width = trainRows.get(0).length;
            int maxAll = 0;
            int maxContent = 0;
            for (long[] t : testTypes) {
                maxAll = Math.max(maxAll, t.length);
                maxContent = Math.max(maxContent, (int) Arrays.stream(t).filter(vocab::isContent).count());
            }
            // enough of the model's ranking that, with the non-content classes struck out, n content types remain
            int k = Math.min(vocab.classes(), Math.max(maxAll, maxContent + vocab.frequent().size()));
            long[][] ranked;
            try (NDManager m = manager.newSubManager();
                    MlpClassifier mlp = new MlpClassifier(m, width, cfg.hidden(), vocab.classes(), cfg.learningRate(),
                            cfg.seed())) {
                NDArray x = m.create(AttributeInference.flatten(trainRows.toArray(new float[0][])),
                        new Shape(trainRows.size(), width));
                int[][] sets = trainSets.toArray(new int[0][]);
                Random random = new Random(cfg.seed());
                for (int e = 0; e < cfg.epochs(); e++) {
                    double loss = mlp.trainEpochSoft(x, sets, cfg.batchSize(), random, progress);
                    progress.subTask(String.format(java.util.Locale.ROOT, "epoch %d/%d loss %.3f", e + 1,
                            cfg.epochs(), loss));
                    progress.worked(1);
                }
                progress.checkCancelled();
                int[][] cls = testRows.isEmpty() ? new int[0][]
                        : mlp.topK(m.create(AttributeInference.flatten(testRows.toArray(new float[0][])),
                                new Shape(testRows.size(), width)), Math.max(1, k));
                ranked = new long[cls.length][];
                for (int i = 0; i < cls.length; i++) {
                    ranked[i] = new long[cls[i].length];
                    for (int j = 0; j < cls[i].length; j++) {
                        ranked[i][j] = vocab.ranking()[cls[i][j]];
                    }
                }
            }
            Result r = score(ranked, testTypes, vocab);
            progress.worked(1);
            return r;
        } finally {
            progress.done();
        }
    }

    /**
     * The non-special types of the auxiliary text, most frequent (by the number of sentences
     * holding them) first, ties by the smaller id; the first {@code classes} of them are the
     * model's classes, the first {@code contentCutoff} the function words ({@code frequent}).
     */
    record Vocabulary(long[] ranking, int classes, Set<Long> frequent) {

        static Vocabulary of(ObservedRepresentations auxiliary, boolean[] specialFlags, int maxClasses,
                int contentCutoff) {
            // sentence frequency, not occurrences: the prior guesses the types most sentences contain,
            // the best constant guess of a sentence's bag of words (a word repeated within sentences
            // would rank above one that more sentences hold)
            Map<Long, Integer> counts = new HashMap<>();
            for (ObservedRepresentations.Batch b : auxiliary.batches()) {
                for (int s = 0; s < b.sentences(); s++) {
                    Set<Long> seen = new HashSet<>();
                    for (int t = 0; t < b.length(); t++) {
                        int p = s * b.length() + t;
                        if (b.mask()[p] != 0 && !special(b.ids()[p], specialFlags) && seen.add(b.ids()[p])) {
                            counts.merge(b.ids()[p], 1, Integer::sum);
                        }
                    }
                }
            }
            return of(counts, maxClasses, contentCutoff);
        }

        /** From counts per non-special id (sentences holding it). */
        static Vocabulary of(Map<Long, Integer> counts, int maxClasses, int contentCutoff) {
            long[] ranking = counts.keySet().stream().sorted((a, b) -> {
                int c = Integer.compare(counts.get(b), counts.get(a));
                return c != 0 ? c : Long.compare(a, b);
            }).mapToLong(Long::longValue).toArray();
            Set<Long> frequent = new HashSet<>();
            for (int i = 0; i < Math.min(contentCutoff, ranking.length); i++) {
                frequent.add(ranking[i]);
            }
            return new Vocabulary(ranking, Math.min(maxClasses, ranking.length), frequent);
        }

        boolean isContent(long id) {
            return !frequent.contains(id);
        }
    }

    /**
     * Scores ranked guesses (ids, best first, per sentence) against each sentence's distinct
     * non-special types. A sentence with n types is credited with the hits among the first n
     * guesses over n predictions; guesses the ranking lacks count as misses. For content types,
     * both the truth and the guesses (the model's and the prior's) are restricted to the
     * vocabulary's content types before taking the first n.
     */
    static Result score(long[][] ranked, List<long[]> truth, Vocabulary v) {
        long[] prior = v.ranking();
        long[] priorContent = Arrays.stream(prior).filter(v::isContent).toArray();
        long hitsAll = 0;
        long priorHitsAll = 0;
        long predAll = 0;
        long hitsContent = 0;
        long priorHitsContent = 0;
        long predContent = 0;
        int sentences = 0;
        for (int i = 0; i < truth.size(); i++) {
            long[] t = truth.get(i);
            if (t.length == 0) {
                continue;
            }
            sentences++;
            Set<Long> all = new HashSet<>();
            Set<Long> content = new HashSet<>();
            for (long id : t) {
                all.add(id);
                if (v.isContent(id)) {
                    content.add(id);
                }
            }
            predAll += all.size();
            hitsAll += hits(ranked[i], all.size(), all, id -> true);
            priorHitsAll += hits(prior, all.size(), all, id -> true);
            predContent += content.size();
            hitsContent += hits(ranked[i], content.size(), content, v::isContent);
            priorHitsContent += hits(priorContent, content.size(), content, id -> true);
        }
        return new Result(ratio(hitsAll, predAll), ratio(priorHitsAll, predAll), ratio(hitsContent, predContent),
                ratio(priorHitsContent, predContent), sentences);
    }

    private static long hits(long[] ranking, int n, Set<Long> truth, java.util.function.LongPredicate eligible) {
        long h = 0;
        int taken = 0;
        for (int j = 0; j < ranking.length && taken < n; j++) {
            if (eligible.test(ranking[j])) {
                taken++;
                h += truth.contains(ranking[j]) ? 1 : 0;
            }
        }
        return h;
    }

    private static double ratio(long hits, long predictions) {
        return predictions == 0 ? Double.NaN : hits / (double) predictions;
    }

    /**
     * Per sentence of {@code b}, concat(row of its first special position, row of its last special
     * position), both among the positions with mask 1; with a single special row the second half is
     * zeros, with none both are. Found from the true ids because a mechanism that reorders tokens
     * may move them (ids are in sent order).
     */
    static float[][] features(ObservedRepresentations.Batch b, boolean[] specialFlags) {
        int d = b.dim();
        float[][] out = new float[b.sentences()][2 * d];
        for (int s = 0; s < b.sentences(); s++) {
            int first = -1;
            int last = -1;
            for (int t = 0; t < b.length(); t++) {
                int p = s * b.length() + t;
                if (b.mask()[p] != 0 && special(b.ids()[p], specialFlags)) {
                    if (first < 0) {
                        first = p;
                    }
                    last = p;
                }
            }
            if (first >= 0) {
                System.arraycopy(b.representations(), first * d, out[s], 0, d);
            }
            if (last >= 0 && last != first) {
                System.arraycopy(b.representations(), last * d, out[s], d, d);
            }
        }
        return out;
    }

    /** Distinct non-special ids with mask 1 of each sentence of {@code b}, in order of first appearance. */
    static List<long[]> types(ObservedRepresentations.Batch b, boolean[] specialFlags) {
        List<long[]> out = new ArrayList<>();
        for (int s = 0; s < b.sentences(); s++) {
            Set<Long> seen = new LinkedHashSet<>();
            for (int t = 0; t < b.length(); t++) {
                int p = s * b.length() + t;
                if (b.mask()[p] != 0 && !special(b.ids()[p], specialFlags)) {
                    seen.add(b.ids()[p]);
                }
            }
            out.add(seen.stream().mapToLong(Long::longValue).toArray());
        }
        return out;
    }

    private static boolean special(long id, boolean[] specialFlags) {
        return id >= 0 && id < specialFlags.length && specialFlags[(int) id];
    }
}
