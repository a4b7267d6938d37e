package org.privtune.mechanism;

/**
 * A text-level mechanism that replaces token v by u with a known probability q(u | v). An attacker
 * who knows the mechanism (as the threat model allows) can invert it with a prior over tokens:
 * guess argmax_v P(v) q(u | v) for the u it decodes (the attack bundle's A4).
 */
public interface TokenSubstitution {

    /** q(. | v): the ids u that v may become and their probabilities (summing to 1). */
    Substitution substitutes(int v);

    /** Candidate ids and their probabilities. */
    record Substitution(int[] ids, double[] probabilities) {
    }
}
