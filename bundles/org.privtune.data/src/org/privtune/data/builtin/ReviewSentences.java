package org.privtune.data.builtin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.privtune.data.Dataset;
import org.privtune.data.Record;

/**
 * Sentences cut out of long review texts (the built-in {@code imdb} set), for the public text both
 * sides may use: the attacker's auxiliary text and the device's public labelled text. A sentence
 * ends at '.', '!' or '?' followed by white space; texts are compared case- and
 * space-insensitively ({@link #key}), so "disjoint from the victim's sentences" survives
 * differences in spacing and case.
 */
public final class ReviewSentences {

    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private ReviewSentences() {
    }

    /** The sentences of one text, stripped, empty ones left out. */
    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        for (String s : SENTENCE_END.split(text)) {
            String t = s.strip();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    /** The comparison key of a text: lower case, runs of white space as one space. */
    public static String key(String text) {
        return SPACES.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
    }

    /** Number of white-space separated words. */
    public static int words(String sentence) {
        String t = sentence.strip();
        return t.isEmpty() ? 0 : SPACES.split(t).length;
    }

    /** Whether {@code review} is a victim record itself or holds one of the victim's sentences. */
    public static boolean holdsAny(Record review, Set<String> victimKeys) {
        if (victimKeys.contains(key(review.text()))) {
            return true;
        }
        for (String s : split(review.text())) {
            if (victimKeys.contains(key(s))) {
                return true;
            }
        }
        return false;
    }

    /** The keys of every record's text. */
    public static Set<String> keys(Collection<Record> records) {
        Set<String> out = new HashSet<>();
        for (Record r : records) {
            out.add(key(r.text()));
        }
        return out;
    }

    /**
     * Labelled sentences and how many reviews were left out for them.
     *
     * @param sentences      records with ids {@code <review id>/<sentence index>}, the review's label
     *                       and source
     * @param reviewsLeftOut reviews (among those read) that held a sentence to exclude
     */
    public record Labelled(List<Record> sentences, int reviewsLeftOut) {
    }

    /**
     * Labelled sentences: every sentence of {@code minWords} to {@code maxWords} words of each review, with
     * the review's label, skipping every review that holds a sentence in {@code exclude} (keys) or
     * is itself in it (a victim sampled from these very reviews), so that no review a victim
     * sentence came from contributes, not even its other sentences.
     * One pass over the reviews.
     *
     * @param maxSentences stop after this many (0: no limit)
     */
    public static Labelled labelled(Dataset reviews, Set<String> exclude, int minWords, int maxWords,
            int maxSentences) {
        List<Record> out = new ArrayList<>();
        int leftOut = 0;
        for (Record r : reviews.records()) {
            List<String> sentences = split(r.text());
            if (holdsAny(r, exclude)) {
                leftOut++;
                continue;
            }
            for (int i = 0; i < sentences.size(); i++) {
                int w = words(sentences.get(i));
                if (w >= minWords && w <= maxWords) {
                    out.add(new Record(r.id() + "/" + i, sentences.get(i), r.label(), r.source(), null));
                    if (maxSentences > 0 && out.size() >= maxSentences) {
                        return new Labelled(out, leftOut);
                    }
                }
            }
        }
        return new Labelled(out, leftOut);
    }
}
