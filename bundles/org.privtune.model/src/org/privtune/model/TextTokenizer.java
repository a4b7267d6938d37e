package org.privtune.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Tokenisation with DJL's Hugging Face tokenizers (WordPiece, byte-level BPE, any model a
 * tokenizer.json describes), from a local tokenizer.json (never a hub). Truncates to {@code maxLength} and pads either to the longest sentence of the batch or to
 * {@code maxLength}.
 */
public final class TextTokenizer implements AutoCloseable {

    /** A tokenised batch: ids, attention mask and type ids are [B][T]; tokens for display. */
    public record Batch(long[][] ids, long[][] mask, long[][] typeIds, String[][] tokens) {
        /** The ids row-major, [size * length]. */
        public long[] flatIds() {
            return flat(ids);
        }

        /** The attention mask row-major, [size * length]. */
        public long[] flatMask() {
            return flat(mask);
        }

        private static long[] flat(long[][] a) {
            int t = a.length == 0 ? 0 : a[0].length;
            long[] out = new long[a.length * t];
            for (int i = 0; i < a.length; i++) {
                System.arraycopy(a[i], 0, out, i * t, t);
            }
            return out;
        }

        public int size() {
            return ids.length;
        }

        public int length() {
            return ids.length == 0 ? 0 : ids[0].length;
        }
    }

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private final long padId;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength, long padId) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.padId = padId;
    }

    private static Map<String, String> options(int maxLength, boolean padToMax) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be >= 2, got " + maxLength);
        }
        return Map.of("truncation", "true", "padding", padToMax ? "max_length" : "true",
                "maxLength", Integer.toString(maxLength), "addSpecialTokens", "true");
    }

    /** Loads a tokenizer.json from a stream (not closed here). */
    public static TextTokenizer load(InputStream json, int maxLength, boolean padToMax) throws IOException {
        return load(json, maxLength, padToMax, -1);
    }

    /**
     * As {@link #load(InputStream, int, boolean)}, padding with {@code padId} (a tokenizer.json
     * without a padding section would pad with id 0, which is RoBERTa's &lt;s&gt;, not its &lt;pad&gt;);
     * a negative id keeps the tokenizer's own.
     */
    public static TextTokenizer load(InputStream json, int maxLength, boolean padToMax, long padId)
            throws IOException {
        return new TextTokenizer(HuggingFaceTokenizer.newInstance(json, options(maxLength, padToMax)), maxLength,
                padId);
    }

    public static TextTokenizer load(Path json, int maxLength, boolean padToMax) throws IOException {
        try (InputStream in = Files.newInputStream(json)) {
            return load(in, maxLength, padToMax);
        }
    }

    public int maxLength() {
        return maxLength;
    }

    public Batch encode(List<String> texts) {
        if (texts.isEmpty()) {
            return new Batch(new long[0][], new long[0][], new long[0][], new String[0][]);
        }
        Encoding[] enc = tokenizer.batchEncode(texts);
        int b = enc.length;
        long[][] ids = new long[b][];
        long[][] mask = new long[b][];
        long[][] types = new long[b][];
        String[][] tokens = new String[b][];
        for (int i = 0; i < b; i++) {
            ids[i] = enc[i].getIds();
            mask[i] = enc[i].getAttentionMask();
            if (padId >= 0) {
                for (int t = 0; t < ids[i].length; t++) {
                    if (mask[i][t] == 0) {
                        ids[i][t] = padId;
                    }
                }
            }
            types[i] = enc[i].getTypeIds();
            tokens[i] = enc[i].getTokens();
        }
        return new Batch(ids, mask, types, tokens);
    }

    /** Vocabulary id of a token, or -1. */
    public long tokenId(String token) {
        long[] ids = tokenizer.encode(token, false, false).getIds();
        return ids.length == 1 ? ids[0] : -1;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
