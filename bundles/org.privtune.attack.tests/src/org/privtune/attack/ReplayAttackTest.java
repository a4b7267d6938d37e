package org.privtune.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.privtune.core.Progress;
import org.privtune.mechanism.MechanismResources;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.Mechanisms;
import org.privtune.mechanism.NeighbourGraph;
import org.privtune.mechanism.NoiseMechanism;
import org.privtune.mechanism.ReferenceSpace;
import org.privtune.mechanism.SpecialTokens;
import org.privtune.mechanism.TaskRelevance;
import org.privtune.mechanism.TokenImportance;
import org.privtune.model.TextTokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * R against a toy bottom (a table lookup): a fixed seed replayed strips the noise and undoes the
 * shuffle; a wrong seed, or secret randomness, leaves the attacker where it was.
 */
class ReplayAttackTest {

    static final int V = 200;
    static final int D = 24;

    private record Setup(ReferenceSpace r, SpecialTokens tokens, MechanismResources res, DevicePath path,
            List<TextTokenizer.Batch> sentences) {
    }

    private static Setup setup(NDManager m) {
        ReferenceSpace r = ReferenceSpace.of(Toy.randomRows(V, D, 21), V, D);
        SpecialTokens tokens = SpecialTokens.only(V, Toy.PAD, Toy.CLS, Toy.SEP);
        NeighbourGraph g = NeighbourGraph.build(r, 6, tokens, m, 64, Progress.NONE);
        List<TextTokenizer.Batch> sentences = Toy.sentences(48, 16, V, 22);
        // every type of the toy text has a task relevance, so that keep=1 keeps (sends) each of them
        List<int[]> rows = new java.util.ArrayList<>();
        for (TextTokenizer.Batch b : sentences) {
            for (long[] row : b.ids()) {
                rows.add(java.util.Arrays.stream(row).mapToInt(v -> (int) v).toArray());
            }
        }
        int[] labels = new int[rows.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 2;
        }
        MechanismResources res = new MechanismResources(r, g, tokens, TokenImportance.uniform(V, 0f))
                .withRelevance(TaskRelevance.fromLabelledIds(V, rows, labels, 2, tokens));
        NDArray table = r.toNDArray(m);
        DevicePath path = new DevicePath((ids, mask) -> Toy.lookup(table, ids), tokens.specialFlags(), m);
        return new Setup(r, tokens, res, path, sentences);
    }

    @Test
    void aKnownSeedStripsDchiNoiseASecretOneDoesNot() {
        try (NDManager m = Toy.manager()) {
            Setup x = setup(m);
            // heavy noise: plain nearest neighbour recovers little
            MechanismSpec fixed = MechanismSpec.parse("dchi:eps=2").withSeed(5);
            ReplayAttack r = new ReplayAttack(x.res(), x.tokens().specialFlags(), x.tokens().specialFlags(), null,
                    Toy.CLS, Toy.SEP, 7);
            try (NoiseMechanism attacker = Mechanisms.create(fixed.withSeed(77), x.res(), m)) {
                TokenRecovery plain;
                TokenRecovery known;
                TokenRecovery wrong;
                try (NoiseMechanism victim = Mechanisms.create(fixed, x.res(), m)) {
                    ObservedRepresentations obs = x.path().observe(x.sentences(), victim, Progress.NONE);
                    plain = NearestNeighbourInversion.run(x.r(), attacker, x.tokens().specialFlags(), obs, m).strongest();
                    known = r.run(obs, fixed, attacker, m);
                    wrong = r.run(obs, fixed.withSeed(6), attacker, m);
                }
                TokenRecovery secret;
                try (NoiseMechanism victim = Mechanisms.create(fixed.withSecureRandomness(), x.res(), m)) {
                    ObservedRepresentations obs = x.path().observe(x.sentences(), victim, Progress.NONE);
                    secret = r.run(obs, fixed, attacker, m);
                }
                System.out.println("replay dchi eps 2: plain " + plain + ", known " + known + ", wrong " + wrong
                        + ", secret " + secret);
                assertTrue(plain.top1() < 0.5, "noise too weak for the test: " + plain);
                assertEquals(1.0, known.top1(), "the replayed noise is the noise");
                assertTrue(wrong.top1() < plain.top1(), "a wrong seed adds noise: " + wrong + " vs " + plain);
                assertTrue(Math.abs(secret.top1() - wrong.top1()) < 0.1,
                        "secret randomness replays no better than a wrong seed: " + secret + " vs " + wrong);
            }
        }
    }

    @Test
    void aKnownSeedUndoesTheShuffle() {
        try (NDManager m = Toy.manager()) {
            Setup x = setup(m);
            // shuffle only (keep everything, noise negligible): rows are the sent tokens in a random order
            MechanismSpec fixed = MechanismSpec.parse("privtune-swap:eps=1e7,k=6,keep=1,shuffle=1").withSeed(3);
            boolean[] special = x.tokens().specialFlags();
            ReplayAttack r = new ReplayAttack(x.res(), special, special, null, Toy.CLS, Toy.SEP, 7);
            try (NoiseMechanism attacker = Mechanisms.create(fixed.withSeed(77), x.res(), m);
                    NoiseMechanism victim = Mechanisms.create(fixed, x.res(), m)) {
                ObservedRepresentations obs = x.path().observe(x.sentences(), victim, Progress.NONE);
                ObservedRepresentations clean = x.path().observe(x.sentences(),
                        org.privtune.model.DeviceTransform.IDENTITY, Progress.NONE);
                assertFalse(java.util.Arrays.equals(clean.scoredIds(), obs.scoredIds()), "nothing was shuffled");
                ReplayAttack.Replayed known = r.replay(obs, fixed, m);
                assertTrue(known.reordered());
                assertArrayEquals(clean.scoredIds(), known.rows().scoredIds(), "the known seed puts every row back");
                ReplayAttack.Replayed wrong = r.replay(obs, fixed.withSeed(4), m);
                assertFalse(java.util.Arrays.equals(clean.scoredIds(), wrong.rows().scoredIds()),
                        "a wrong seed put every row back");
                assertEquals(1.0, r.run(obs, fixed, attacker, m).top1(), "rows recovered with their tokens");
            }
        }
    }
}
