package org.privtune.model;

/**
 * Shape of a BERT-family encoder (BERT, MiniLM, BGE, E5, RoBERTa). {@link #MINI_LM_L6} is
 * all-MiniLM-L6-v2 and {@link #BGE_SMALL_EN_V15} is bge-small-en-v1.5 (both with the
 * bert-base-uncased vocabulary).
 *
 * @param positionOffset position id of a sequence's first token: 0 for BERT; RoBERTa counts
 *                       positions from its padding id + 1, so its position table has that many
 *                       more rows than usable positions
 * @param padTokenId     the id the tokenizer pads with (0 for BERT's [PAD], 1 for RoBERTa's &lt;pad&gt;)
 */
public record BertConfig(int vocabSize, int hidden, int layers, int heads, int intermediate, int maxPositions,
        int typeVocabSize, float layerNormEps, int positionOffset, int padTokenId) {

    public static final BertConfig MINI_LM_L6 = new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f);
    public static final BertConfig BGE_SMALL_EN_V15 = new BertConfig(30522, 384, 12, 12, 1536, 512, 2, 1e-12f);

    public BertConfig {
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden " + hidden + " not divisible by heads " + heads);
        }
        if (positionOffset < 0 || positionOffset >= maxPositions) {
            throw new IllegalArgumentException("position offset " + positionOffset + " outside 0.." + (maxPositions - 1));
        }
    }

    /** A BERT encoder: positions from 0, padding with id 0. */
    public BertConfig(int vocabSize, int hidden, int layers, int heads, int intermediate, int maxPositions,
            int typeVocabSize, float layerNormEps) {
        this(vocabSize, hidden, layers, heads, intermediate, maxPositions, typeVocabSize, layerNormEps, 0, 0);
    }

    public int headSize() {
        return hidden / heads;
    }

    /** The longest sequence the position table allows. */
    public int usablePositions() {
        return maxPositions - positionOffset;
    }
}
