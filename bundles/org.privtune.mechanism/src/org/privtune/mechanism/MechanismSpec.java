package org.privtune.mechanism;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.privtune.core.InvalidInputException;

/**
 * A mechanism by name and parameters; {@link Mechanisms#create} turns it into a
 * {@link NoiseMechanism}. Text form (CLI, configs, reports):
 * {@code privtune:eps=20,n=2,k=10,rho=10,tau=0.7,alpha=0.5,seed=1}; omitted keys take the
 * defaults of {@link #defaults(String)}. Parameters are separated by ',' ({@code ;} is read as
 * well, the form experiment tables write); in a list of mechanisms ({@link #LIST_SEPARATOR}) an
 * entry starts at each comma not followed by {@code key=}. Each mechanism reads only its own
 * parameters ({@link MechanismParameters#of}: type, range, default, tooltip, common or advanced);
 * the text names no others, {@link #toString()} writes all of its mechanism's,
 * {@link #toShortString()} only those off their default, numbers rounded, for people. The
 * components of this record are the values the mechanisms read; those a mechanism does not read
 * stay at its defaults.
 *
 * @param name          none, dchi, sap, gaussian, santext, privtune, privtune+, privtune-swap
 * @param eps           privacy parameter of the random part (d_chi eps; Gaussian eps; SanText eps)
 * @param n             hop count of the indirect neighbours N_n (privtune, privtune+)
 * @param k             neighbour-graph degree (privtune, privtune+; candidate-set size for santext)
 * @param rho           norm budget ||delta|| <= rho of the optimal direction
 * @param tau           semantic-preservation bound cos(h + delta, h) >= tau
 * @param alpha         importance weight: noise scale s = 1 - alpha * w (sap, privtune, privtune+)
 * @param lambdaTarget  weight of "resemble N_n(v)" in the direction objective
 * @param lambdaAvoid   weight of "move away from v and N_1(v)"
 * @param lambdaUtility weight of ||delta||^2
 * @param delta         Gaussian mechanism delta
 * @param clip          Gaussian mechanism per-token clipping norm C
 * @param calibration   Gaussian sigma calibration: "analytic" (Balle-Wang 2018) or "classical"
 * @param mix           privtune+: share of a token's own context residual replaced by the sentence's
 * @param subspace      privtune+: number of neighbour differences spanning its noise subspace
 * @param seed          null (the default): every draw comes from generators seeded by
 *                      {@link java.security.SecureRandom}, so nothing the cloud receives lets it
 *                      replay the noise or the shuffles; a number: a fixed seed for repeatable
 *                      experiments and tests, whose output depends on it and on the call count only
 *                      (labelled "fixed seed, not private" wherever it is shown or exported)
 * @param keep          privtune-swap: share of training tokens (the most label-informative types)
 *                      given the kept treatment
 * @param pool          privtune-swap: the pool most frequent other training types are substituted
 *                      among each other instead of by hop neighbours (0: none)
 * @param kept          privtune-swap: what the kept types get: "send" (sent as they are), "swap"
 *                      (replaced by another kept type of the same dominant label, uniformly) or
 *                      "freq" (the same, in proportion to training frequency) or "tier" (as
 *                      freq, within the same relevance tier of the kept set as well) or "canon"
 *                      (every kept type of one label and tier sent as that class's most frequent
 *                      type)
 * @param prior         privtune-swap: pseudo count of the task relevance score (how many prior
 *                      occurrences P(y | v) is smoothed with; {@link TaskRelevance#PSEUDO_COUNT} by
 *                      default), so that types seen a few times do not enter the kept set
 * @param shuffle       privtune-swap: the tokens of each sentence (specials stay in place) are sent
 *                      in a random order, so that positions no longer tell the cloud anything
 * @param poolCanon     privtune-swap: the {@code pool} types are all sent as the pool's most frequent
 *                      type instead of a uniform other member
 * @param clusters      privtune-swap: when > 0, the tokens that would get an n-hop substitute are
 *                      instead sent as the most frequent member of their cluster, one of
 *                      {@code clusters} clusters of the reference space ({@link TokenClusters})
 * @param tiers         privtune-swap: number of relevance tiers of {@code kept=tier} and
 *                      {@code kept=canon} (4 by default)
 * @param relevance     privtune-swap: where the task relevance that picks and tiers the kept set
 *                      (and the pool's and clusters' frequencies) is counted: "train" (the
 *                      device's labelled training split, the default), "imdb" (public labelled
 *                      IMDB review sentences, none from a review holding a victim sentence) or
 *                      "both" (the two sets of counts added)
 * @param window        privtune-swap with {@code shuffle=1}: the tokens are shuffled within
 *                      consecutive blocks of this many (0, the default: the whole sentence)
 * @param specials      representation mechanisms: what the cloud receives in the rows of special
 *                      tokens ([CLS], [SEP]), which the bottom computes from the whole clean
 *                      sentence: "public" (the default: a fixed public vector, the reference
 *                      representation of that token alone), "perturb" (d_chi noise at the
 *                      mechanism's eps added, no shift) or "clean" (sent as computed; the only
 *                      choice of {@code none})
 * @param lengths       length hiding: when > 0, every sentence is padded with copies of its own
 *                      tokens (drawn at random, placed before [SEP]) to the next multiple of this
 *                      many positions, so that the attention mask tells the cloud only the bucket
 */
public record MechanismSpec(String name, double eps, int n, int k, double rho, double tau, double alpha,
        double lambdaTarget, double lambdaAvoid, double lambdaUtility, double delta, double clip,
        String calibration, double mix, int subspace, Long seed, double keep, int pool, String kept,
        double prior, boolean shuffle, boolean poolCanon, int clusters, int tiers,
        String relevance, int window, String specials, int lengths) {

    public static final String NONE = "none";
    public static final String DCHI = "dchi";
    public static final String SAP = "sap";
    public static final String GAUSSIAN = "gaussian";
    public static final String SANTEXT = "santext";
    public static final String PRIVTUNE = "privtune";
    public static final String PRIVTUNE_PLUS = "privtune+";

    /** Every mechanism name the factory knows. */
    public static final String PRIVTUNE_SWAP = "privtune-swap";
    public static final String[] NAMES = {NONE, DCHI, SAP, GAUSSIAN, SANTEXT, PRIVTUNE, PRIVTUNE_PLUS, PRIVTUNE_SWAP};

    /**
     * Where a comma-separated list of mechanisms (or {@code @preset} names) is cut into entries: at
     * each comma not followed by {@code key=}, so that {@code none,privtune-swap:keep=0.3,n=3,dchi}
     * holds three entries, the second with two parameters (a regular expression).
     */
    public static final String LIST_SEPARATOR = ",(?!\\s*[A-Za-z_]+\\s*=)";

    /** {@code specials=public}: special rows replaced by the token's public reference row. */
    public static final String SPECIALS_PUBLIC = "public";
    /** {@code specials=perturb}: special rows get d_chi noise at the mechanism's eps. */
    public static final String SPECIALS_PERTURB = "perturb";
    /** {@code specials=clean}: special rows sent as the bottom computed them. */
    public static final String SPECIALS_CLEAN = "clean";

    /** How a run with a fixed seed is labelled wherever it is shown or exported. */
    public static final String FIXED_SEED_LABEL = "fixed seed, not private";
    /** How a run with secret randomness is labelled. */
    public static final String SECURE_LABEL = "secure randomness";

    /** {@code relevance=train}: counted on the device's own labelled training split (the default). */
    public static final String RELEVANCE_TRAIN = "train";
    /** {@code relevance=imdb}: counted on public labelled IMDB review sentences. */
    public static final String RELEVANCE_IMDB = "imdb";
    /** {@code relevance=both}: the counts of the two added. */
    public static final String RELEVANCE_BOTH = "both";

    /**
     * Default parameters for a mechanism name. {@code privtune+} defaults to the setting that held
     * the learned inversion lowest at moderate noise in docs/method.md section 7.2 (eps 1 for its
     * 8-dimensional noise, rho 30, tau 0, mix 1); at that setting fine-tuning is near chance
     * (docs/design-notes.md).
     */
    public static MechanismSpec defaults(String name) {
        String nm = name.toLowerCase(Locale.ROOT);
        if (PRIVTUNE_PLUS.equals(nm)) {
            return new MechanismSpec(nm, 1.0, 2, 10, 30.0, 0.0, 0.5, 1.0, 0.5, 0.1, 1e-5, 12.0, "analytic", 1.0, 8, null, 0.1, 0, "send", TaskRelevance.PSEUDO_COUNT, false, false, 0, HopSwapMechanism.TIERS, RELEVANCE_TRAIN, 0,
                    SPECIALS_PUBLIC, 0);
        }
        double eps = switch (nm) {
            case GAUSSIAN -> 1.0;
            case SANTEXT -> 3.0;
            case PRIVTUNE_SWAP -> 100.0;
            default -> 20.0;
        };
        return new MechanismSpec(nm, eps, 2, 10, 10.0, 0.7, 0.5, 1.0, 0.5, 0.1, 1e-5, 12.0, "analytic", 0.5, 8, null, 0.1, 0, "send", TaskRelevance.PSEUDO_COUNT, false, false, 0, HopSwapMechanism.TIERS, RELEVANCE_TRAIN, 0,
                NONE.equals(nm) ? SPECIALS_CLEAN : SPECIALS_PUBLIC, 0);
    }

    /**
     * Keys the complete text form of earlier versions wrote for every mechanism, whichever it was
     * (presets saved by the Noise Tuner, result tables, export folders): a text naming all of them
     * is that form, and its keys the mechanism does not read are passed over.
     */
    private static final java.util.Set<String> FULL_FORM_KEYS = java.util.Set.of("lt", "la", "lu", "delta", "clip",
            "calibration", "mix", "subspace");

    /**
     * Parses {@code name[:key=value,...]} (or ';' between parameters). A key the mechanism does not
     * read ({@link MechanismParameters}) is refused with its name and the mechanism's own keys, as
     * are bad numbers; the complete form earlier versions wrote for every mechanism is read with
     * the keys of other mechanisms passed over.
     */
    public static MechanismSpec parse(String text) {
        String t = text.trim();
        int colon = t.indexOf(':');
        String name = (colon < 0 ? t : t.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        MechanismSpec s = defaults(name);
        if (colon < 0 || colon == t.length() - 1) {
            return s;
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : t.substring(colon + 1).split("[,;]")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new InvalidInputException("mechanism spec '" + text + "'", 0, part.trim(), "expected key=value");
            }
            kv.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1).trim());
        }
        if (!MechanismParameters.known(name)) {
            throw new InvalidInputException("mechanism spec '" + text + "'", 0, "name", "unknown mechanism '" + name
                    + "' (known: " + String.join(", ", NAMES) + ")");
        }
        boolean fullForm = kv.keySet().containsAll(FULL_FORM_KEYS);
        for (Map.Entry<String, String> e : kv.entrySet()) {
            if (!MechanismParameters.has(s.name, e.getKey())) {
                if (fullForm && MechanismParameters.ALL_KEYS.contains(e.getKey())) {
                    continue;
                }
                throw notAParameter(s.name, e.getKey(), text);
            }
            s = s.with(e.getKey(), e.getValue(), text);
        }
        return s;
    }

    private static InvalidInputException notAParameter(String mechanism, String key, String source) {
        String own = MechanismParameters.known(mechanism)
                ? String.join(" ", MechanismParameters.keys(mechanism))
                : "";
        String problem = MechanismParameters.ALL_KEYS.contains(key)
                ? "not a parameter of " + mechanism
                : "unknown parameter";
        return new InvalidInputException("mechanism spec '" + source + "'", 0, key,
                problem + (own.isEmpty() ? " (" + mechanism + " takes none)" : " (" + mechanism + " takes: " + own + ")"));
    }

    /**
     * The value of one parameter as the text form writes it ({@code shuffle} as 0 or 1, {@code seed}
     * empty for secret randomness).
     */
    public String value(String key) {
        return switch (key) {
            case "eps" -> Double.toString(eps);
            case "n" -> Integer.toString(n);
            case "k" -> Integer.toString(k);
            case "rho" -> Double.toString(rho);
            case "tau" -> Double.toString(tau);
            case "alpha" -> Double.toString(alpha);
            case "lt" -> Double.toString(lambdaTarget);
            case "la" -> Double.toString(lambdaAvoid);
            case "lu" -> Double.toString(lambdaUtility);
            case "delta" -> Double.toString(delta);
            case "clip" -> Double.toString(clip);
            case "calibration" -> calibration;
            case "mix" -> Double.toString(mix);
            case "subspace" -> Integer.toString(subspace);
            case "seed" -> seed == null ? "" : Long.toString(seed);
            case "keep" -> Double.toString(keep);
            case "pool" -> Integer.toString(pool);
            case "kept" -> kept;
            case "prior" -> Double.toString(prior);
            case "shuffle" -> shuffle ? "1" : "0";
            case "poolcanon" -> poolCanon ? "1" : "0";
            case "clusters" -> Integer.toString(clusters);
            case "tiers" -> Integer.toString(tiers);
            case "relevance" -> relevance;
            case "window" -> Integer.toString(window);
            case "specials" -> specials;
            case "lengths" -> Integer.toString(lengths);
            default -> throw notAParameter(name, key, name);
        };
    }

    /** The parameters this spec's mechanism reads, with their descriptions ({@link MechanismParameters#of}). */
    public java.util.List<MechanismParameter> parameters() {
        return MechanismParameters.of(name);
    }

    /**
     * A copy with one parameter changed, by its text key. A parameter this mechanism does not read
     * ({@link MechanismParameters#has}) leaves the spec as it is, so that code may set a shared knob
     * such as eps or k on any spec; text naming it ({@link #parse}, {@link #withOptions}) is refused.
     * An empty seed means secret randomness.
     */
    public MechanismSpec with(String key, String value, String source) {
        if (MechanismParameters.ALL_KEYS.contains(key) && MechanismParameters.known(name)
                && !MechanismParameters.has(name, key)) {
            return this;
        }
        Builder b = new Builder(this);
        try {
            switch (key) {
                case "eps" -> b.eps = Double.parseDouble(value);
                case "n" -> b.n = Integer.parseInt(value);
                case "k" -> b.k = Integer.parseInt(value);
                case "rho" -> b.rho = Double.parseDouble(value);
                case "tau" -> b.tau = Double.parseDouble(value);
                case "alpha" -> b.alpha = Double.parseDouble(value);
                case "lt" -> b.lambdaTarget = Double.parseDouble(value);
                case "la" -> b.lambdaAvoid = Double.parseDouble(value);
                case "lu" -> b.lambdaUtility = Double.parseDouble(value);
                case "delta" -> b.delta = Double.parseDouble(value);
                case "clip" -> b.clip = Double.parseDouble(value);
                case "calibration" -> b.calibration = value.toLowerCase(Locale.ROOT);
                case "mix" -> b.mix = Double.parseDouble(value);
                case "subspace" -> b.subspace = Integer.parseInt(value);
                case "seed" -> b.seed = value.isEmpty() || "secure".equals(value.toLowerCase(Locale.ROOT)) ? null
                        : Long.parseLong(value);
                case "keep" -> b.keep = Double.parseDouble(value);
                case "pool" -> b.pool = Integer.parseInt(value);
                case "kept" -> b.kept = value.toLowerCase(Locale.ROOT);
                case "prior" -> b.prior = nonNegative(Double.parseDouble(value), key, source);
                case "shuffle" -> b.shuffle = flag(value, key, source);
                case "poolcanon" -> b.poolCanon = flag(value, key, source);
                case "clusters" -> b.clusters = Integer.parseInt(value);
                case "tiers" -> b.tiers = Integer.parseInt(value);
                case "relevance" -> b.relevance = value.toLowerCase(Locale.ROOT);
                case "window" -> b.window = Integer.parseInt(value);
                case "specials" -> b.specials = value.toLowerCase(Locale.ROOT);
                case "lengths" -> b.lengths = Integer.parseInt(value);
                default -> throw notAParameter(name, key, source);
            }
        } catch (NumberFormatException e) {
            throw new InvalidInputException("mechanism spec '" + source + "'", 0, key, "not a number: '" + value + "'", e);
        }
        return b.build();
    }

    /**
     * The components as mutable fields, so that {@link #with} changes one of them without a
     * constructor call per key (the record has grown one component per option).
     */
    private static final class Builder {
        private final String name;
        private double eps;
        private int n;
        private int k;
        private double rho;
        private double tau;
        private double alpha;
        private double lambdaTarget;
        private double lambdaAvoid;
        private double lambdaUtility;
        private double delta;
        private double clip;
        private String calibration;
        private double mix;
        private int subspace;
        private Long seed;
        private double keep;
        private int pool;
        private String kept;
        private double prior;
        private boolean shuffle;
        private boolean poolCanon;
        private int clusters;
        private int tiers;
        private String relevance;
        private int window;
        private String specials;
        private int lengths;

        Builder(MechanismSpec s) {
            name = s.name;
            eps = s.eps;
            n = s.n;
            k = s.k;
            rho = s.rho;
            tau = s.tau;
            alpha = s.alpha;
            lambdaTarget = s.lambdaTarget;
            lambdaAvoid = s.lambdaAvoid;
            lambdaUtility = s.lambdaUtility;
            delta = s.delta;
            clip = s.clip;
            calibration = s.calibration;
            mix = s.mix;
            subspace = s.subspace;
            seed = s.seed;
            keep = s.keep;
            pool = s.pool;
            kept = s.kept;
            prior = s.prior;
            shuffle = s.shuffle;
            poolCanon = s.poolCanon;
            clusters = s.clusters;
            tiers = s.tiers;
            relevance = s.relevance;
            window = s.window;
            specials = s.specials;
            lengths = s.lengths;
        }

        MechanismSpec build() {
            return new MechanismSpec(name, eps, n, k, rho, tau, alpha, lambdaTarget, lambdaAvoid, lambdaUtility, delta,
                    clip, calibration, mix, subspace, seed, keep, pool, kept, prior, shuffle, poolCanon, clusters, tiers,
                    relevance, window, specials, lengths);
        }
    }

    /**
     * The spec with {@code "key=value, key=value"} applied (empty parts ignored), for fields where
     * a user types a few parameters; only the keys in {@code allowed} are accepted, and the
     * result is range-checked ({@link Mechanisms#validate}). Errors name the key.
     */
    public MechanismSpec withOptions(String text, java.util.Collection<String> allowed, String source) {
        MechanismSpec s = this;
        for (String part : text.split("[,;]")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new InvalidInputException(source, 0, p, "expected key=value");
            }
            String key = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (!allowed.contains(key)) {
                throw new InvalidInputException(source, 0, key, "not one of " + String.join(", ", allowed));
            }
            if (!MechanismParameters.has(name, key)) {
                throw notAParameter(name, key, source);
            }
            s = s.with(key, p.substring(eq + 1).trim(), source);
        }
        Mechanisms.validate(s);
        return s;
    }

    /** The same spec with a fixed seed: repeatable, and therefore not private (experiments, tests). */
    public MechanismSpec withSeed(long newSeed) {
        return with("seed", Long.toString(newSeed), toString());
    }

    /** The same spec with secret randomness (no seed). */
    public MechanismSpec withSecureRandomness() {
        return with("seed", "secure", toString());
    }

    /** True when the spec fixes a seed, so that whoever knows it can replay every draw. */
    public boolean fixedSeed() {
        return seed != null;
    }

    /** {@link #FIXED_SEED_LABEL} or {@link #SECURE_LABEL}. */
    public String randomnessLabel() {
        return fixedSeed() ? FIXED_SEED_LABEL : SECURE_LABEL;
    }

    /**
     * The text form accepted by {@link #parse(String)}: the name and every parameter its mechanism
     * reads ({@link MechanismParameters#keys}), {@code seed} only when fixed.
     */
    @Override
    public String toString() {
        if (!MechanismParameters.known(name)) {
            return name;
        }
        StringBuilder b = new StringBuilder(name);
        char sep = ':';
        for (String key : MechanismParameters.keys(name)) {
            String v = value(key);
            if (key.equals("seed") && v.isEmpty()) {
                continue;
            }
            b.append(sep).append(key).append('=').append(v);
            sep = ',';
        }
        return b.toString();
    }

    /**
     * The text form for people: the name and only the parameters that differ from the name's
     * defaults, numbers rounded to four significant digits, e.g.
     * {@code privtune:eps=20.42,n=3}. {@link #parse} reads it back (to the rounded values).
     */
    public String toShortString() {
        Map<String, String> base = pairs(defaults(name).toString());
        StringBuilder b = new StringBuilder(name);
        char sep = ':';
        for (Map.Entry<String, String> e : pairs(toString()).entrySet()) {
            if (!e.getValue().equals(base.get(e.getKey()))) {
                b.append(sep).append(e.getKey()).append('=').append(round(e.getValue()));
                sep = ',';
            }
        }
        return b.toString();
    }

    /** A number with a fraction or exponent to four significant digits; whole numbers and words as they are. */
    public static String round(String value) {
        if (value.matches("-?[0-9]+")) {
            return value;
        }
        try {
            java.math.BigDecimal d = new java.math.BigDecimal(value).round(new java.math.MathContext(4))
                    .stripTrailingZeros();
            return d.scale() < -6 || d.scale() > 8 ? d.toString() : d.toPlainString();
        } catch (NumberFormatException e) {
            return value;
        }
    }

    private static Map<String, String> pairs(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text.indexOf(':') < 0) {
            return out;
        }
        for (String part : text.substring(text.indexOf(':') + 1).split(",")) {
            int eq = part.indexOf('=');
            out.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return out;
    }

    private static boolean flag(String value, String key, String source) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes" -> true;
            case "0", "false", "no" -> false;
            default -> throw new InvalidInputException("mechanism spec '" + source + "'", 0, key,
                    "expected 0 or 1, got '" + value + "'");
        };
    }

    private static double nonNegative(double value, String key, String source) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new InvalidInputException("mechanism spec '" + source + "'", 0, key,
                    "must be a finite number >= 0, got " + value);
        }
        return value;
    }
}
