package org.privtune.attack.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.privtune.data.Dataset;
import org.privtune.data.Record;
import org.privtune.data.builtin.ReviewSentences;

/**
 * The attacker's public auxiliary text for the learned inversion: sentences cut out of the
 * built-in {@code imdb} reviews (in its fixed shuffled order), 4 to 40 words long, never one
 * that also occurs (case- and space-insensitively) among the victim's sentences and none of a review
 * that is a victim record itself (a victim sampled from {@code imdb}), so the auxiliary text is
 * disjoint from the victim's data even though both come from movie reviews.
 */
public final class AuxiliaryText {

    private AuxiliaryText() {
    }

    public static List<String> sentences(Dataset imdb, Dataset victim, int count) {
        Set<String> victimKeys = ReviewSentences.keys(victim.records());
        List<String> out = new ArrayList<>();
        for (Record r : imdb.records()) {
            if (victimKeys.contains(ReviewSentences.key(r.text()))) {
                continue;
            }
            for (String t : ReviewSentences.split(r.text())) {
                int words = ReviewSentences.words(t);
                if (words >= 4 && words <= 40 && !victimKeys.contains(ReviewSentences.key(t))) {
                    out.add(t);
                    if (out.size() >= count) {
                        return out;
                    }
                }
            }
        }
        return out;
    }
}
