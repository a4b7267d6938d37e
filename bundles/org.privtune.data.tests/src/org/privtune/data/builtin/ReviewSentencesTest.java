package org.privtune.data.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.privtune.data.Dataset;
import org.privtune.data.Record;

class ReviewSentencesTest {

    private static Dataset reviews() {
        return new Dataset("reviews", List.of(
                new Record("r1", "A truly great film from start to end. Loved it!  I would watch it  again tomorrow.",
                        "positive"),
                new Record("r2", "The plot made no sense at all. Acting was  WOODEN and flat throughout. Skip.",
                        "negative"),
                new Record("r3", "Worst two hours of my life, honestly. The music was fine though in places.",
                        "negative")),
                List.of("negative", "positive"));
    }

    @Test
    void splitsAtSentenceEndsAndComparesWithoutCaseOrSpacing() {
        assertEquals(List.of("A truly great film from start to end.", "Loved it!", "I would watch it  again tomorrow."),
                ReviewSentences.split(reviews().records().get(0).text()));
        assertEquals("acting was wooden and flat throughout.", ReviewSentences.key("  Acting   was WOODEN\tand flat throughout. "));
        assertEquals(5, ReviewSentences.words(" a b  c d\te "));
        assertEquals(0, ReviewSentences.words("   "));
    }

    @Test
    void labelledSentencesCarryTheirReviewsLabelAndLeaveOutWholeReviewsHoldingAnExcludedText() {
        Set<String> victim = Set.of(ReviewSentences.key("acting was wooden and FLAT throughout."));
        List<Record> all = ReviewSentences.labelled(reviews(), Set.of(), 4, 40, 0).sentences();
        // "Loved it!" (2 words) and "Skip." (1) are too short
        assertEquals(List.of("r1/0", "r1/2", "r2/0", "r2/1", "r3/0", "r3/1"), all.stream().map(Record::id).toList());
        assertEquals(List.of("positive", "positive", "negative", "negative", "negative", "negative"),
                all.stream().map(Record::label).toList());
        ReviewSentences.Labelled left = ReviewSentences.labelled(reviews(), victim, 4, 40, 0);
        List<Record> kept = left.sentences();
        assertEquals(List.of("r1/0", "r1/2", "r3/0", "r3/1"), kept.stream().map(Record::id).toList(),
                "r2 holds the victim's sentence: its other sentence goes too");
        assertEquals(1, left.reviewsLeftOut());
        assertEquals(3, ReviewSentences.labelled(reviews(), victim, 4, 40, 3).sentences().size(), "limit");
        Set<String> sampledReview = ReviewSentences.keys(List.of(reviews().records().get(2)));
        assertEquals(List.of("r1/0", "r1/2", "r2/0", "r2/1"),
                ReviewSentences.labelled(reviews(), sampledReview, 4, 40, 0).sentences().stream().map(Record::id)
                        .toList(),
                "a victim record that is a whole review takes all its sentences out");
        assertTrue(ReviewSentences.labelled(reviews(), Set.of(), 4, 6, 0).sentences().stream()
                .allMatch(r -> ReviewSentences.words(r.text()) <= 6), "max words");
    }
}
