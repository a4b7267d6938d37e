package org.privtune.mechanism;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.privtune.core.InvalidInputException;

import org.privtune.mechanism.MechanismParameter.Kind;

/**
 * Each mechanism's own parameters ({@link MechanismParameter}): which keys of the text spec it
 * reads, their type, range, default, tooltip and whether they are common or "Advanced". The text
 * spec ({@link MechanismSpec#parse}) accepts exactly these keys for a mechanism and names any
 * other; the Noise Tuner builds its controls from them.
 */
public final class MechanismParameters {

    /** Every key of the text spec, in the order the full text form writes them. */
    static final List<String> ALL_KEYS = List.of("eps", "n", "k", "rho", "tau", "alpha", "lt", "la", "lu", "delta",
            "clip", "calibration", "mix", "subspace", "seed", "keep", "pool", "kept", "prior", "shuffle", "poolcanon",
            "clusters", "tiers", "relevance", "window", "specials", "lengths");

    private static final Map<String, List<String>> COMMON = new LinkedHashMap<>();
    private static final Map<String, List<String>> ADVANCED = new LinkedHashMap<>();

    static {
        List<String> wire = List.of("specials", "lengths", "seed");
        put(MechanismSpec.NONE, List.of(), List.of("lengths", "seed"));
        put(MechanismSpec.DCHI, List.of("eps"), wire);
        put(MechanismSpec.SAP, List.of("eps", "alpha"), wire);
        put(MechanismSpec.GAUSSIAN, List.of("eps", "clip"), plus(List.of("delta", "calibration"), wire));
        put(MechanismSpec.SANTEXT, List.of("eps", "k"), List.of("lengths", "seed"));
        put(MechanismSpec.PRIVTUNE, List.of("eps", "n", "k", "rho", "alpha"), plus(List.of("tau", "lt", "la", "lu"), wire));
        put(MechanismSpec.PRIVTUNE_PLUS, List.of("eps", "n", "k", "rho", "alpha", "mix"),
                plus(List.of("tau", "lt", "la", "lu", "subspace"), wire));
        put(MechanismSpec.PRIVTUNE_SWAP, List.of("eps", "keep", "kept", "n", "shuffle", "relevance", "pool", "poolcanon"),
                plus(List.of("k", "prior", "clusters", "tiers", "window"), wire));
    }

    private MechanismParameters() {
    }

    private static void put(String name, List<String> common, List<String> advanced) {
        COMMON.put(name, common);
        ADVANCED.put(name, advanced);
    }

    private static List<String> plus(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** True when {@code mechanism} is a known mechanism name. */
    public static boolean known(String mechanism) {
        return COMMON.containsKey(mechanism);
    }

    /**
     * The parameters of a mechanism, common ones first, each with its default for that mechanism.
     *
     * @throws InvalidInputException naming the mechanism when it is unknown
     */
    public static List<MechanismParameter> of(String mechanism) {
        String name = mechanism.toLowerCase(Locale.ROOT);
        if (!known(name)) {
            throw new InvalidInputException("mechanism spec", 0, "name",
                    "unknown mechanism '" + mechanism + "' (known: " + String.join(", ", MechanismSpec.NAMES) + ")");
        }
        MechanismSpec d = MechanismSpec.defaults(name);
        List<MechanismParameter> out = new ArrayList<>();
        for (String key : COMMON.get(name)) {
            out.add(parameter(name, key, d.value(key), false));
        }
        for (String key : ADVANCED.get(name)) {
            out.add(parameter(name, key, d.value(key), true));
        }
        return out;
    }

    /** The keys of a mechanism's parameters, in the order the text form writes them. */
    public static List<String> keys(String mechanism) {
        List<String> own = new ArrayList<>(COMMON.get(mechanism));
        own.addAll(ADVANCED.get(mechanism));
        return ALL_KEYS.stream().filter(own::contains).toList();
    }

    /** True when {@code mechanism} reads the parameter {@code key}. */
    public static boolean has(String mechanism, String key) {
        return known(mechanism) && (COMMON.get(mechanism).contains(key) || ADVANCED.get(mechanism).contains(key));
    }

    /** The parameter {@code key} of {@code mechanism}, or null when that mechanism has none of that name. */
    public static MechanismParameter find(String mechanism, String key) {
        if (!has(mechanism, key)) {
            return null;
        }
        for (MechanismParameter p : of(mechanism)) {
            if (p.key().equals(key)) {
                return p;
            }
        }
        return null;
    }

    private static MechanismParameter parameter(String mech, String key, String fallback, boolean advanced) {
        boolean swap = MechanismSpec.PRIVTUNE_SWAP.equals(mech);
        return switch (key) {
            case "eps" -> real(key, "eps", 0.1, 100, 0.001, fallback, switch (mech) {
                case MechanismSpec.GAUSSIAN -> "privacy of each token vector, (eps, delta)-DP: smaller eps, more noise";
                case MechanismSpec.SANTEXT -> "privacy of each word's replacement: smaller eps, replacements farther from the word";
                case MechanismSpec.PRIVTUNE_SWAP -> "d_chi noise added after the substitution: smaller eps, more noise";
                default -> "privacy parameter of the d_chi noise: smaller eps, more noise (log scale)";
            }, advanced);
            case "n" -> integer(key, "n (hops)", 1, 4, fallback, swap
                    ? "hop distance of the substitutes drawn for ordinary tokens (N_n of the neighbour graph)"
                    : "hop distance of the target tokens N_n(v) the representation moves towards", advanced);
            case "k" -> integer(key, "k (graph degree)", 1, 32, fallback, MechanismSpec.SANTEXT.equals(mech)
                    ? "candidates per word: the word and its k nearest words"
                    : "neighbours per token in the neighbour graph the hops follow", advanced);
            case "rho" -> real(key, "norm budget \u03c1", 0, 50, 0.1, fallback,
                    "the shift towards the targets is at most rho long", advanced);
            case "tau" -> real(key, "cosine bound \u03c4", 0, 1, 0.01, fallback,
                    "the shifted representation keeps at least this cosine with the clean one", advanced);
            case "alpha" -> real(key, "importance \u03b1", 0, 0.95, 0.01, fallback,
                    "noise scale 1 - alpha * importance: important tokens get less noise", advanced);
            case "lt" -> real(key, "weight: targets", 0, 10, 0.01, fallback,
                    "weight of resembling the n-hop targets in the direction objective", advanced);
            case "la" -> real(key, "weight: avoid", 0, 10, 0.01, fallback,
                    "weight of moving away from the token and its direct neighbours (lt - la + lu > 0)", advanced);
            case "lu" -> real(key, "weight: utility", 0, 10, 0.01, fallback,
                    "weight of a short shift in the direction objective", advanced);
            case "delta" -> real(key, "\u03b4", 0.000001, 0.1, 0.000001, fallback,
                    "delta of the (eps, delta) guarantee per token", advanced);
            case "clip" -> real(key, "clipping norm C", 0.1, 100, 0.1, fallback,
                    "each token vector is clipped to this norm before the noise", advanced);
            case "calibration" -> choice(key, "calibration", List.of("analytic", "classical"), fallback,
                    "sigma from the analytic Gaussian mechanism (exact) or the classical formula (valid for eps < 1)",
                    advanced);
            case "mix" -> real(key, "context mix", 0, 1, 0.01, fallback,
                    "share of a token's own context residual replaced by the sentence's mean", advanced);
            case "subspace" -> integer(key, "noise subspace", 1, 64, fallback,
                    "neighbour differences spanning the noise around the random target", advanced);
            case "seed" -> new MechanismParameter(key, "seed", Kind.SEED, 0, Long.MAX_VALUE, 1, List.of(), fallback,
                    "empty: secret randomness; a number: repeatable draws that anyone who knows it can replay (not private)",
                    advanced);
            case "keep" -> real(key, "kept share", 0, 1, 0.01, fallback,
                    "share of training tokens, the most label-informative types, sent as words or code words", advanced);
            case "pool" -> integer(key, "pool", 0, 50_000, fallback,
                    "the P most frequent other types are swapped among each other (0: none; 30000: every counted type)",
                    advanced);
            case "kept" -> choice(key, "kept types sent as", List.of("send", "swap", "freq", "tier", "canon"), fallback,
                    "send: as they are; swap, freq, tier: another kept type of the label; canon: one code word per label"
                            + " and tier",
                    advanced);
            case "prior" -> real(key, "relevance prior", 0, 100, 0.1, fallback,
                    "pseudo-occurrences smoothing the relevance score, so rare types stay out of the kept set", advanced);
            case "shuffle" -> flag(key, "shuffle tokens", fallback,
                    "the tokens of each sentence are sent in a random order, so positions tell the cloud nothing",
                    advanced);
            case "poolcanon" -> flag(key, "pool as one word", fallback,
                    "every pool type is sent as the pool's most frequent type (needs a pool of 2 or more)", advanced);
            case "clusters" -> integer(key, "clusters", 0, 20_000, fallback,
                    "K > 0: other tokens sent as the most frequent type of their reference-space cluster", advanced);
            case "tiers" -> integer(key, "relevance tiers", 1, 32, fallback,
                    "relevance tiers of the kept set for kept=tier and kept=canon", advanced);
            case "relevance" -> choice(key, "relevance from",
                    List.of(MechanismSpec.RELEVANCE_TRAIN, MechanismSpec.RELEVANCE_IMDB, MechanismSpec.RELEVANCE_BOTH),
                    fallback, "where label relevance is counted: your training split, public IMDB reviews (about a"
                            + " minute the first time) or both",
                    advanced);
            case "window" -> integer(key, "shuffle window", 0, 64, fallback,
                    "with shuffle: tokens shuffled within blocks of W only (0: the whole sentence)", advanced);
            case "specials" -> choice(key, "special rows",
                    List.of(MechanismSpec.SPECIALS_PUBLIC, MechanismSpec.SPECIALS_PERTURB, MechanismSpec.SPECIALS_CLEAN),
                    fallback, "what the cloud receives for [CLS] and [SEP]: a fixed public row, d_chi noise, or as computed",
                    advanced);
            case "lengths" -> integer(key, "length buckets", 0, 512, fallback,
                    "pads every sentence to a multiple of B positions, so the mask tells only the bucket (0: off)",
                    advanced);
            default -> throw new IllegalStateException("no description of parameter " + key);
        };
    }

    private static MechanismParameter real(String key, String label, double min, double max, double step,
            String fallback, String tip, boolean advanced) {
        return new MechanismParameter(key, label, Kind.REAL, min, max, step, List.of(), fallback, tip, advanced);
    }

    private static MechanismParameter integer(String key, String label, int min, int max, String fallback, String tip,
            boolean advanced) {
        return new MechanismParameter(key, label, Kind.INTEGER, min, max, 1, List.of(), fallback, tip, advanced);
    }

    private static MechanismParameter flag(String key, String label, String fallback, String tip, boolean advanced) {
        return new MechanismParameter(key, label, Kind.FLAG, 0, 1, 1, List.of(), fallback, tip, advanced);
    }

    private static MechanismParameter choice(String key, String label, List<String> choices, String fallback,
            String tip, boolean advanced) {
        return new MechanismParameter(key, label, Kind.CHOICE, 0, 0, 1, choices, fallback, tip, advanced);
    }
}
