package org.privtune.mechanism;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.Record;
import org.privtune.data.builtin.BuiltinDatasets;
import org.privtune.data.builtin.ReviewSentences;
import org.privtune.model.TextTokenizer;

/**
 * Task relevance counted on public labelled text, for {@code privtune-swap}'s
 * {@code relevance=imdb} and {@code relevance=both}: the sentences of the built-in {@code imdb}
 * reviews (4 to 40 words, each with its review's label), leaving out every review that holds one of
 * the victim's sentences (so no label of a victim sentence reaches the table, not even through the
 * other sentences of its review). Why: the device's own training split has 1,500 sentences, so the
 * relevance of every word it never saw is 0 and such a word is sent as its cluster's word even when
 * it says "great" or "awful" (docs/results.md).
 */
public final class PublicRelevance {

    /** Shortest and longest sentence taken, in words (as for the attacker's auxiliary text). */
    public static final int MIN_WORDS = 4;
    public static final int MAX_WORDS = 40;

    private static final int CHUNK = 4_096;

    private PublicRelevance() {
    }

    /** What was counted: the table and how much text went into it. */
    public record Table(TaskRelevance relevance, int sentences, int reviewsLeftOut) {
    }

    /**
     * @param victim the victim's data set: its labels must be IMDB's (negative, positive) and its
     *               sentences are kept out
     */
    public static Table build(Dataset victim, TextTokenizer tokenizer, SpecialTokens tokens, Progress progress) {
        ReviewSentences.Labelled text = sentences(victim, progress);
        List<Record> sentences = text.sentences();
        int[] labels = new int[sentences.size()];
        List<int[]> ids = new ArrayList<>(sentences.size());
        progress.begin("Public task relevance: tokenising " + sentences.size() + " IMDB sentences",
                (sentences.size() + CHUNK - 1) / CHUNK);
        for (int s = 0; s < sentences.size(); s += CHUNK) {
            progress.checkCancelled();
            List<Record> chunk = sentences.subList(s, Math.min(sentences.size(), s + CHUNK));
            ids.addAll(ModelResources.tokenIds(chunk.stream().map(Record::text).toList(), tokenizer));
            for (int i = 0; i < chunk.size(); i++) {
                labels[s + i] = victim.labelIndex(chunk.get(i).label());
            }
            progress.worked(1);
        }
        TaskRelevance rel = TaskRelevance.fromLabelledIds(tokens.vocabSize(), ids, labels, victim.labels().size(),
                tokens);
        return new Table(rel, sentences.size(), text.reviewsLeftOut());
    }

    /**
     * The public labelled text: every sentence of {@link #MIN_WORDS}-{@link #MAX_WORDS} words of the
     * built-in IMDB reviews with its review's label, no review that holds one of the victim's
     * sentences. Refused (naming {@code relevance}) unless the victim's labels are IMDB's.
     */
    public static ReviewSentences.Labelled sentences(Dataset victim, Progress progress) {
        Dataset imdb = BuiltinDatasets.load("imdb", progress);
        if (!imdb.labels().equals(victim.labels())) {
            throw new InvalidInputException("data set " + victim.name(), 0, "relevance",
                    "relevance=imdb/both counts IMDB's labels " + imdb.labels() + ", but the victim's labels are "
                            + victim.labels());
        }
        Set<String> victimKeys = ReviewSentences.keys(victim.records());
        return ReviewSentences.labelled(imdb, victimKeys, MIN_WORDS, MAX_WORDS, 0);
    }

    /**
     * {@code spec} as it can run on {@code victim}: relevance counted on public IMDB text
     * ({@code relevance=imdb} or {@code both}) matches only a victim with IMDB's labels; for any
     * other label set the spec counts it on the device's own training split ({@code relevance=train}).
     */
    public static MechanismSpec applicable(MechanismSpec spec, Dataset victim) {
        if (MechanismSpec.RELEVANCE_TRAIN.equals(spec.relevance()) || labelsMatch(victim)) {
            return spec;
        }
        return spec.with("relevance", MechanismSpec.RELEVANCE_TRAIN, spec.toString());
    }

    /** True when the victim's labels are IMDB's, so that public IMDB counts can rank its words. */
    public static boolean labelsMatch(Dataset victim) {
        return BuiltinDatasets.SENTIMENT_LABELS.equals(victim.labels());
    }

    /**
     * {@code resources} with the public table when {@code spec} asks for it ({@code relevance=imdb}
     * or {@code both}) and it is not there yet (counted now, about a minute); otherwise as given.
     */
    public static MechanismResources withTableFor(MechanismResources resources, MechanismSpec spec, Dataset victim,
            TextTokenizer tokenizer, Progress progress) {
        if (MechanismSpec.RELEVANCE_TRAIN.equals(spec.relevance()) || resources.publicRelevance() != null) {
            return resources;
        }
        Table t = build(victim, tokenizer, resources.tokens(), progress);
        progress.subTask(String.format(java.util.Locale.ROOT,
                "public task relevance: %d IMDB sentences (%d reviews holding a victim sentence left out)",
                t.sentences(), t.reviewsLeftOut()));
        return resources.withPublicRelevance(t.relevance());
    }
}
