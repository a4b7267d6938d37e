package org.privtune.data.describe;

import java.util.List;
import java.util.Map;

import org.privtune.data.DatasetSplit;

/**
 * What a data set looks like before any training, as the Dataset Inspector charts it and
 * {@code privtune data describe} prints it. Token figures are those of the tokenizer passed to
 * {@link DatasetDescriber}, which should be the model's.
 *
 * @param countsPerLabel     records per label, in label order
 * @param countsPerSplit     records per label in each split part (empty when no split was given)
 * @param textLengthChars    text length in characters
 * @param tokenLength        text length in tokens, as many as the tokenizer returns
 * @param maxTokens          the model's input length the truncation share refers to
 * @param truncatedShare     share of texts with more than {@code maxTokens} tokens
 * @param tokens             tokens in all texts
 * @param unknownTokens      of those, how many are the unknown token
 * @param topTokens          most frequent tokens per label (special and punctuation-only tokens left out)
 * @param distinctiveTokens  tokens most over-represented in each label against the others
 *                           (smoothed log-odds, tokens seen at least 5 times)
 * @param attributeCounts    for each record attribute, records per value (majority-class baselines
 *                           of attribute-inference attacks come from here)
 */
public record DatasetDescription(String dataset, int records, List<String> labels, Map<String, Integer> countsPerLabel,
        Map<DatasetSplit.Part, Map<String, Integer>> countsPerSplit, Histogram textLengthChars, Histogram tokenLength,
        int maxTokens, double truncatedShare, long tokens, long unknownTokens, String unknownToken,
        Map<String, List<TokenCount>> topTokens, Map<String, List<TokenCount>> distinctiveTokens, Map<String, Map<String, Integer>> attributeCounts) {

    /** A token and how often it occurs (for distinctive tokens: in the label concerned). */
    public record TokenCount(String token, long count) {
    }

    /** Share of tokens that are the unknown token: 0 means the vocabulary covers every word. */
    public double unknownShare() {
        return tokens == 0 ? 0 : unknownTokens / (double) tokens;
    }
}
