package org.privtune.mechanism;

import java.util.random.RandomGenerator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * {@code privtune-swap}: our variant (docs/method.md, "privtune-swap"), not the paper's mechanism.
 * Where {@code privtune} only moves a token's representation towards its n-hop indirect
 * neighbours, this one makes the token <em>be</em> one: before the bottom model, every eligible
 * token v outside the kept set is replaced by u drawn uniformly from N_n(v), so the whole
 * representation, its context-specific part included, is that of u in a sentence of substitutes.
 * That is aimed at the learned inversion (A2), which defeats representation-level shifts because
 * the token's identity survives in the context residual. The kept set is the most
 * label-informative types ({@link TaskRelevance#keptTypes}) covering a share {@code keep} of the
 * training tokens, so that the task signal survives; those tokens are not hidden, and every
 * attack recovers them, which is the price paid for utility. After the bottom model every
 * eligible token gets d_chi noise with {@code eps} (density proportional to exp(-eps ||z||)).
 *
 * <p>Two options aimed at the context-free Bayes attacker, who guesses the likeliest v for a
 * substitute u (docs/method.md 6.6): {@code kept=swap} replaces each kept type by another kept
 * type of the same dominant label, uniformly ({@code kept=freq}: in proportion to its training
 * frequency, so that the top mostly sees the common words of that label; {@code kept=tier}: as
 * freq, within the same relevance tier too, see {@link #relevanceTiers}; {@code kept=canon}: every
 * kept type of one label and tier is sent as that class's most frequent type,
 * {@link #canonicalMember}), and {@code pool=P}
 * substitutes the P most frequent other training types among each other, so that a frequent
 * token's substitute does not point back at it ({@code poolcanon=1}: all of them are sent as the
 * pool's most frequent type, for the reason given at {@link #canonicalMember}). {@code clusters=K}
 * does the same for the remaining tokens: each is sent as the most frequent of them in its
 * cluster of the reference space ({@link TokenClusters}) instead of an n-hop neighbour.
 *
 * <p>What it does not give: a formal guarantee for the substitution (u is uniform over N_n(v),
 * but N_n differs between tokens, so it is not a metric-DP mechanism over the vocabulary). The
 * d_chi part keeps its guarantee for the representation. Without labelled training data
 * (no {@link TaskRelevance} in the resources) nothing is kept.
 */
final class HopSwapMechanism extends RepresentationMechanism implements TokenSubstitution {

    private final HopDistances hops;
    private final boolean[] kept;
    /** Per type its own substitute candidates when it is not drawn from N_n (null: N_n or none). */
    private final int[][] candidates;
    /** Per type with candidates, their cumulative draw weights (null: uniform). */
    private final double[][] cumulative;
    /** {@code kept=canon}: per kept type the one type its class is always sent as (-1: none). */
    private final int[] canonical;
    private long swapCalls;
    private int[] lastTargets;
    private int[] lastOrder;

    HopSwapMechanism(MechanismSpec spec, MechanismResources res, HopDistances hops, NDManager parent) {
        super(spec, res.tokens(), res.reference(), parent);
        this.hops = hops;
        TaskRelevance source = res.relevanceFor(spec);
        TaskRelevance rel = source == null ? null : source.withPseudoCount(spec.prior());
        this.kept = rel == null ? new boolean[res.reference().vocabSize()] : rel.keptTypes(spec.keep());
        this.candidates = new int[kept.length][];
        this.cumulative = new double[kept.length][];
        this.canonical = new int[kept.length];
        java.util.Arrays.fill(canonical, -1);
        boolean canon = "canon".equals(spec.kept());
        boolean tiered = "tier".equals(spec.kept()) || canon;
        if (rel != null && ("swap".equals(spec.kept()) || "freq".equals(spec.kept()) || tiered)) {
            // kept types: any kept type of the same dominant label (and, for tier, the same tier)
            int[] tier = tiered ? relevanceTiers(rel, kept, spec.tiers()) : new int[kept.length];
            java.util.Map<Integer, java.util.List<Integer>> byLabel = new java.util.TreeMap<>();
            for (int v = 0; v < kept.length; v++) {
                if (kept[v] && rel.dominantLabel(v) >= 0) {
                    byLabel.computeIfAbsent(rel.dominantLabel(v) * spec.tiers() + tier[v], y -> new java.util.ArrayList<>())
                            .add(v);
                }
            }
            for (java.util.List<Integer> members : byLabel.values()) {
                int[] pool = members.stream().mapToInt(Integer::intValue).toArray();
                if (canon) {
                    int c = canonicalMember(rel, pool);
                    for (int v : pool) {
                        canonical[v] = c;
                    }
                    continue;
                }
                double[] cum = null;
                if ("freq".equals(spec.kept()) || tiered) {
                    cum = new double[pool.length];
                    double sum = 0;
                    for (int i = 0; i < pool.length; i++) {
                        sum += rel.count(pool[i]);
                        cum[i] = sum;
                    }
                }
                for (int v : pool) {
                    candidates[v] = pool;
                    cumulative[v] = cum;
                }
            }
        }
        if (rel != null && spec.pool() > 1) {
            // the most frequent other types: among each other
            boolean[] exclude = kept.clone();
            for (int v = 0; v < exclude.length; v++) {
                exclude[v] |= isSpecial(v);
            }
            int[] frequent = rel.mostFrequent(spec.pool(), exclude);
            int c = spec.poolCanon() && frequent.length > 0 ? canonicalMember(rel, frequent) : -1;
            for (int v : frequent) {
                candidates[v] = c >= 0 ? null : frequent;
                canonical[v] = c;
            }
        }
        if (spec.clusters() > 0) {
            ReferenceSpace r = res.reference();
            TokenClusters tc = hops.memo(r, "clusters " + spec.clusters(),
                    () -> TokenClusters.compute(r, res.tokens(), spec.clusters(), CLUSTER_SEED, parent));
            codeByCluster(tc, rel);
        }
    }

    /**
     * Seed of the k-means++ draw of {@code clusters=K}: fixed, so that the partition is a public
     * function of R and K (like the graph) and the same for every experiment seed.
     */
    static final long CLUSTER_SEED = 1L;

    /**
     * {@code clusters=K}: every type that would get an n-hop substitute (not kept, not in the pool,
     * not special) is sent as the most frequent such type of its cluster (ties: the smaller id),
     * so the substitute is a function of the cluster alone. Types outside every cluster
     * (non-targets) keep the n-hop draw.
     */
    private void codeByCluster(TokenClusters tc, TaskRelevance rel) {
        for (int[] members : tc.members()) {
            int best = -1;
            for (int v : members) {
                if (kept[v] || candidates[v] != null || canonical[v] >= 0 || isSpecial(v)) {
                    continue;
                }
                if (best < 0 || rel != null && rel.count(v) > rel.count(best)) {
                    best = v; // members ascend, so ties stay with the smaller id
                }
            }
            for (int v : members) {
                if (best >= 0 && !kept[v] && candidates[v] == null && canonical[v] < 0 && !isSpecial(v)) {
                    canonical[v] = best;
                }
            }
        }
    }

    /**
     * {@code kept=canon}: the class's most frequent training type (ties: the smaller id), so that
     * the top keeps seeing one common word per label and tier. Why (docs/results.md): a
     * draw that does not depend on v within the class (kept=swap, freq, tier) tells the cloud only
     * the class, and so does a fixed representative; the Bayes attacker guesses the same type
     * either way (the likeliest member), but the top no longer has to learn a random word per
     * occurrence.
     */
    static int canonicalMember(TaskRelevance rel, int[] members) {
        int best = members[0];
        for (int v : members) {
            if (rel.count(v) > rel.count(best) || rel.count(v) == rel.count(best) && v < best) {
                best = v;
            }
        }
        return best;
    }

    /** Default number of relevance tiers of {@code kept=tier} and {@code kept=canon} ({@code tiers=T}). */
    static final int TIERS = 4;

    /**
     * Per kept type its relevance tier, 0 (most label-informative) to tiers - 1, each tier holding
     * about the same share of the kept types' training occurrences. Why (docs/design-notes.md):
     * kept=freq cost 17 accuracy points over kept=send, and our suspicion is that with one group
     * per label the kept set's weakly relevant frequent words (leaning a little towards one label)
     * were replaced by that label's strongly polar words, putting label signal where the sentence
     * had almost none. Tiers keep weak words among weak ones.
     */
    static int[] relevanceTiers(TaskRelevance rel, boolean[] kept, int tiers) {
        java.util.List<Integer> types = new java.util.ArrayList<>();
        long total = 0;
        for (int v = 0; v < kept.length; v++) {
            if (kept[v]) {
                types.add(v);
                total += rel.count(v);
            }
        }
        types.sort((a, b) -> Double.compare(rel.score(b), rel.score(a)));
        int[] tier = new int[kept.length];
        long before = 0;
        for (int v : types) {
            tier[v] = total == 0 ? 0 : (int) Math.min(tiers - 1, before * tiers / total);
            before += rel.count(v);
        }
        return tier;
    }

    @Override
    public NDArray beforeBottom(NDArray tokenIds, NDArray attentionMask) {
        Shape shape = tokenIds.getShape();
        long[] ids = longIds(tokenIds);
        long[] mask = longIds(attentionMask);
        RandomGenerator rnd = draws.generator(draws.callSeed(0x5A5A5A5AL, swapCalls++));
        long[] out = ids.clone();
        int[] targets = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            int v = (int) ids[i];
            targets[i] = -1;
            if (mask[i] == 0 || isSpecial(v)) {
                continue;
            }
            int u;
            if (canonical[v] >= 0) {
                u = canonical[v];
            } else if (candidates[v] != null) {
                u = cumulative[v] != null ? drawWeightedOther(candidates[v], cumulative[v], v, rnd)
                        : drawOther(candidates[v], v, rnd);
            } else if (kept[v]) {
                u = v;
            } else {
                int[] set = hops.indirect(v);
                u = set.length == 0 ? v : set[rnd.nextInt(set.length)];
            }
            out[i] = u;
            targets[i] = u;
        }
        lastOrder = null;
        if (spec.shuffle()) {
            // the permutation has its own stream, so the substitutes are those of shuffle=0
            lastOrder = shuffleWithinRows(out, ids, mask, (int) shape.get(shape.dimension() - 1), this::isSpecial,
                    draws.generator(draws.callSeed(0x0DDBA11L, swapCalls - 1)), spec.window());
            for (int i = 0; i < out.length; i++) {
                targets[i] = targets[i] < 0 ? -1 : (int) out[i];
            }
        }
        lastTargets = targets;
        NDArray swapped = tokenIds.getManager().create(out, shape);
        return swapped.getDataType() == tokenIds.getDataType() ? swapped
                : swapped.toType(tokenIds.getDataType(), false);
    }

    /**
     * {@code shuffle=1}: permutes, in place and within each row of {@code length}, the tokens at the
     * eligible positions (attention mask set, not special; specials and padding stay where they
     * are). Why (docs/results.md): one representation per token tells the cloud each token's
     * position, and position alone (A0) recovers 10.4% of the test tokens; after a shuffle both
     * the row index and the position embedding inside each representation are random. The top's
     * mean pooling ignores order, its attention layers see the shuffled positions.
     * {@code window=W} permutes within consecutive blocks of W eligible tokens only,
     * so that a token stays near its place: the question is whether that hides enough of the
     * positions from A0 at a smaller cost in accuracy than the whole-sentence shuffle.
     *
     * @param window block size, 0 for the whole row (the same draws as before the option existed)
     * @return per flat position, the flat position whose token now stands there
     */
    static int[] shuffleWithinRows(long[] out, long[] original, long[] mask, int length,
            java.util.function.LongPredicate special, RandomGenerator rnd, int window) {
        int[] order = new int[out.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int[] slots = new int[length];
        for (int row = 0; row * length < out.length; row++) {
            int k = 0;
            for (int t = row * length; t < (row + 1) * length; t++) {
                if (mask[t] != 0 && !special.test(original[t])) {
                    slots[k++] = t;
                }
            }
            int block = window > 0 ? window : Math.max(k, 1);
            for (int j = k - 1; j > 0; j--) { // Fisher-Yates over the slots of j's block
                int start = j / block * block;
                if (j == start) {
                    continue;
                }
                int r = start + rnd.nextInt(j - start + 1);
                int a = slots[j];
                int b = slots[r];
                long tmp = out[a];
                out[a] = out[b];
                out[b] = tmp;
                int o = order[a];
                order[a] = order[b];
                order[b] = o;
            }
        }
        return order;
    }

    @Override
    public int[] lastOrder() {
        return lastOrder;
    }

    /** d_chi noise on every eligible token, as {@code dchi}; the report's targets are the substitutes. */
    @Override
    protected Noise noise(Batch b) {
        int[] targets = lastTargets != null && lastTargets.length == b.rows() ? lastTargets : null;
        return new Noise(dchi(b, spec.eps(), null), null, targets, null);
    }

    @Override
    public Substitution substitutes(int v) {
        if (isSpecial(v)) {
            return new Substitution(new int[] {v}, new double[] {1});
        }
        if (canonical[v] >= 0) {
            return new Substitution(new int[] {canonical[v]}, new double[] {1});
        }
        int[] set;
        if (candidates[v] != null && cumulative[v] != null && candidates[v].length >= 2) {
            int[] pool = candidates[v];
            double[] cum = cumulative[v];
            java.util.List<Integer> ids = new java.util.ArrayList<>();
            java.util.List<Double> w = new java.util.ArrayList<>();
            double total = 0;
            for (int i = 0; i < pool.length; i++) {
                double wi = cum[i] - (i == 0 ? 0 : cum[i - 1]);
                if (pool[i] != v && wi > 0) {
                    ids.add(pool[i]);
                    w.add(wi);
                    total += wi;
                }
            }
            double[] q = new double[w.size()];
            for (int i = 0; i < q.length; i++) {
                q[i] = w.get(i) / total;
            }
            return new Substitution(ids.stream().mapToInt(Integer::intValue).toArray(), q);
        }
        if (candidates[v] != null) {
            set = candidates[v].length < 2 ? new int[] {v}
                    : java.util.Arrays.stream(candidates[v]).filter(u -> u != v).toArray();
        } else if (kept[v]) {
            set = new int[] {v};
        } else {
            set = hops.indirect(v);
            if (set.length == 0) {
                set = new int[] {v};
            }
        }
        double[] q = new double[set.length];
        java.util.Arrays.fill(q, 1.0 / set.length);
        return new Substitution(set, q);
    }

    /** A member of {@code pool} other than v, drawn in proportion to its weight. */
    private static int drawWeightedOther(int[] pool, double[] cum, int v, RandomGenerator rnd) {
        if (pool.length < 2) {
            return v;
        }
        for (int attempt = 0; attempt < 64; attempt++) {
            double x = rnd.nextDouble() * cum[cum.length - 1];
            int i = java.util.Arrays.binarySearch(cum, x);
            i = i < 0 ? -i - 1 : i + 1;
            int u = pool[Math.min(i, pool.length - 1)];
            if (u != v) {
                return u;
            }
        }
        return drawOther(pool, v, rnd); // v dominates its pool: fall back to uniform
    }

    /** A uniform member of {@code pool} other than v (v itself when it is the only member). */
    private static int drawOther(int[] pool, int v, RandomGenerator rnd) {
        if (pool.length < 2) {
            return v;
        }
        int u = pool[rnd.nextInt(pool.length - 1)];
        // the draw covers pool minus its last member; v's slot stands for the last member
        return u == v ? pool[pool.length - 1] : u;
    }

    /** Zero-mean at the representation level; the substitution has no deterministic part. */
    @Override
    public NDArray deterministicPart(NDArray hidden, NDArray tokenIds) {
        return hidden.duplicate();
    }
}
