package org.privtune.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.privtune.core.Progress;
import org.privtune.model.BertConfig;
import org.privtune.model.BertEncoder;
import org.privtune.model.DeviceTransform;

import ai.djl.ndarray.NDManager;

class OptimisationInversionTest {

    static final int V = 50;

    /**
     * A small random BERT cut after one layer: from its exact output, the relaxation over 8
     * candidates (one of them the true token) must find the true token at almost every position;
     * when the true token is not a candidate it cannot.
     */
    @Test
    void findsTheTokensThatReproduceTheBottomOutput() {
        try (NDManager m = Toy.manager()) {
            ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed(5);
            BertEncoder enc = new BertEncoder(m, new BertConfig(V, 32, 2, 2, 64, 16, 2, 1e-12f));
            DevicePath path = new DevicePath((ids, mask) -> enc.bottom(ids, mask, ids.zerosLike(), 1, false),
                    Toy.specials(V), m);
            ObservedRepresentations obs = path.observe(Toy.sentences(12, 12, V, 31), DeviceTransform.IDENTITY,
                    Progress.NONE);
            long[] truth = obs.scoredIds();
            Random r = new Random(32);
            long[][] withTruth = new long[truth.length][8];
            long[][] withoutTruth = new long[truth.length][8];
            for (int i = 0; i < truth.length; i++) {
                int at = r.nextInt(8);
                for (int j = 0; j < 8; j++) {
                    long other;
                    do {
                        other = 3 + r.nextInt(V - 3);
                    } while (other == truth[i]);
                    withTruth[i][j] = j == at ? truth[i] : other;
                    withoutTruth[i][j] = other;
                }
            }
            OptimisationInversion a3 = new OptimisationInversion(enc, 1, new OptimisationInversion.Config(80, 0.1f));
            TokenRecovery found = a3.evaluate(obs, withTruth, m, Progress.NONE);
            assertTrue(found.top1() > 0.9, "with the truth among candidates: " + found);
            OptimisationInversion short3 = new OptimisationInversion(enc, 1, new OptimisationInversion.Config(5, 0.1f));
            assertEquals(0.0, short3.evaluate(obs, withoutTruth, m, Progress.NONE).top5());
        }
    }
}
