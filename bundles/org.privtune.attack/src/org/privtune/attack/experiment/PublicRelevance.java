package org.privtune.attack.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.Record;
import org.privtune.data.builtin.BuiltinDatasets;
import org.privtune.data.builtin.ReviewSentences;
import org.privtune.mechanism.MiniLmResources;
import org.privtune.mechanism.SpecialTokens;
import org.privtune.mechanism.TaskRelevance;
import org.privtune.model.TextTokenizer;

/**
 * Task relevance counted on public labelled text, for {@code privtune-swap}'s
 * {@code relevance=imdb} and {@code relevance=both}: the sentences of the built-in {@code imdb}
 * reviews (4 to 40 words, each with its review's label), leaving out every review that holds one of
 * the victim's sentences (so no label of a victim sentence reaches the table, not even through the
 * other sentences of its review). Why: the device's own training split has 1,500 sentences, so the
 * relevance of every word it never saw is 0 and such a word is sent as its cluster's word even when
 * it says "great" or "awful" (docs/results.md, session 8).
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
        Dataset imdb = BuiltinDatasets.load("imdb", progress);
        if (!imdb.labels().equals(victim.labels())) {
            throw new InvalidInputException("data set " + victim.name(), 0, "relevance",
                    "relevance=imdb/both counts IMDB's labels " + imdb.labels() + ", but the victim's labels are "
                            + victim.labels());
        }
        Set<String> victimKeys = ReviewSentences.keys(victim.records());
        int leftOut = ReviewSentences.reviewsHolding(imdb, victimKeys);
        List<Record> sentences = ReviewSentences.labelled(imdb, victimKeys, MIN_WORDS, MAX_WORDS, 0);
        int[] labels = new int[sentences.size()];
        List<int[]> ids = new ArrayList<>(sentences.size());
        progress.begin("Public task relevance: tokenising " + sentences.size() + " IMDB sentences",
                (sentences.size() + CHUNK - 1) / CHUNK);
        for (int s = 0; s < sentences.size(); s += CHUNK) {
            progress.checkCancelled();
            List<Record> chunk = sentences.subList(s, Math.min(sentences.size(), s + CHUNK));
            ids.addAll(MiniLmResources.tokenIds(chunk.stream().map(Record::text).toList(), tokenizer));
            for (int i = 0; i < chunk.size(); i++) {
                labels[s + i] = victim.labelIndex(chunk.get(i).label());
            }
            progress.worked(1);
        }
        TaskRelevance rel = TaskRelevance.fromLabelledIds(MiniLmResources.VOCAB, ids, labels, victim.labels().size(),
                tokens);
        return new Table(rel, sentences.size(), leftOut);
    }
}
