package org.privtune.data.describe;

/**
 * @param maxTokens    the model's input length: texts with more tokens than this are counted as truncated
 * @param topTokens    how many tokens to list per label
 * @param unknownToken the tokenizer's unknown token
 * @param threads      worker threads for tokenizing (the tokenizer must then be thread-safe); 1 = caller only
 */
public record DescribeOptions(int maxTokens, int topTokens, String unknownToken, int threads) {

    /** 128 tokens, top 10, "[UNK]", up to 4 threads. */
    public static final DescribeOptions DEFAULTS = new DescribeOptions(128, 10, "[UNK]",
            Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));

    public DescribeOptions withMaxTokens(int m) {
        return new DescribeOptions(m, topTokens, unknownToken, threads);
    }

    public DescribeOptions withThreads(int t) {
        return new DescribeOptions(maxTokens, topTokens, unknownToken, t);
    }
}
