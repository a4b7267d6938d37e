package org.privtune.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.privtune.mechanism.TokenImportance;
import org.privtune.model.DeviceTransform;
import org.privtune.model.TextTokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

class NearestNeighbourInversionTest {

    static final int V = 60;
    static final int D = 24;

    @Test
    void recoversEveryTokenWithoutNoise() {
        try (NDManager m = Toy.manager()) {
            ReferenceSpace r = ReferenceSpace.of(Toy.randomRows(V, D, 1), V, D);
            NDArray table = r.toNDArray(m);
            DevicePath path = new DevicePath((ids, mask) -> Toy.lookup(table, ids), Toy.specials(V), m);
            List<TextTokenizer.Batch> sents = Toy.sentences(40, 16, V, 2);
            ObservedRepresentations obs = path.observe(sents, DeviceTransform.IDENTITY, Progress.NONE);
            NearestNeighbourInversion.Result res = NearestNeighbourInversion.run(r, null, Toy.specials(V), obs, m);
            assertTrue(obs.scoredCount() > 100);
            assertEquals(1.0, res.plainCosine().top1());
            assertEquals(1.0, res.plainL2().top1());
            assertEquals(1.0, res.strongest().top5());
        }
    }

    /** The tuner's one-product variant ranks exactly as the runner's two products, across blocks. */
    @Test
    void topKBothEqualsTopKForBothMetrics() {
        try (NDManager m = Toy.manager()) {
            ReferenceSpace r = ReferenceSpace.of(Toy.randomRows(V, D, 5), V, D);
            boolean[] excluded = Toy.specials(V);
            excluded[7] = true;
            int n = 600; // several query blocks
            float[] q = Toy.randomRows(n, D, 6);
            int[] blocks = {0};
            try (NearestNeighbourInversion a1 = NearestNeighbourInversion.plain(r, excluded, m)) {
                NDArray queries = m.create(q, new Shape(n, D));
                long[][][] both = a1.topKBoth(queries, 5, () -> blocks[0]++);
                long[][] cos = a1.topK(queries, NearestNeighbourInversion.Metric.COSINE, 5);
                long[][] l2 = a1.topK(queries, NearestNeighbourInversion.Metric.L2, 5);
                for (int i = 0; i < n; i++) {
                    assertArrayEquals(cos[i], both[0][i], "cosine, query " + i);
                    assertArrayEquals(l2[i], both[1][i], "L2, query " + i);
                }
                assertEquals(5, blocks[0], "the check runs before each block of 128 queries");
            }
        }
    }

    @Test
    void excludedIdsAreNeverGuessed() {
        try (NDManager m = Toy.manager()) {
            ReferenceSpace r = ReferenceSpace.of(Toy.randomRows(V, D, 3), V, D);
            boolean[] excluded = Toy.specials(V);
            excluded[10] = true;
            try (NearestNeighbourInversion a1 = NearestNeighbourInversion.plain(r, excluded, m)) {
                NDArray q = m.create(r.row(10), new Shape(1, D));
                long[][] g = a1.topK(q, NearestNeighbourInversion.Metric.COSINE, 5);
                for (long id : g[0]) {
                    assertTrue(id != 10 && id > 2, "guessed excluded id " + id);
                }
            }
        }
    }

    /** A deterministic shift that sends token v exactly onto R[v + 1]: plain A1 is fooled, aware A1 is not. */
    @Test
    void mechanismAwareVariantUndoesADeterministicShift() {
        try (NDManager m = Toy.manager()) {
            float[] rows = Toy.randomRows(V, D, 4);
            ReferenceSpace r = ReferenceSpace.of(rows, V, D);
            NDArray table = r.toNDArray(m);
            DevicePath path = new DevicePath((ids, mask) -> Toy.lookup(table, ids), Toy.specials(V), m);
            ObservedRepresentations obs = path.observe(Toy.sentences(40, 16, V - 1, 5), new ShiftToNext(table),
                    Progress.NONE);
            boolean[] excluded = Toy.specials(V);
            excluded[V - 1] = true; // its aware row would equal that of V - 2 (the shift stops at the end)
            NearestNeighbourInversion.Result res = NearestNeighbourInversion.run(r, new ShiftToNext(table), excluded,
                    obs, m);
            assertEquals(0.0, res.plainCosine().top1());
            assertEquals(0.0, res.plainL2().top1());
            assertEquals(1.0, res.awareCosine().top1());
            assertEquals(1.0, res.awareL2().top1());
            assertEquals(1.0, res.strongest().top1());
        }
    }

    /** The real PrivTune mechanism with negligible random part: its mean shift is undone by the aware table. */
    @Test
    void mechanismAwareVariantUndoesPrivTunesMeanShift() {
        try (NDManager m = Toy.manager()) {
            int v = 200;
            ReferenceSpace r = ReferenceSpace.of(Toy.randomRows(v, D, 6), v, D);
            SpecialTokens tokens = SpecialTokens.only(v, 0, 1, 2);
            NeighbourGraph g = NeighbourGraph.build(r, 6, tokens, m, 64, Progress.NONE);
            MechanismResources res = new MechanismResources(r, g, tokens, TokenImportance.uniform(v, 0f));
            MechanismSpec spec = MechanismSpec.parse("privtune:eps=1e7,k=6,n=2,rho=20,tau=0");
            NDArray table = r.toNDArray(m);
            DevicePath path = new DevicePath((ids, mask) -> Toy.lookup(table, ids), tokens.specialFlags(), m);
            try (NoiseMechanism victim = Mechanisms.create(spec, res, m);
                    NoiseMechanism attacker = Mechanisms.create(spec.withSeed(99), res, m)) {
                ObservedRepresentations obs = path.observe(Toy.sentences(40, 16, v, 7), victim, Progress.NONE);
                NearestNeighbourInversion.Result a1 = NearestNeighbourInversion.run(r, attacker,
                        tokens.specialFlags(), obs, m);
                System.out.println("PrivTune mean shift only: plain " + a1.plain() + ", aware " + a1.aware());
                assertTrue(a1.plain().top1() < 0.5, "the shift should fool plain matching: " + a1.plain());
                assertTrue(a1.aware().top1() > 0.95, "aware: " + a1.aware());
            }
        }
    }

    /** Adds R[v + 1] - R[v] to token v: deterministic, a known answer for both A1 variants. */
    static final class ShiftToNext implements NoiseMechanism {
        private final NDArray table;

        ShiftToNext(NDArray table) {
            this.table = table;
        }

        private NDArray shift(NDArray flatIds) {
            NDArray next = table.get(flatIds.add(1).minimum(V - 1));
            NDArray self = table.get(flatIds);
            NDArray s = next.sub(self);
            s.attach(flatIds.getManager());
            return s;
        }

        @Override
        public Perturbation perturb(NDArray hidden, NDArray tokenIds, NDArray mask) {
            Shape sh = hidden.getShape();
            NDArray flat = tokenIds.reshape(-1);
            NDArray keep = flat.gt(2).mul(mask.reshape(-1).gt(0)).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                    .reshape(-1, 1);
            NDArray out = hidden.reshape(-1, sh.get(2)).add(shift(flat).mul(keep)).reshape(sh);
            return new Perturbation(out, null);
        }

        @Override
        public NDArray deterministicPart(NDArray hidden, NDArray tokenIds) {
            NDArray keep = tokenIds.gt(2).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).reshape(-1, 1);
            return hidden.add(shift(tokenIds).mul(keep));
        }

        @Override
        public MechanismSpec spec() {
            return MechanismSpec.defaults("none");
        }

        @Override
        public org.privtune.mechanism.PerturbationReport lastReport() {
            return null;
        }

        @Override
        public void close() {
        }
    }
}
