package org.privtune.mechanism;

import java.util.Arrays;

/**
 * Which token ids a mechanism must never perturb (special tokens; padding is found from the
 * attention mask) and which ids must never be chosen as a neighbour, target or replacement
 * (the special tokens plus placeholder entries such as BERT's {@code [unusedN]}, whose untrained
 * embeddings would otherwise attract targets and replacements).
 */
public final class SpecialTokens {

    /** MiniLM / bert-base-uncased: [PAD]=0, [UNK]=100, [CLS]=101, [SEP]=102, [MASK]=103. */
    public static final int[] BERT_UNCASED_SPECIAL = {0, 100, 101, 102, 103};

    private final int vocabSize;
    private final boolean[] special;
    private final boolean[] nonTarget;

    private SpecialTokens(int vocabSize, boolean[] special, boolean[] nonTarget) {
        this.vocabSize = vocabSize;
        this.special = special;
        this.nonTarget = nonTarget;
    }

    /**
     * @param vocabSize  vocabulary size V
     * @param specials   ids never perturbed (and never targets)
     * @param nonTargets further ids that are never a neighbour, target or replacement
     */
    public static SpecialTokens of(int vocabSize, int[] specials, int[] nonTargets) {
        boolean[] s = new boolean[vocabSize];
        boolean[] n = new boolean[vocabSize];
        for (int id : specials) {
            if (id >= 0 && id < vocabSize) {
                s[id] = true;
                n[id] = true;
            }
        }
        for (int id : nonTargets) {
            if (id >= 0 && id < vocabSize) {
                n[id] = true;
            }
        }
        return new SpecialTokens(vocabSize, s, n);
    }

    /**
     * The bert-base-uncased vocabulary used by MiniLM: the five special tokens, and the
     * {@code [unused0..993]} placeholders at ids 1-99 and 104-998 as non-targets. For a smaller
     * (synthetic) vocabulary only the ids that exist are kept.
     */
    public static SpecialTokens bertUncased(int vocabSize) {
        int[] unused = new int[99 + 895];
        int j = 0;
        for (int id = 1; id <= 99; id++) {
            unused[j++] = id;
        }
        for (int id = 104; id <= 998; id++) {
            unused[j++] = id;
        }
        return of(vocabSize, BERT_UNCASED_SPECIAL, unused);
    }

    /** Only the given specials; every other id may be a target (synthetic vocabularies). */
    public static SpecialTokens only(int vocabSize, int... specials) {
        return of(vocabSize, specials, new int[0]);
    }

    public int vocabSize() {
        return vocabSize;
    }

    public boolean isSpecial(int id) {
        return id >= 0 && id < vocabSize && special[id];
    }

    public boolean isNonTarget(int id) {
        return id < 0 || id >= vocabSize || nonTarget[id];
    }

    /** A copy of the per-id "never perturb" flags, length V. */
    public boolean[] specialFlags() {
        return Arrays.copyOf(special, vocabSize);
    }

    /** A copy of the per-id "never a neighbour or target" flags, length V. */
    public boolean[] nonTargetFlags() {
        return Arrays.copyOf(nonTarget, vocabSize);
    }
}
