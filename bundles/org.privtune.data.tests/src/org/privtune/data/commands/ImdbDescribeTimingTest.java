package org.privtune.data.commands;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.Record;
import org.privtune.data.builtin.BuiltinDatasets;
import org.privtune.data.describe.DescribeOptions;
import org.privtune.data.describe.SimpleTokenizers;

/**
 * The issue's acceptance figure: describing the 50,000 imdb reviews (load from the cached
 * tarball, split, tokenize, count, render) takes under 30 s on the project's 2-core machine.
 * The tokenizer is WordPiece over a 30k vocabulary, as the model's is; the vocabulary is made
 * from the reviews' own frequent words plus single characters, so some words split into pieces.
 */
class ImdbDescribeTimingTest {

    private static Set<String> vocabulary() {
        Dataset imdb = BuiltinDatasets.load("imdb", Progress.NONE);
        Map<String, Integer> freq = new HashMap<>();
        for (Record r : imdb.records().subList(0, 5000)) {
            for (String w : SimpleTokenizers.basic().apply(r.text())) {
                freq.merge(w, 1, Integer::sum);
            }
        }
        Set<String> vocab = new HashSet<>();
        for (char c = 33; c < 127; c++) {
            vocab.add(String.valueOf(c));
            vocab.add("##" + c);
        }
        freq.entrySet().stream().filter(e -> e.getValue() >= 3)
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(30_000 - vocab.size()).forEach(e -> vocab.add(e.getKey()));
        return vocab;
    }

    @Test
    void describeImdbFinishesInUnder30Seconds() {
        Function<String, List<String>> tokenizer = SimpleTokenizers.wordPiece(vocabulary(), "[UNK]");
        long t0 = System.nanoTime();
        String table = DataCommands.defaults().describe("imdb", tokenizer, DescribeOptions.DEFAULTS, Progress.NONE);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("describe imdb (50,000 reviews, WordPiece-like tokenizer): %.1f s%n", seconds);
        assertTrue(table.startsWith("Data set: imdb (50000 records, 2 labels)"), table);
        assertTrue(table.contains("Truncated at 128 tokens"), table);
        assertTrue(seconds < 30, "describe imdb took " + seconds + " s");
    }
}
