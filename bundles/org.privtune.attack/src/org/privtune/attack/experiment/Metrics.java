package org.privtune.attack.experiment;

import java.util.List;

/** Names of the metrics a setting reports, in the column order of results.csv. */
public final class Metrics {

    public static final String ACCURACY = "accuracy";
    public static final String MACRO_F1 = "macro_f1";
    public static final String A1_PLAIN_COS_TOP1 = "a1_plain_cos_top1";
    public static final String A1_PLAIN_COS_TOP5 = "a1_plain_cos_top5";
    public static final String A1_PLAIN_L2_TOP1 = "a1_plain_l2_top1";
    public static final String A1_PLAIN_L2_TOP5 = "a1_plain_l2_top5";
    public static final String A1_AWARE_COS_TOP1 = "a1_aware_cos_top1";
    public static final String A1_AWARE_COS_TOP5 = "a1_aware_cos_top5";
    public static final String A1_AWARE_L2_TOP1 = "a1_aware_l2_top1";
    public static final String A1_AWARE_L2_TOP5 = "a1_aware_l2_top5";
    /** Strongest A1 variant. */
    public static final String A1_TOP1 = "a1_top1";
    public static final String A1_TOP5 = "a1_top5";
    public static final String A2_TOP1 = "a2_top1";
    public static final String A2_TOP5 = "a2_top5";
    public static final String A3_TOP1 = "a3_top1";
    public static final String A3_TOP5 = "a3_top5";
    /** A4, substitution inversion with a token prior (text-level substitution mechanisms only). */
    public static final String A4_TOP1 = "a4_top1";
    public static final String A4_TOP5 = "a4_top5";
    /** A0, the position prior: no representation read (the floor of the inversion ASR). */
    public static final String A0_TOP1 = "a0_top1";
    public static final String A0_TOP5 = "a0_top5";
    /** Inversion ASR: the largest top-1 of A0, A1, A2, A3 and, where it applies, A4. */
    public static final String INVERSION_ASR = "inversion_asr";
    public static final String B1_ACC = "b1_source_acc";
    public static final String B1_MAJORITY = "b1_source_majority";
    public static final String B2_ACC = "b2_length_acc";
    public static final String B2_MAJORITY = "b2_length_majority";
    public static final String B3_ACC = "b3_number_name_acc";
    public static final String B3_MAJORITY = "b3_number_name_majority";
    /**
     * B4, the strongest of the categorical columns an import mapped (besides source), and its
     * majority share; empty for data sets without such a column.
     */
    public static final String B4_ACC = "b4_mapped_column_acc";
    public static final String B4_MAJORITY = "b4_mapped_column_majority";
    public static final String NOISE_NORM = "mean_noise_norm";
    /** R, replay with the run's own fixed seed: what a fixed seed gives away. */
    public static final String R_KNOWN_TOP1 = "r_known_top1";
    /** R, replay with a wrong seed: the chance level of the replay. */
    public static final String R_WRONG_TOP1 = "r_wrong_top1";
    /** R against secret randomness (the product's default), replayed with the former default seed 1. */
    public static final String R_SECRET_TOP1 = "r_secret_top1";
    /** S, bag of words from the special rows: precision@n over all types, and the frequency prior's. */
    public static final String S_BOW_PRECISION = "s_bow_precision";
    public static final String S_BOW_PRIOR = "s_bow_prior";
    /** S restricted to content words (outside the auxiliary text's 100 most frequent types). */
    public static final String S_BOW_CONTENT = "s_bow_content_precision";
    public static final String S_BOW_CONTENT_PRIOR = "s_bow_content_prior";
    /** M_len, the length bucket read from the attention mask, and its majority share. */
    public static final String M_LEN_ACC = "m_len_acc";
    public static final String M_LEN_MAJORITY = "m_len_majority";
    public static final String SCORED_TOKENS = "scored_tokens";
    public static final String A3_SCORED_TOKENS = "a3_scored_tokens";
    public static final String TRAIN_SECONDS = "train_seconds";
    public static final String ATTACK_SECONDS = "attack_seconds";

    /** Every metric, in column order. */
    public static final List<String> ALL = List.of(ACCURACY, MACRO_F1, A1_PLAIN_COS_TOP1, A1_PLAIN_COS_TOP5,
            A1_PLAIN_L2_TOP1, A1_PLAIN_L2_TOP5, A1_AWARE_COS_TOP1, A1_AWARE_COS_TOP5, A1_AWARE_L2_TOP1,
            A1_AWARE_L2_TOP5, A1_TOP1, A1_TOP5, A2_TOP1, A2_TOP5, A3_TOP1, A3_TOP5, A4_TOP1, A4_TOP5, A0_TOP1, A0_TOP5, INVERSION_ASR, B1_ACC, B1_MAJORITY,
            B2_ACC, B2_MAJORITY, B3_ACC, B3_MAJORITY, NOISE_NORM, SCORED_TOKENS, A3_SCORED_TOKENS, TRAIN_SECONDS,
            ATTACK_SECONDS, R_KNOWN_TOP1, R_WRONG_TOP1, R_SECRET_TOP1, S_BOW_PRECISION, S_BOW_PRIOR, S_BOW_CONTENT,
            S_BOW_CONTENT_PRIOR, M_LEN_ACC, M_LEN_MAJORITY, B4_ACC, B4_MAJORITY);

    /** The metrics shown in summary.md. */
    public static final List<String> SUMMARY = List.of(ACCURACY, A1_TOP1, A1_AWARE_COS_TOP1, A2_TOP1, A3_TOP1,
            A4_TOP1, A0_TOP1, INVERSION_ASR, B1_ACC, B2_ACC, B3_ACC, NOISE_NORM, R_SECRET_TOP1, S_BOW_CONTENT,
            M_LEN_ACC);

    private Metrics() {
    }
}
