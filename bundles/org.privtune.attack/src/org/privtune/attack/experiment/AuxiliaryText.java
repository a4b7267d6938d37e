package org.privtune.attack.experiment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.privtune.data.Dataset;
import org.privtune.data.Record;

/**
 * The attacker's public auxiliary text for the learned inversion: sentences cut out of the
 * built-in {@code imdb} reviews (in its fixed shuffled order), 4 to 40 words long, never one
 * that also occurs (case- and space-insensitively) among the victim's sentences, so the auxiliary
 * text is disjoint from the victim's data even though both come from movie reviews.
 */
public final class AuxiliaryText {

    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");

    private AuxiliaryText() {
    }

    public static List<String> sentences(Dataset imdb, Dataset victim, int count) {
        Set<String> victimKeys = new HashSet<>();
        for (Record r : victim.records()) {
            victimKeys.add(key(r.text()));
        }
        List<String> out = new ArrayList<>();
        for (Record r : imdb.records()) {
            for (String s : SENTENCE_END.split(r.text())) {
                String t = s.strip();
                int words = t.isEmpty() ? 0 : t.split("\\s+").length;
                if (words >= 4 && words <= 40 && !victimKeys.contains(key(t))) {
                    out.add(t);
                    if (out.size() >= count) {
                        return out;
                    }
                }
            }
        }
        return out;
    }

    static String key(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
    }
}
