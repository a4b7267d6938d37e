package org.privtune.mechanism;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

import org.privtune.core.InvalidInputException;

import ai.djl.ndarray.NDManager;

/**
 * The factory: a {@link MechanismSpec} and the {@link MechanismResources} of an encoder and split
 * layer give a ready {@link NoiseMechanism}. N_n sets are computed once per (graph, k, n) and
 * shared between mechanisms built from the same resources.
 */
public final class Mechanisms {

    /** N_n sets per graph (weakly held: they go when the graph goes) and per "k/n". */
    private static final Map<NeighbourGraph, Map<String, HopDistances>> HOPS = Collections
            .synchronizedMap(new WeakHashMap<>());

    private Mechanisms() {
    }

    /**
     * Builds a mechanism. Its tables live in a sub-manager of {@code manager}; close the mechanism
     * to free them.
     */
    public static NoiseMechanism create(MechanismSpec spec, MechanismResources res, NDManager manager) {
        validate(spec);
        return switch (spec.name()) {
            case MechanismSpec.NONE -> new NoneMechanism(spec, res.tokens(), manager);
            case MechanismSpec.DCHI -> new DChiMechanism(spec, res.tokens(), res.reference(), null, manager);
            case MechanismSpec.SAP -> new DChiMechanism(spec, res.tokens(), res.reference(), res.importance(), manager);
            case MechanismSpec.GAUSSIAN -> new GaussianMechanism(spec, res.tokens(), res.reference(), manager);
            case MechanismSpec.SANTEXT -> new SanTextMechanism(spec,
                    res.textGraph() != null ? res.textGraph() : res.graph(), res.tokens(), manager);
            case MechanismSpec.PRIVTUNE -> new PrivTuneMechanism(spec, res, hops(res, spec), manager);
            case MechanismSpec.PRIVTUNE_PLUS -> new PrivTunePlusMechanism(spec, res, hops(res, spec),
                    res.graph().truncate(Math.min(spec.k(), res.graph().k())), manager);
            case MechanismSpec.PRIVTUNE_SWAP -> new HopSwapMechanism(spec, res, hops(res, spec), manager);
            default -> throw new InvalidInputException("mechanism spec", 0, "name",
                    "unknown mechanism '" + spec.name() + "' (known: " + String.join(", ", MechanismSpec.NAMES) + ")");
        };
    }

    /** The N_n sets for the spec's k and n over the resources' graph (cached in memory). */
    public static HopDistances hops(MechanismResources res, MechanismSpec spec) {
        NeighbourGraph g = res.graph();
        if (spec.k() > g.k()) {
            throw new InvalidInputException("mechanism spec", 0, "k",
                    "k=" + spec.k() + " exceeds the neighbour graph's k=" + g.k());
        }
        Map<String, HopDistances> perGraph = HOPS.computeIfAbsent(g, x -> new ConcurrentHashMap<>());
        return perGraph.computeIfAbsent(spec.k() + "/" + spec.n() + "/" + Arrays.hashCode(res.tokens().nonTargetFlags()),
                x -> HopDistances.compute(g.truncate(spec.k()), spec.n(), res.tokens()));
    }

    /** Checks every parameter's range; the message names the parameter. */
    public static void validate(MechanismSpec s) {
        String src = "mechanism spec '" + s + "'";
        if (!(s.eps() > 0)) {
            throw new InvalidInputException(src, 0, "eps", "must be > 0");
        }
        if (s.n() < 1) {
            throw new InvalidInputException(src, 0, "n", "must be >= 1");
        }
        if (s.k() < 1) {
            throw new InvalidInputException(src, 0, "k", "must be >= 1");
        }
        if (s.rho() < 0) {
            throw new InvalidInputException(src, 0, "rho", "must be >= 0");
        }
        if (s.tau() < 0 || s.tau() > 1) {
            throw new InvalidInputException(src, 0, "tau", "must be in [0, 1]");
        }
        if (s.alpha() < 0 || s.alpha() >= 1) {
            throw new InvalidInputException(src, 0, "alpha", "must be in [0, 1)");
        }
        if (s.lambdaTarget() - s.lambdaAvoid() + s.lambdaUtility() <= 0) {
            throw new InvalidInputException(src, 0, "la", "lt - la + lu must be > 0");
        }
        if (!(s.delta() > 0 && s.delta() < 1)) {
            throw new InvalidInputException(src, 0, "delta", "must be in (0, 1)");
        }
        if (!(s.clip() > 0)) {
            throw new InvalidInputException(src, 0, "clip", "must be > 0");
        }
        if (!"analytic".equals(s.calibration()) && !"classical".equals(s.calibration())) {
            throw new InvalidInputException(src, 0, "calibration", "must be analytic or classical");
        }
        if (s.mix() < 0 || s.mix() > 1) {
            throw new InvalidInputException(src, 0, "mix", "must be in [0, 1]");
        }
        if (!(s.keep() >= 0 && s.keep() <= 1)) {
            throw new InvalidInputException(src, 0, "keep", "must be in [0, 1]");
        }
        if (s.pool() < 0) {
            throw new InvalidInputException(src, 0, "pool", "must be >= 0");
        }
        if (!java.util.List.of("send", "swap", "freq", "tier", "canon").contains(s.kept())) {
            throw new InvalidInputException(src, 0, "kept", "must be send, swap, freq, tier or canon");
        }
        if (s.tiers() < 1) {
            throw new InvalidInputException(src, 0, "tiers", "must be >= 1");
        }
        if (!java.util.List.of(MechanismSpec.RELEVANCE_TRAIN, MechanismSpec.RELEVANCE_IMDB, MechanismSpec.RELEVANCE_BOTH)
                .contains(s.relevance())) {
            throw new InvalidInputException(src, 0, "relevance", "must be train, imdb or both");
        }
        if (s.window() < 0) {
            throw new InvalidInputException(src, 0, "window", "must be >= 0 (0: the whole sentence)");
        }
        if (s.window() > 0 && !s.shuffle()) {
            throw new InvalidInputException(src, 0, "window", "shuffles within blocks, so it needs shuffle=1");
        }
        if (s.clusters() < 0) {
            throw new InvalidInputException(src, 0, "clusters", "must be >= 0 (0: n-hop substitutes)");
        }
        if (!java.util.List.of(MechanismSpec.SPECIALS_PUBLIC, MechanismSpec.SPECIALS_PERTURB, MechanismSpec.SPECIALS_CLEAN)
                .contains(s.specials())) {
            throw new InvalidInputException(src, 0, "specials", "must be public, perturb or clean");
        }
        if (MechanismSpec.NONE.equals(s.name()) && !MechanismSpec.SPECIALS_CLEAN.equals(s.specials())) {
            throw new InvalidInputException(src, 0, "specials", "none sends every row as computed (specials=clean)");
        }
        if (s.lengths() < 0 || s.lengths() > 512) {
            throw new InvalidInputException(src, 0, "lengths", "must be in [0, 512] (0: lengths not hidden)");
        }
        if (s.poolCanon() && s.pool() < 2) {
            throw new InvalidInputException(src, 0, "poolcanon", "needs a pool of at least 2 types (pool=P)");
        }
    }
}
