package org.privtune.data.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.DatasetSplit;
import org.privtune.data.Record;
import org.privtune.data.SplitSpec;

/**
 * Loads the real built-in data sets (fetched once with npm into the data directory, then read
 * from the cached, checksum-verified tarballs).
 */
class BuiltinDatasetsTest {

    private static Map<String, Long> count(Dataset d, java.util.function.Function<Record, String> key) {
        return d.records().stream().collect(Collectors.groupingBy(key, java.util.TreeMap::new, Collectors.counting()));
    }

    @Test
    void sentimentHasThreeSitesOfBalancedSentencesWithAttributes() {
        Dataset d = BuiltinDatasets.load("sentiment", Progress.NONE);
        assertEquals(3000, d.size());
        assertEquals(List.of("negative", "positive"), d.labels());
        assertEquals(Map.of("amazon", 1000L, "imdb", 1000L, "yelp", 1000L), count(d, Record::source));
        assertEquals(Map.of("negative", 1500L, "positive", 1500L), count(d, Record::label));
        for (Record r : d.records()) {
            assertFalse(r.text().isBlank());
            assertEquals(r.source(), r.attribute(SentimentAttributes.SOURCE));
            assertTrue(List.of("short", "medium", "long").contains(r.attribute(SentimentAttributes.LENGTH)));
            assertTrue(List.of("yes", "no").contains(r.attribute(SentimentAttributes.NUMBER_OR_NAME)));
        }
        Record first = d.records().stream().filter(r -> r.id().equals("yelp-0001")).findFirst().orElseThrow();
        assertEquals("Wow... Loved this place.", first.text());
        assertEquals("positive", first.label());
        // the length buckets are terciles, so none may be tiny
        count(d, r -> r.attribute(SentimentAttributes.LENGTH)).values().forEach(n -> assertTrue(n > 700, "" + n));
        long named = count(d, r -> r.attribute(SentimentAttributes.NUMBER_OR_NAME)).get("yes");
        assertTrue(named > 150 && named < 1500, "has_number_or_capitalised_name=yes on " + named);

        DatasetSplit split = d.split(SplitSpec.DEFAULT);
        assertEquals(2100, split.train().size());
        assertEquals(450, split.dev().size());
        assertEquals(450, split.test().size());
        assertEquals(Map.of("negative", 225, "positive", 225), split.countsPerLabel(DatasetSplit.Part.TEST));
    }

    @Test
    void attributeHeuristics() {
        assertEquals("short", SentimentAttributes.lengthBucket("Crust is not good."));
        assertEquals("medium", SentimentAttributes.lengthBucket("one two three four five six seven eight"));
        assertEquals("long", SentimentAttributes.lengthBucket("w ".repeat(15)));
        assertTrue(SentimentAttributes.hasNumberOrCapitalisedName("I gave it 2 stars."));
        assertTrue(SentimentAttributes.hasNumberOrCapitalisedName("Stopped by on the advice of Rick Steve."));
        assertFalse(SentimentAttributes.hasNumberOrCapitalisedName("Great food. Loved it and I'm coming back."));
        assertFalse(SentimentAttributes.hasNumberOrCapitalisedName("This is NOT good."));
        assertFalse(SentimentAttributes.hasNumberOrCapitalisedName("The Songs Were The Best."));
    }

    @Test
    void imdbIsShuffledBalancedAndFreeOfLineBreakTags() {
        Dataset d = BuiltinDatasets.load("imdb", Progress.NONE);
        assertEquals(50000, d.size());
        assertEquals(Map.of("negative", 25000L, "positive", 25000L), count(d, Record::label));
        assertTrue(d.records().stream().noneMatch(r -> r.text().contains("<br")));
        long positivesInFirst1000 = d.records().subList(0, 1000).stream().filter(r -> r.label().equals("positive")).count();
        assertTrue(positivesInFirst1000 > 400 && positivesInFirst1000 < 600, "" + positivesInFirst1000);
        assertEquals(d.records().subList(0, 5).stream().map(Record::id).toList(),
                d.shuffled(0).shuffled(BuiltinDatasets.IMDB_SHUFFLE_SEED).records().subList(0, 5).stream().map(Record::id).toList());
    }

    @Test
    void spamKeepsSubjectAndBodyOnly() {
        Dataset d = BuiltinDatasets.load("spam", Progress.NONE);
        assertEquals(6046, d.size());
        assertEquals(Map.of("ham", 4150L, "spam", 1896L), count(d, Record::label));
        Record first = d.records().stream().filter(r -> r.id().equals("spam-1/00001")).findFirst().orElseThrow();
        assertTrue(first.text().startsWith("Life Insurance - Why Pay More?\n"), first.text().substring(0, 60));
        assertFalse(first.text().contains("Return-Path:"));
        assertFalse(first.text().contains("<TABLE"));
    }

    @Test
    void subjectAndBodyUnfoldsTheSubject() {
        String raw = "From: a@b\nSubject: Hello\n  world\nX-Other: 1\n\n<p>Body  text</p>\n";
        assertEquals("Hello world\nBody text", BuiltinDatasets.subjectAndBody(raw));
    }

    @Test
    void reutersHasTheEightLargestSingleTopics() {
        Dataset d = BuiltinDatasets.load("reuters", Progress.NONE);
        assertEquals(7943, d.size());
        assertEquals(List.of("earn", "acq", "crude", "trade", "money-fx", "interest", "ship", "money-supply"), d.labels());
        Map<String, Long> counts = count(d, Record::label);
        assertTrue(counts.get("earn") > counts.get("acq") && counts.get("acq") > counts.get("crude"));
    }
}
