package org.privtune.ui.tuner;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.privtune.mechanism.MechanismSpec;

/** privtune-swap's options beyond keep, as the Noise Tuner's text field shows and takes them. */
final class SwapOptions {

    /** The keys the field accepts (the others have their own controls). */
    static final List<String> KEYS = List.of("pool", "kept", "prior", "shuffle", "poolcanon", "clusters", "tiers",
            "relevance", "window");
    static final String TIP = "privtune-swap: further options as key=value pairs separated by commas:"
            + " pool (frequent types swapped among each other), kept (send, swap, freq, tier, canon), prior (pseudo count"
            + " of the relevance score), shuffle (1: tokens sent in a random order), poolcanon (1: the pool sent as its"
            + " most frequent type), clusters (K > 0: the other tokens sent as their reference-space cluster's most frequent"
            + " type), tiers (relevance tiers of kept=tier and kept=canon), relevance (train, imdb or both: where the"
            + " relevance behind the kept set is counted; imdb takes about a minute the first time), window (W > 0: with"
            + " shuffle=1, tokens shuffled within blocks of W only); docs/method.md 6.6";

    private SwapOptions() {
    }

    /** The swap options of {@code spec} as the field shows them (its defaults left out). */
    static String text(MechanismSpec spec) {
        MechanismSpec d = MechanismSpec.defaults(MechanismSpec.PRIVTUNE_SWAP);
        List<String> parts = new ArrayList<>();
        if (spec.pool() != d.pool()) {
            parts.add("pool=" + spec.pool());
        }
        if (!spec.kept().equals(d.kept())) {
            parts.add("kept=" + spec.kept());
        }
        if (spec.prior() != d.prior()) {
            parts.add(String.format(Locale.ROOT, "prior=%s", spec.prior()));
        }
        if (spec.shuffle() != d.shuffle()) {
            parts.add("shuffle=" + (spec.shuffle() ? 1 : 0));
        }
        if (spec.poolCanon() != d.poolCanon()) {
            parts.add("poolcanon=" + (spec.poolCanon() ? 1 : 0));
        }
        if (spec.clusters() != d.clusters()) {
            parts.add("clusters=" + spec.clusters());
        }
        if (spec.tiers() != d.tiers()) {
            parts.add("tiers=" + spec.tiers());
        }
        if (!spec.relevance().equals(d.relevance())) {
            parts.add("relevance=" + spec.relevance());
        }
        if (spec.window() != d.window()) {
            parts.add("window=" + spec.window());
        }
        return String.join(", ", parts);
    }
}
