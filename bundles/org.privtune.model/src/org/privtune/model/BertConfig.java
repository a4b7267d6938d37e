package org.privtune.model;

/**
 * Shape of a BERT encoder. {@link #MINI_LM_L6} is all-MiniLM-L6-v2 (bert-base-uncased vocabulary).
 */
public record BertConfig(int vocabSize, int hidden, int layers, int heads, int intermediate, int maxPositions,
        int typeVocabSize, float layerNormEps) {

    public static final BertConfig MINI_LM_L6 = new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f);

    public BertConfig {
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden " + hidden + " not divisible by heads " + heads);
        }
    }

    public int headSize() {
        return hidden / heads;
    }
}
