package org.privtune.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.privtune.core.Progress;
import org.privtune.model.DeviceTransform;
import org.privtune.model.TextTokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

class LearnedInversionTest {

    static final int V = 40;
    static final int D = 16;

    /**
     * The bottom maps token v to tanh(A e_v) for a random A (invertible with probability 1), and the
     * device adds fresh Gaussian noise; the attacker's MLP must learn the inverse map from auxiliary
     * sentences and recover the victim's (different) sentences.
     */
    @Test
    void learnsAnInvertibleNoisyMap() {
        try (NDManager m = Toy.manager()) {
            NDArray table = m.create(Toy.randomRows(V, D, 11), new Shape(V, D)).tanh();
            DevicePath path = new DevicePath((ids, mask) -> Toy.lookup(table, ids), Toy.specials(V), m);
            DeviceTransform noise = (h, ids, mask) -> h.add(h.getManager().randomNormal(0f, 0.15f, h.getShape(),
                    ai.djl.ndarray.types.DataType.FLOAT32));
            List<TextTokenizer.Batch> aux = Toy.sentences(300, 32, V, 12);
            List<TextTokenizer.Batch> victim = Toy.sentences(60, 32, V, 13);
            LearnedInversion.Config cfg = new LearnedInversion.Config(64, 25, 1000, 128, 3e-3f, 1L);
            try (LearnedInversion a2 = LearnedInversion.train(path, aux, noise, cfg, m, Progress.NONE)) {
                ObservedRepresentations obs = path.observe(victim, noise, Progress.NONE);
                TokenRecovery r = a2.evaluate(obs, m);
                assertEquals(V - 3, a2.summary().classes());
                assertEquals(1.0, a2.summary().coverage(), 1e-9);
                assertTrue(r.top1() > 0.9, "top-1 " + r);
                assertTrue(r.top5() >= r.top1());
            }
        }
    }

    /** With pure noise in place of the representation, nothing can be learned: near chance. */
    @Test
    void cannotInvertPureNoise() {
        try (NDManager m = Toy.manager()) {
            NDArray table = m.create(Toy.randomRows(V, D, 21), new Shape(V, D));
            DevicePath path = new DevicePath((ids, mask) -> Toy.lookup(table, ids), Toy.specials(V), m);
            DeviceTransform replace = (h, ids, mask) -> h.getManager().randomNormal(h.getShape());
            LearnedInversion.Config cfg = new LearnedInversion.Config(64, 5, 1000, 128, 3e-3f, 1L);
            try (LearnedInversion a2 = LearnedInversion.train(path, Toy.sentences(300, 32, V, 22), replace, cfg, m,
                    Progress.NONE)) {
                TokenRecovery r = a2.evaluate(path.observe(Toy.sentences(60, 32, V, 23), replace, Progress.NONE), m);
                assertTrue(r.top1() < 0.15, "chance is 1/37, got " + r);
            }
        }
    }
}
