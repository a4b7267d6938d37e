package org.privtune.ui.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.privtune.model.MiniLmFiles;

/**
 * MiniLM's WordPiece tokenizer as the Dataset Inspector uses it: whole texts, no special tokens,
 * no truncation, exactly as {@code privtune data describe} counts them. One shared instance,
 * loaded on first use (off the UI thread by the inspector's load job); the Rust tokenizer is
 * thread-safe.
 */
public final class WordPieces {

    /** The model adds [CLS] and [SEP] around the pieces of a text. */
    public static final int SPECIAL_TOKENS = 2;
    public static final String UNKNOWN = "[UNK]";

    private static final Map<String, String> COUNTING = Map.of("truncation", "false", "padding", "false",
            "addSpecialTokens", "false");

    private static volatile HuggingFaceTokenizer tokenizer;

    private WordPieces() {
    }

    private static HuggingFaceTokenizer tokenizer() {
        HuggingFaceTokenizer t = tokenizer;
        if (t == null) {
            synchronized (WordPieces.class) {
                t = tokenizer;
                if (t == null) {
                    try (InputStream json = MiniLmFiles.openTokenizer()) {
                        t = HuggingFaceTokenizer.newInstance(json, COUNTING);
                    } catch (IOException e) {
                        throw new UncheckedIOException("MiniLM tokenizer " + MiniLmFiles.TOKENIZER, e);
                    }
                    tokenizer = t;
                }
            }
        }
        return t;
    }

    /** The word pieces of a text, without [CLS]/[SEP]. */
    public static List<String> of(String text) {
        return Arrays.asList(tokenizer().encode(text, false, false).getTokens());
    }

    /** How many pieces the model keeps of a text at input length {@code maxTokens} (room left for [CLS]/[SEP]). */
    public static int kept(int maxTokens) {
        return Math.max(0, maxTokens - SPECIAL_TOKENS);
    }
}
