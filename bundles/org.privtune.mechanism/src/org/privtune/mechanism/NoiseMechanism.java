package org.privtune.mechanism;

import org.privtune.model.DeviceTransform;

import ai.djl.ndarray.NDArray;

/**
 * A privacy mechanism on the device: perturbs a batch of bottom-model outputs (or, for text-level
 * mechanisms, the token ids before the bottom model) and reports what it did. Special tokens and
 * padding (attention mask 0) are never touched. Output arrays are attached to the manager of the
 * input. Seeded: the k-th call of two mechanisms built from equal specs returns equal outputs.
 * Not thread-safe (it counts calls); use one instance per thread.
 */
public interface NoiseMechanism extends DeviceTransform, AutoCloseable {

    /** The spec this mechanism was built from. */
    MechanismSpec spec();

    /** Perturbs hidden [B, T, d] given ids and mask int64 [B, T]. */
    Perturbation perturb(NDArray hidden, NDArray tokenIds, NDArray attentionMask);

    @Override
    default NDArray afterBottom(NDArray hidden, NDArray tokenIds, NDArray attentionMask) {
        return perturb(hidden, tokenIds, attentionMask).output();
    }

    /**
     * The mechanism's deterministic part, for mechanism-aware attacks: the expected output for
     * clean representations {@code hidden} [N, d] of tokens {@code tokenIds} [N] (int64) when each
     * is the only token of its sentence, i.e. hidden + E[noise]. An attacker applies it to every
     * row of R (ids 0..V-1) and matches received vectors against that table. Identity for
     * zero-mean mechanisms; special ids are returned unchanged.
     */
    NDArray deterministicPart(NDArray hidden, NDArray tokenIds);

    /** The report of the last batch (null before the first). */
    PerturbationReport lastReport();

    /** Frees the mechanism's tables (reference rows, centroids) held on the engine. */
    @Override
    void close();

    /** A perturbed batch and its report. */
    record Perturbation(NDArray output, PerturbationReport report) {
    }
}
