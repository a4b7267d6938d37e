package org.privtune.data.describe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.DatasetSplit;
import org.privtune.data.Record;
import org.privtune.data.SplitSpec;

class DatasetDescriberTest {

    private static final Function<String, List<String>> WHITESPACE = t -> Arrays.asList(t.split(" "));

    private static Dataset small() {
        List<Record> rs = new ArrayList<>();
        rs.add(new Record("1", "good film good fun good", "pos", null, Map.of("site", "a")));
        rs.add(new Record("2", "good acting good", "pos", null, Map.of("site", "a")));
        rs.add(new Record("3", "bad film , boring plot and bad acting overall bad", "neg", null, Map.of("site", "b")));
        rs.add(new Record("4", "bad bad", "neg", null, Map.of("site", "a")));
        return Dataset.of("small", rs);
    }

    @Test
    void histogramBinsAndStatistics() {
        Histogram h = Histogram.of(new int[] {5, 1, 3, 3, 9, 0}, 5);
        assertEquals(0, h.min());
        assertEquals(9, h.max());
        assertEquals(3, h.median());
        assertEquals(21 / 6.0, h.mean(), 1e-9);
        assertEquals(6, h.total());
        // p99 = 9 -> width nice(10/5) = 2 -> bins 0-1,2-3,4-5,6-7,8-9
        assertEquals(List.of("0-1", "2-3", "4-5", "6-7", "8-9"), h.bins().stream().map(Histogram.Bin::label).toList());
        assertEquals(List.of(2, 2, 1, 0, 1), h.bins().stream().map(Histogram.Bin::count).toList());
        assertEquals(5, Histogram.niceWidth(4.2));
        assertEquals(20, Histogram.niceWidth(11));
    }

    @Test
    void longTailGoesToAnOpenLastBin() {
        int[] v = new int[200];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 10;
        }
        v[199] = 100_000;
        Histogram h = Histogram.of(v, 10);
        Histogram.Bin last = h.bins().get(h.bins().size() - 1);
        assertTrue(last.openEnded());
        assertEquals(1, last.count());
        assertEquals(200, h.total());
    }

    @Test
    void describesCountsLengthsTruncationCoverageAndTokens() {
        Dataset d = small();
        Set<String> vocab = Set.of("good", "film", "fun", "acting", "bad", ",", "boring");
        Function<String, List<String>> tok = t -> WHITESPACE.apply(t).stream().map(w -> vocab.contains(w) ? w : "[UNK]").toList();
        DatasetSplit split = d.split(new SplitSpec(0.5, 0, 0.5, 1));
        DatasetDescription desc = DatasetDescriber.describe(d, split, tok,
                DescribeOptions.DEFAULTS.withMaxTokens(3), Progress.NONE);
        assertEquals(4, desc.records());
        assertEquals(List.of("neg", "pos"), desc.labels());
        assertEquals(Map.of("neg", 2, "pos", 2), desc.countsPerLabel());
        assertEquals(Map.of("neg", 1, "pos", 1), desc.countsPerSplit().get(DatasetSplit.Part.TEST));
        assertEquals(20, desc.tokens()); // 5 + 3 + 10 + 2
        assertEquals(3, desc.unknownTokens()); // plot, and, overall
        assertEquals(3 / 20.0, desc.unknownShare(), 1e-12);
        assertEquals(0.5, desc.truncatedShare(), 1e-12); // 5 and 10 tokens exceed 3
        assertEquals(2, desc.tokenLength().min());
        assertEquals(10, desc.tokenLength().max());
        assertEquals(new DatasetDescription.TokenCount("good", 5), desc.topTokens().get("pos").get(0));
        assertEquals(new DatasetDescription.TokenCount("bad", 5), desc.topTokens().get("neg").get(0));
        // punctuation and [UNK] are not listed
        assertTrue(desc.topTokens().get("neg").stream().noneMatch(t -> t.token().equals(",") || t.token().equals("[UNK]")));
        assertEquals("bad", desc.distinctiveTokens().get("neg").get(0).token());
        assertEquals("good", desc.distinctiveTokens().get("pos").get(0).token());
        assertEquals(Map.of("site", Map.of("a", 3, "b", 1)), desc.attributeCounts());
    }

    @Test
    void threadsDoNotChangeTheResult() {
        List<Record> rs = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            rs.add(new Record("r" + i, "word" + (i % 37) + " other" + (i % 11) + " x".repeat(i % 50), i % 3 == 0 ? "a" : "b"));
        }
        Dataset d = Dataset.of("many", rs);
        DatasetDescription one = DatasetDescriber.describe(d, null, SimpleTokenizers.basic(),
                DescribeOptions.DEFAULTS.withThreads(1), Progress.NONE);
        DatasetDescription three = DatasetDescriber.describe(d, null, SimpleTokenizers.basic(),
                DescribeOptions.DEFAULTS.withThreads(3), Progress.NONE);
        assertEquals(one, three);
    }

    @Test
    void basicAndWordPieceTokenizers() {
        assertEquals(List.of("it", "'", "s", "great", ",", "really", "!"),
                SimpleTokenizers.basic().apply("It's GREAT,  really!"));
        Function<String, List<String>> wp = SimpleTokenizers.wordPiece(Set.of("un", "##aff", "##able", "the"), "[UNK]");
        assertEquals(List.of("the", "un", "##aff", "##able", "[UNK]"), wp.apply("The unaffable xyz"));
    }

    @Test
    void tableShowsTheFigures() {
        DatasetDescription desc = DatasetDescriber.describe(small(), small().split(new SplitSpec(0.5, 0, 0.5, 1)),
                WHITESPACE, DescribeOptions.DEFAULTS.withMaxTokens(3), Progress.NONE);
        String table = DescriptionTable.render(desc);
        assertTrue(table.startsWith("Data set: small (4 records, 2 labels)"), table);
        assertTrue(table.contains("Truncated at 3 tokens: 50.0% of texts"), table);
        assertTrue(table.matches("(?s).*\\n  neg\\s+2\\s+50\\.0%\\s+1\\s+0\\s+1\\n.*"), table);
        assertTrue(table.contains("good (5)"), table);
        assertTrue(table.contains("site       a 3, b 1  75.0%"), table);
        assertTrue(table.lines().noneMatch(l -> l.endsWith(" ")), "no trailing blanks");
    }
}
