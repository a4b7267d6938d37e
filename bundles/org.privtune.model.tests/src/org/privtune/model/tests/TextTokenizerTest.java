package org.privtune.model.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.privtune.model.BuiltInModel;
import org.privtune.model.TextTokenizer;

/** MiniLM's WordPiece tokenizer loaded offline, with truncation and both padding modes. */
class TextTokenizerTest {

    @Test
    void truncatesAndPadsToLongest() throws Exception {
        try (TextTokenizer tok = BuiltInModel.MINI_LM_L6.tokenizer(8, false)) {
            TextTokenizer.Batch b = tok.encode(List.of("Good movie", "one two three four five six seven eight nine"));
            assertEquals(2, b.size());
            assertEquals(8, b.length(), "truncated to max length");
            assertArrayEquals(new String[] {"[CLS]", "good", "movie", "[SEP]", "[PAD]", "[PAD]", "[PAD]", "[PAD]"},
                    b.tokens()[0]);
            assertArrayEquals(new long[] {1, 1, 1, 1, 0, 0, 0, 0}, b.mask()[0]);
            assertEquals("[SEP]", b.tokens()[1][7]);
            assertEquals(101, b.ids()[0][0]);
            assertEquals(102, b.ids()[1][7]);
            assertArrayEquals(new long[8], b.typeIds()[1]);
            TextTokenizer.Batch shorter = tok.encode(List.of("hi", "hello there"));
            assertEquals(4, shorter.length(), "pads to the longest sentence of the batch");
            assertTrue(tok.tokenId("excellent") > 0);
        }
    }

    @Test
    void padsToMaxLengthWhenAsked() throws Exception {
        try (TextTokenizer tok = BuiltInModel.MINI_LM_L6.tokenizer(16, true)) {
            TextTokenizer.Batch b = tok.encode(List.of("hi"));
            assertEquals(16, b.length());
            assertEquals(3, java.util.Arrays.stream(b.mask()[0]).sum());
        }
    }
}
