package org.privtune.mechanism;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** privtune-swap: the kept set follows label information; every other token becomes an n-hop neighbour. */
class HopSwapMechanismTest {

    static final int V = 200;
    static final int D = 12;

    /** Sentences of class 0 contain token 50 or 51, of class 1 token 60 or 61; tokens 10..19 occur in both. */
    private static List<int[]> sentences(int[] labels) {
        List<int[]> out = new ArrayList<>();
        for (int s = 0; s < labels.length; s++) {
            labels[s] = s % 2;
            int label = labels[s] == 0 ? (s % 4 == 0 ? 50 : 51) : (s % 4 == 1 ? 60 : 61);
            out.add(new int[] {101, 10 + (s / 2) % 10, label, 10 + (s / 2 + 3) % 10, 102});
        }
        return out;
    }

    /** A random 200-token reference space with its graph and the toy relevance. */
    private static MechanismResources toyResources(NDManager m) {
        SpecialTokens tokens = SpecialTokens.only(V, 0, 101, 102);
        return Synthetic.resources(m, Synthetic.reference(V, D, 1f, 5), 5, tokens).withRelevance(relevance(tokens));
    }

    private static TaskRelevance relevance(SpecialTokens tokens) {
        int[] labels = new int[100];
        return TaskRelevance.fromLabelledIds(V, sentences(labels), labels, 2, tokens);
    }

    @Test
    void relevanceRanksLabelTokensFirstAndKeepsWithinTheBudget() {
        SpecialTokens tokens = SpecialTokens.only(V, 0, 101, 102);
        int[] labels = new int[100];
        TaskRelevance r = TaskRelevance.fromLabelledIds(V, sentences(labels), labels, 2, tokens);
        assertTrue(r.score(50) > 0.4, "a token that fixes the label: " + r.score(50));
        assertTrue(r.score(61) > 0.4);
        assertEquals(0, r.dominantLabel(51));
        assertEquals(1, r.dominantLabel(60));
        assertTrue(r.score(12) < 0.05, "a token spread over both labels: " + r.score(12));
        assertEquals(0.0, r.score(101), "special");
        assertEquals(0.0, r.score(150), "never seen");
        // 300 non-special occurrences: 50, 51, 60, 61 have 25 each. A third of the budget keeps all four.
        boolean[] third = r.keptTypes(1.0 / 3);
        assertTrue(third[50] && third[51] && third[60] && third[61]);
        assertFalse(third[12]);
        boolean[] sixth = r.keptTypes(1.0 / 6);
        assertEquals(2, (sixth[50] ? 1 : 0) + (sixth[51] ? 1 : 0) + (sixth[60] ? 1 : 0) + (sixth[61] ? 1 : 0),
                "a budget of 50 tokens keeps two of them");
        assertEquals(20, r.count(12));
        assertEquals(3, r.mostFrequent(3, third).length);
        boolean[] none = r.keptTypes(0);
        for (boolean b : none) {
            assertFalse(b);
        }
    }

    /**
     * A type seen once in class 0 against a type seen 40 times, 36 of them in class 0: a pseudo
     * count of 20 shrinks the singleton's score to almost nothing (its P(y | v) is pulled to the
     * prior) and the frequent type's far less. Same counts, same dominant labels.
     */
    @Test
    void aLargerPseudoCountShrinksRareTypesTowardsThePrior() {
        SpecialTokens tokens = SpecialTokens.only(V, 0, 101, 102);
        List<int[]> sents = new ArrayList<>();
        int[] labels = new int[80];
        for (int s = 0; s < 80; s++) {
            labels[s] = s % 2;
            boolean frequent = s % 2 == 0 && s < 72 || s == 1 || s == 3 || s == 5 || s == 7;
            sents.add(s == 0 ? new int[] {101, 20, 30, 102} : frequent ? new int[] {101, 20, 102} : new int[] {101, 21, 102});
        }
        // type 30: once, class 0; type 20: the even sentences below 72 (36, class 0) and 4 odd ones (class 1)
        TaskRelevance weak = TaskRelevance.fromLabelledIds(V, sents, labels, 2, tokens);
        assertEquals(1, weak.count(30));
        assertEquals(40, weak.count(20));
        assertEquals(0, weak.dominantLabel(30));
        assertEquals(0, weak.dominantLabel(20));
        TaskRelevance strong = weak.withPseudoCount(20);
        assertEquals(20.0, strong.pseudoCount());
        assertEquals(0, strong.dominantLabel(20));
        assertTrue(strong.score(30) < weak.score(30) / 10, "singleton shrunk: " + weak.score(30) + " -> " + strong.score(30));
        assertTrue(strong.score(20) > weak.score(20) / 3, "frequent type kept: " + weak.score(20) + " -> " + strong.score(20));
        assertTrue(strong.score(20) > 50 * strong.score(30),
                "frequent type first: " + strong.score(20) + " against " + strong.score(30));
        assertEquals(weak.score(20), weak.withPseudoCount(TaskRelevance.PSEUDO_COUNT).score(20), "same pseudo count, same scores");
        assertThrows(IllegalArgumentException.class, () -> weak.withPseudoCount(-1));
        assertThrows(org.privtune.core.InvalidInputException.class,
                () -> MechanismSpec.parse("privtune-swap:prior=-2"));
        assertEquals(20.0, MechanismSpec.parse("privtune-swap:keep=0.1,prior=20").prior());
        assertEquals(MechanismSpec.parse("privtune-swap:prior=7"), MechanismSpec.parse(MechanismSpec.parse("privtune-swap:prior=7").toString()));
    }

    /**
     * shuffle=1 sends the same substitutes as shuffle=0 (same seed), permuted within each row over
     * the ordinary tokens only, and {@code lastOrder} says where each came from, so that attacks
     * can score every row against its true token.
     */
    @Test
    void shuffleMovesTheSameSubstitutesWithinRowsAndSaysWhere() {
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = toyResources(m);
            SpecialTokens tokens = res.tokens();
            long[] idArr = {101, 50, 12, 60, 33, 17, 40, 102, 101, 17, 51, 150, 13, 102, 0, 0};
            long[] maskArr = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
            NDArray ids = m.create(idArr, new Shape(2, 8));
            NDArray mask = m.create(maskArr, new Shape(2, 8));
            MechanismSpec plain = MechanismSpec.parse("privtune-swap:eps=50,n=2,k=5,keep=0.34,seed=3");
            try (NoiseMechanism p = Mechanisms.create(plain, res, m);
                    NoiseMechanism s = Mechanisms.create(plain.with("shuffle", "1", "test"), res, m)) {
                long[] sp = p.beforeBottom(ids, mask).toLongArray();
                assertEquals(null, p.lastOrder(), "shuffle=0 keeps the order");
                long[] ss = s.beforeBottom(ids, mask).toLongArray();
                int[] order = s.lastOrder();
                boolean[] seen = new boolean[order.length];
                int moved = 0;
                TokenSubstitution law = (TokenSubstitution) s;
                long[] truth = org.privtune.model.DeviceTransform.inSentOrder(idArr, order);
                for (int i = 0; i < idArr.length; i++) {
                    assertFalse(seen[order[i]], "a permutation");
                    seen[order[i]] = true;
                    assertEquals(i / 8, order[i] / 8, "within its row");
                    assertEquals(sp[order[i]], ss[i], "the same substitute, moved");
                    if (maskArr[i] == 0 || tokens.isSpecial((int) idArr[i])) {
                        assertEquals(i, order[i], "special or padding stays at " + i);
                    } else {
                        assertTrue(maskArr[order[i]] != 0 && !tokens.isSpecial((int) idArr[order[i]]));
                        int u = (int) ss[i];
                        assertTrue(Arrays.stream(law.substitutes((int) truth[i]).ids()).anyMatch(x -> x == u),
                                "row " + i + " is a substitute of the token the order names");
                        moved += order[i] != i ? 1 : 0;
                    }
                }
                assertTrue(moved >= 4, "tokens moved: " + moved);
                assertTrue(MechanismSpec.parse(s.spec().toString()).shuffle(), "round trip");
            }
            assertThrows(org.privtune.core.InvalidInputException.class,
                    () -> MechanismSpec.parse("privtune-swap:shuffle=maybe"));
        }
    }

    /** Parameters typed as key=value text: allowed keys only, range-checked, errors name the key. */
    @Test
    void optionsTextAppliesAllowedKeysAndNamesTheBadOne() {
        List<String> keys = List.of("pool", "kept", "prior", "shuffle");
        MechanismSpec base = MechanismSpec.defaults("privtune-swap");
        MechanismSpec s = base.withOptions(" pool=200 ,kept=tier,, shuffle=1 ", keys, "swap options");
        assertEquals(200, s.pool());
        assertEquals("tier", s.kept());
        assertTrue(s.shuffle());
        assertEquals(base.eps(), s.eps());
        assertEquals(base, base.withOptions("", keys, "swap options"));
        org.privtune.core.InvalidInputException e = assertThrows(org.privtune.core.InvalidInputException.class,
                () -> base.withOptions("pool=200, eps=3", keys, "swap options"));
        assertTrue(e.getMessage().contains("eps"), e.getMessage());
        e = assertThrows(org.privtune.core.InvalidInputException.class,
                () -> base.withOptions("kept=maybe", keys, "swap options"));
        assertTrue(e.getMessage().contains("kept"), e.getMessage());
        assertThrows(org.privtune.core.InvalidInputException.class, () -> base.withOptions("pool", keys, "swap options"));
        assertThrows(org.privtune.core.InvalidInputException.class, () -> base.withOptions("pool=-1", keys, "swap options"));
    }

    @Test
    void everyOtherTokenIsReplacedByAnIndirectNeighbourReproducibly() {
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = toyResources(m);
            SpecialTokens tokens = res.tokens();
            TaskRelevance rel = res.relevance();
            ReferenceSpace ref = res.reference();
            MechanismSpec spec = MechanismSpec.parse("privtune-swap:eps=50,n=2,k=5,keep=0.34,seed=3");
            HopDistances hops = Mechanisms.hops(res, spec);
            long[] idArr = {101, 50, 12, 60, 33, 102, 0, 0, 101, 17, 51, 150, 102, 0, 0, 0};
            long[] maskArr = {1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0};
            NDArray ids = m.create(idArr, new Shape(2, 8));
            NDArray mask = m.create(maskArr, new Shape(2, 8));
            try (NoiseMechanism a = Mechanisms.create(spec, res, m);
                    NoiseMechanism b = Mechanisms.create(spec, res, m);
                    NoiseMechanism c = Mechanisms.create(spec.withSeed(4), res, m)) {
                long[] sa = a.beforeBottom(ids, mask).toLongArray();
                assertArrayEquals(sa, b.beforeBottom(ids, mask).toLongArray(), "same seed");
                long[] sc = c.beforeBottom(ids, mask).toLongArray();
                int changed = 0;
                for (int i = 0; i < idArr.length; i++) {
                    int v = (int) idArr[i];
                    if (maskArr[i] == 0 || tokens.isSpecial(v)) {
                        assertEquals(idArr[i], sa[i], "special or padding at " + i);
                    } else if (v == 50 || v == 51 || v == 60 || v == 61) {
                        assertEquals(idArr[i], sa[i], "kept label token at " + i);
                    } else {
                        int[] set = hops.indirect(v);
                        assertTrue(Arrays.binarySearch(set, (int) sa[i]) >= 0, "substitute outside N_2 at " + i);
                        assertTrue(sa[i] != v, "substitute equals the token at " + i);
                        changed += sa[i] != sc[i] ? 1 : 0;
                    }
                }
                assertTrue(changed > 0, "another seed draws other substitutes");
                // The published law q(. | v) covers what beforeBottom draws.
                TokenSubstitution law = (TokenSubstitution) a;
                for (int i = 0; i < idArr.length; i++) {
                    int v = (int) idArr[i];
                    if (maskArr[i] != 0) {
                        int u = (int) sa[i];
                        assertTrue(Arrays.stream(law.substitutes(v).ids()).anyMatch(x -> x == u), "law misses " + u);
                        assertEquals(1.0, Arrays.stream(law.substitutes(v).probabilities()).sum(), 1e-9);
                    }
                }
                // The report's targets are the substitutes; d_chi noise follows after the bottom model.
                NDArray hidden = Synthetic.hidden(m, ref, sa, 2, 8, 0.1f, 1);
                a.afterBottom(hidden, m.create(sa, new Shape(2, 8)), mask);
                int[] targets = a.lastReport().targets();
                for (int i = 0; i < idArr.length; i++) {
                    boolean eligible = maskArr[i] != 0 && !tokens.isSpecial((int) idArr[i]);
                    assertEquals(eligible ? sa[i] : -1, targets[i], "target at " + i);
                }
                assertTrue(a.lastReport().meanNoiseNorm() > 0);
            }
        }
    }

    @Test
    void keptTypesSwapWithinTheirLabelAndFrequentTypesWithinThePool() {
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = toyResources(m);
            SpecialTokens tokens = res.tokens();
            TaskRelevance rel = res.relevance();
            ReferenceSpace ref = res.reference();
            MechanismSpec spec = MechanismSpec.parse("privtune-swap:eps=50,n=2,k=5,keep=0.34,pool=3,kept=swap,seed=3");
            int[] pool = rel.mostFrequent(3, rel.keptTypes(0.34));
            long[] idArr = new long[40];
            for (int i = 0; i < 40; i++) {
                idArr[i] = new long[] {50, 51, 60, 61, pool[0], pool[1], pool[2], 33}[i % 8];
            }
            long[] maskArr = new long[40];
            java.util.Arrays.fill(maskArr, 1);
            try (NoiseMechanism a = Mechanisms.create(spec, res, m)) {
                long[] out = a.beforeBottom(m.create(idArr, new Shape(5, 8)), m.create(maskArr, new Shape(5, 8)))
                        .toLongArray();
                for (int i = 0; i < 40; i++) {
                    long v = idArr[i];
                    long u = out[i];
                    assertTrue(u != v, "every token is replaced at " + i);
                    if (v == 50 || v == 51) {
                        assertEquals(v == 50 ? 51 : 50, u, "a negative word becomes the other negative word");
                    } else if (v == 60 || v == 61) {
                        assertEquals(v == 60 ? 61 : 60, u, "a positive word becomes the other positive word");
                    } else if (i % 8 < 7) {
                        assertTrue(Arrays.stream(pool).anyMatch(p -> p == u), "frequent type stays in the pool");
                    } else {
                        HopDistances hops = Mechanisms.hops(res, spec);
                        assertTrue(Arrays.binarySearch(hops.indirect(33), (int) u) >= 0, "others use N_2");
                    }
                }
            }
        }
        assertThrows(org.privtune.core.InvalidInputException.class,
                () -> Mechanisms.create(MechanismSpec.parse("privtune-swap:kept=maybe"), null, null));
    }

    @Test
    void tieredSwapStaysWithinLabelAndRelevanceTier() {
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = toyResources(m);
            TaskRelevance rel = res.relevance();
            boolean[] kept = rel.keptTypes(0.5);
            int[] tier = HopSwapMechanism.relevanceTiers(rel, kept, HopSwapMechanism.TIERS);
            int keptCount = 0;
            for (int a = 0; a < kept.length; a++) {
                if (!kept[a]) {
                    continue;
                }
                keptCount++;
                assertTrue(tier[a] >= 0 && tier[a] < HopSwapMechanism.TIERS);
                for (int b = 0; b < kept.length; b++) {
                    if (kept[b] && rel.score(a) > rel.score(b)) {
                        assertTrue(tier[a] <= tier[b], "more relevant, no later tier: " + a + " vs " + b);
                    }
                }
            }
            assertTrue(keptCount >= 4, "the toy kept set has the label words and more");
            MechanismSpec spec = MechanismSpec.parse("privtune-swap:eps=50,n=2,k=5,keep=0.5,kept=tier,seed=5");
            try (NoiseMechanism mech = Mechanisms.create(spec, res, m)) {
                TokenSubstitution law = (TokenSubstitution) mech;
                for (int v = 0; v < kept.length; v++) {
                    if (!kept[v]) {
                        continue;
                    }
                    TokenSubstitution.Substitution q = law.substitutes(v);
                    assertEquals(1.0, Arrays.stream(q.probabilities()).sum(), 1e-9);
                    for (int u : q.ids()) {
                        if (u == v) {
                            continue; // alone in its group: sent as it is
                        }
                        assertTrue(kept[u], "a kept type becomes a kept type");
                        assertEquals(rel.dominantLabel(v), rel.dominantLabel(u), "same label for " + v);
                        assertEquals(tier[v], tier[u], "same relevance tier for " + v);
                    }
                }
            }
        }
    }

    @Test
    void frequencyWeightedSwapFollowsItsPublishedLaw() {
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = toyResources(m);
            SpecialTokens tokens = res.tokens();
            TaskRelevance rel = res.relevance();
            ReferenceSpace ref = res.reference();
            // keep 0.5: the four label tokens and the most informative of the others
            MechanismSpec spec = MechanismSpec.parse("privtune-swap:eps=50,n=2,k=5,keep=0.5,kept=freq,seed=4");
            try (NoiseMechanism a = Mechanisms.create(spec, res, m)) {
                TokenSubstitution law = (TokenSubstitution) a;
                TokenSubstitution.Substitution q = law.substitutes(50);
                assertEquals(1.0, Arrays.stream(q.probabilities()).sum(), 1e-9);
                assertTrue(Arrays.stream(q.ids()).noneMatch(u -> u == 50), "never itself");
                assertTrue(Arrays.stream(q.ids()).anyMatch(u -> u == 51), "the other negative word");
                // empirical draws follow q
                int n = 4000;
                long[] ids = new long[n];
                Arrays.fill(ids, 50);
                long[] mask = new long[n];
                Arrays.fill(mask, 1);
                long[] out = a.beforeBottom(m.create(ids, new Shape(n / 8, 8)), m.create(mask, new Shape(n / 8, 8)))
                        .toLongArray();
                for (int j = 0; j < q.ids().length; j++) {
                    int u = q.ids()[j];
                    long hits = Arrays.stream(out).filter(x -> x == u).count();
                    assertEquals(q.probabilities()[j], hits / (double) n, 0.03, "share of " + u);
                }
            }
        }
    }

    /**
     * kept=canon: every kept type of one label and tier is sent as that class's most frequent
     * type, always (the published law is a point mass on it), and the classes are those of
     * kept=tier.
     */
    @Test
    void canonicalSwapSendsEachClassAsItsMostFrequentMember() {
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = toyResources(m);
            TaskRelevance rel = res.relevance();
            boolean[] kept = rel.keptTypes(0.5);
            int[] tier = HopSwapMechanism.relevanceTiers(rel, kept, HopSwapMechanism.TIERS);
            MechanismSpec spec = MechanismSpec.parse("privtune-swap:eps=50,n=2,k=5,keep=0.5,kept=canon,seed=6");
            try (NoiseMechanism mech = Mechanisms.create(spec, res, m)) {
                TokenSubstitution law = (TokenSubstitution) mech;
                List<Long> keptIds = new ArrayList<>();
                for (int v = 0; v < kept.length; v++) {
                    if (!kept[v] || rel.dominantLabel(v) < 0) {
                        continue;
                    }
                    keptIds.add((long) v);
                    TokenSubstitution.Substitution q = law.substitutes(v);
                    assertEquals(1, q.ids().length, "one representative for " + v);
                    assertEquals(1.0, q.probabilities()[0], 0);
                    int c = q.ids()[0];
                    assertTrue(kept[c], "a kept type is sent as a kept type");
                    assertEquals(rel.dominantLabel(v), rel.dominantLabel(c), "same label for " + v);
                    assertEquals(tier[v], tier[c], "same tier for " + v);
                    for (int w = 0; w < kept.length; w++) {
                        if (kept[w] && rel.dominantLabel(w) == rel.dominantLabel(v) && tier[w] == tier[v]) {
                            assertTrue(rel.count(c) >= rel.count(w), "the class's most frequent type: " + c + " vs " + w);
                        }
                    }
                }
                assertTrue(keptIds.size() >= 4, "the toy kept set has the label words and more");
                // the ids sent follow the law, call after call
                long[] ids = keptIds.stream().mapToLong(Long::longValue).toArray();
                long[] mask = new long[ids.length];
                Arrays.fill(mask, 1);
                for (int call = 0; call < 3; call++) {
                    long[] out = mech.beforeBottom(m.create(ids, new Shape(1, ids.length)),
                            m.create(mask, new Shape(1, ids.length))).toLongArray();
                    for (int i = 0; i < ids.length; i++) {
                        assertEquals(law.substitutes((int) ids[i]).ids()[0], out[i], "call " + call + ", token " + ids[i]);
                    }
                }
                // the representative is the most frequent member, ties to the smaller id (50: 25
                // occurrences, 12 and 13: 20 each)
                assertEquals(50, HopSwapMechanism.canonicalMember(rel, new int[] {12, 50, 13}));
                assertEquals(12, HopSwapMechanism.canonicalMember(rel, new int[] {13, 12}));
                // the two label classes of the toy set get different representatives
                assertTrue(law.substitutes(50).ids()[0] != law.substitutes(60).ids()[0]);
            }
        }
    }

    /** poolcanon=1: the pool's types are all sent as its most frequent type; it needs a pool. */
    @Test
    void canonicalPoolSendsEveryPoolTypeAsItsMostFrequent() {
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = toyResources(m);
            TaskRelevance rel = res.relevance();
            boolean[] exclude = rel.keptTypes(0.1);
            for (int v = 0; v < exclude.length; v++) {
                exclude[v] |= res.tokens().isSpecial(v);
            }
            int[] pool = rel.mostFrequent(4, exclude);
            assertEquals(4, pool.length);
            MechanismSpec spec = MechanismSpec.parse("privtune-swap:eps=50,n=2,k=5,keep=0.1,pool=4,poolcanon=1,seed=7");
            assertTrue(MechanismSpec.parse(spec.toString()).poolCanon(), "round trip");
            int rep = HopSwapMechanism.canonicalMember(rel, pool);
            try (NoiseMechanism mech = Mechanisms.create(spec, res, m);
                    NoiseMechanism uniform = Mechanisms.create(spec.with("poolcanon", "0", "test"), res, m)) {
                for (int v : pool) {
                    TokenSubstitution.Substitution q = ((TokenSubstitution) mech).substitutes(v);
                    assertArrayEquals(new int[] {rep}, q.ids(), "pool type " + v);
                    assertTrue(((TokenSubstitution) uniform).substitutes(v).ids().length > 1, "without poolcanon: a draw");
                }
                long[] ids = Arrays.stream(pool).asLongStream().toArray();
                long[] mask = new long[ids.length];
                Arrays.fill(mask, 1);
                long[] out = mech.beforeBottom(m.create(ids, new Shape(1, ids.length)), m.create(mask, new Shape(1, ids.length)))
                        .toLongArray();
                for (long u : out) {
                    assertEquals(rep, u);
                }
            }
            org.privtune.core.InvalidInputException e = assertThrows(org.privtune.core.InvalidInputException.class,
                    () -> Mechanisms.create(MechanismSpec.parse("privtune-swap:poolcanon=1"), res, m));
            assertTrue(e.getMessage().contains("poolcanon"), e.getMessage());
        }
    }

    /**
     * clusters=K: every type that would get an n-hop substitute is sent as the most frequent such
     * type of its cluster; kept and pool types keep their own treatment.
     */
    @Test
    void clusteredTypesAreSentAsTheirClustersMostFrequentMember() {
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = toyResources(m);
            TaskRelevance rel = res.relevance();
            MechanismSpec spec = MechanismSpec.parse(
                    "privtune-swap:eps=50,n=2,k=5,keep=0.1,pool=4,poolcanon=1,kept=canon,clusters=6,seed=7");
            assertEquals(6, MechanismSpec.parse(spec.toString()).clusters(), "round trip");
            boolean[] kept = rel.keptTypes(0.1);
            boolean[] exclude = kept.clone();
            for (int v = 0; v < exclude.length; v++) {
                exclude[v] |= res.tokens().isSpecial(v);
            }
            java.util.Set<Integer> pool = new java.util.HashSet<>();
            for (int v : rel.mostFrequent(4, exclude)) {
                pool.add(v);
            }
            TokenClusters tc = TokenClusters.compute(res.reference(), res.tokens(), 6, HopSwapMechanism.CLUSTER_SEED, m);
            try (NoiseMechanism mech = Mechanisms.create(spec, res, m)) {
                TokenSubstitution law = (TokenSubstitution) mech;
                int checked = 0;
                for (int[] members : tc.members()) {
                    int rep = -1;
                    for (int v : members) {
                        if (!kept[v] && !pool.contains(v) && (rep < 0 || rel.count(v) > rel.count(rep))) {
                            rep = v;
                        }
                    }
                    for (int v : members) {
                        if (kept[v] || pool.contains(v)) {
                            continue;
                        }
                        assertArrayEquals(new int[] {rep}, law.substitutes(v).ids(), "type " + v);
                        checked++;
                    }
                }
                assertTrue(checked > 150, "most of the 200 toy types are clustered: " + checked);
                // a frequent shared token (10..19 occur in every sentence) is its cluster's representative
                int busiest = -1;
                for (int v = 10; v < 20; v++) {
                    if (!kept[v] && !pool.contains(v) && (busiest < 0 || rel.count(v) > rel.count(busiest))) {
                        busiest = v;
                    }
                }
                if (busiest >= 0) {
                    assertEquals(busiest, law.substitutes(busiest).ids()[0], "the likeliest member stands for itself");
                }
                long[] ids = {101, 150, 151, 152, 153, 102};
                long[] mask = {1, 1, 1, 1, 1, 1};
                long[] out = mech.beforeBottom(m.create(ids, new Shape(1, 6)), m.create(mask, new Shape(1, 6))).toLongArray();
                assertEquals(101, out[0]);
                assertEquals(102, out[5]);
                for (int i = 1; i < 5; i++) {
                    assertEquals(law.substitutes((int) ids[i]).ids()[0], out[i], "position " + i);
                }
            }
            org.privtune.core.InvalidInputException e = assertThrows(org.privtune.core.InvalidInputException.class,
                    () -> Mechanisms.create(MechanismSpec.parse("privtune-swap:k=5,clusters=-1"), res, m));
            assertTrue(e.getMessage().contains("clusters"), e.getMessage());
            e = assertThrows(org.privtune.core.InvalidInputException.class,
                    () -> Mechanisms.create(MechanismSpec.parse("privtune-swap:k=5,clusters=5000"), res, m));
            assertTrue(e.getMessage().contains("clusters"), e.getMessage());
        }
    }

    /** tiers=T: kept=canon sends each label's kept types as one word per relevance tier they occupy. */
    @Test
    void tierCountSetsTheWordsALabelIsSentAs() {
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = toyResources(m);
            TaskRelevance rel = res.relevance();
            boolean[] kept = rel.keptTypes(0.4);
            for (int t = 1; t <= 3; t++) {
                MechanismSpec spec = MechanismSpec.parse("privtune-swap:eps=50,n=2,k=5,keep=0.4,kept=canon,seed=7,tiers=" + t);
                assertEquals(t, MechanismSpec.parse(spec.toString()).tiers(), "round trip");
                int[] tier = HopSwapMechanism.relevanceTiers(rel, kept, t);
                java.util.Map<Integer, java.util.Set<Integer>> words = new java.util.TreeMap<>();
                java.util.Map<Integer, java.util.Set<Integer>> tiersUsed = new java.util.TreeMap<>();
                try (NoiseMechanism mech = Mechanisms.create(spec, res, m)) {
                    for (int v = 0; v < kept.length; v++) {
                        if (kept[v] && rel.dominantLabel(v) >= 0) {
                            words.computeIfAbsent(rel.dominantLabel(v), y -> new java.util.TreeSet<>())
                                    .add(((TokenSubstitution) mech).substitutes(v).ids()[0]);
                            tiersUsed.computeIfAbsent(rel.dominantLabel(v), y -> new java.util.TreeSet<>()).add(tier[v]);
                        }
                    }
                }
                assertEquals(2, words.size(), "both labels have kept types");
                for (int y : words.keySet()) {
                    assertEquals(tiersUsed.get(y).size(), words.get(y).size(), "label " + y + " with tiers=" + t);
                    assertTrue(words.get(y).size() <= t);
                }
                if (t == 1) {
                    assertTrue(words.values().stream().allMatch(w -> w.size() == 1), "one word per label");
                }
            }
            org.privtune.core.InvalidInputException e = assertThrows(org.privtune.core.InvalidInputException.class,
                    () -> Mechanisms.create(MechanismSpec.parse("privtune-swap:k=5,kept=canon,tiers=0"), res, m));
            assertTrue(e.getMessage().contains("tiers"), e.getMessage());
        }
    }
    /** Public labelled text: tokens 30/31 only in class 0 sentences, 40/41 only in class 1; 50-61 never. */
    private static TaskRelevance publicRelevance(SpecialTokens tokens) {
        List<int[]> out = new ArrayList<>();
        int[] labels = new int[100];
        for (int s = 0; s < labels.length; s++) {
            labels[s] = s % 2;
            int word = labels[s] == 0 ? (s % 4 == 0 ? 30 : 31) : (s % 4 == 1 ? 40 : 41);
            out.add(new int[] {101, 10 + (s / 2) % 10, word, 10 + (s / 2 + 5) % 10, 102});
        }
        return TaskRelevance.fromLabelledIds(V, out, labels, 2, tokens);
    }

    /** relevance=train|imdb|both picks the labelled text the kept set is counted on. */
    @Test
    void relevanceNamesTheLabelledTextTheKeptSetIsCountedOn() {
        try (NDManager m = Synthetic.manager()) {
            MechanismResources trainOnly = toyResources(m);
            TaskRelevance pub = publicRelevance(trainOnly.tokens());
            MechanismResources res = trainOnly.withPublicRelevance(pub);
            java.util.Map<String, boolean[]> keptBy = new java.util.LinkedHashMap<>();
            for (String src : List.of("train", "imdb", "both")) {
                MechanismSpec spec = MechanismSpec.parse("privtune-swap:eps=50,n=2,k=5,keep=0.4,seed=7,relevance=" + src);
                assertEquals(src, MechanismSpec.parse(spec.toString()).relevance(), "round trip");
                boolean[] sentAsItself = new boolean[V];
                try (NoiseMechanism mech = Mechanisms.create(spec, res, m)) {
                    for (int v : new int[] {30, 31, 40, 41, 50, 51, 60, 61}) {
                        int[] ids = ((TokenSubstitution) mech).substitutes(v).ids();
                        sentAsItself[v] = ids.length == 1 && ids[0] == v;
                    }
                }
                keptBy.put(src, sentAsItself);
            }
            for (int v : new int[] {50, 51, 60, 61}) {
                assertTrue(keptBy.get("train")[v] && !keptBy.get("imdb")[v] && keptBy.get("both")[v], "label word " + v);
            }
            for (int v : new int[] {30, 31, 40, 41}) {
                assertTrue(!keptBy.get("train")[v] && keptBy.get("imdb")[v] && keptBy.get("both")[v], "public word " + v);
            }
            // both = the counts added: token 12 occurs 20 times in each text
            TaskRelevance sum = res.relevanceFor(MechanismSpec.parse("privtune-swap:relevance=both"));
            assertEquals(40, sum.count(12));
            assertEquals(25, sum.count(30));
            assertEquals(res.relevance().dominantLabel(50), sum.dominantLabel(50));
            assertEquals(pub.dominantLabel(41), sum.dominantLabel(41));
            // without the public table: refused, naming what is missing
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Mechanisms.create(MechanismSpec.parse("privtune-swap:k=5,relevance=imdb"), trainOnly, m));
            assertTrue(e.getMessage().contains("relevance=imdb"), e.getMessage());
            org.privtune.core.InvalidInputException bad = assertThrows(org.privtune.core.InvalidInputException.class,
                    () -> Mechanisms.create(MechanismSpec.parse("privtune-swap:k=5,relevance=wiki"), res, m));
            assertTrue(bad.getMessage().contains("relevance"), bad.getMessage());
            assertThrows(IllegalArgumentException.class, () -> res.relevance().plus(
                    TaskRelevance.fromLabelledIds(V + 1, List.of(), new int[0], 2, SpecialTokens.only(V + 1, 0))));
        }
    }
    /** window=W: the shuffle moves every token within its block of W eligible tokens only. */
    @Test
    void windowShufflesWithinBlocks() {
        long[] row = {101, 11, 12, 13, 14, 15, 16, 17, 102, 0};
        long[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 1, 0};
        java.util.function.LongPredicate special = v -> v == 101 || v == 102 || v == 0;
        boolean moved = false;
        for (long seed = 1; seed <= 20; seed++) {
            long[] out = row.clone();
            int[] order = HopSwapMechanism.shuffleWithinRows(out, row, mask, row.length, special,
                    new java.util.SplittableRandom(seed), 3);
            for (int p = 0; p < row.length; p++) {
                assertEquals(row[order[p]], out[p], "order names where each token came from");
                if (p >= 1 && p <= 7) {
                    assertEquals((p - 1) / 3, (order[p] - 1) / 3, "token at " + p + " stays in its block");
                } else {
                    assertEquals(p, order[p], "specials and padding stay");
                }
                moved |= order[p] != p;
            }
            // a block larger than the sentence is the whole-sentence shuffle, draw for draw
            long[] whole = row.clone();
            long[] wide = row.clone();
            assertArrayEquals(HopSwapMechanism.shuffleWithinRows(whole, row, mask, row.length, special,
                    new java.util.SplittableRandom(seed), 0), HopSwapMechanism.shuffleWithinRows(wide, row, mask,
                    row.length, special, new java.util.SplittableRandom(seed), 100));
            long[] one = row.clone();
            HopSwapMechanism.shuffleWithinRows(one, row, mask, row.length, special, new java.util.SplittableRandom(seed), 1);
            assertArrayEquals(row, one, "blocks of one: nothing moves");
        }
        assertTrue(moved);
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = toyResources(m);
            org.privtune.core.InvalidInputException e = assertThrows(org.privtune.core.InvalidInputException.class,
                    () -> Mechanisms.create(MechanismSpec.parse("privtune-swap:k=5,window=3"), res, m));
            assertTrue(e.getMessage().contains("window") && e.getMessage().contains("shuffle"), e.getMessage());
            e = assertThrows(org.privtune.core.InvalidInputException.class,
                    () -> Mechanisms.create(MechanismSpec.parse("privtune-swap:k=5,shuffle=1,window=-1"), res, m));
            assertTrue(e.getMessage().contains("window"), e.getMessage());
            assertEquals(3, MechanismSpec.parse(MechanismSpec.parse("privtune-swap:shuffle=1,window=3").toString()).window());
        }
    }
}
