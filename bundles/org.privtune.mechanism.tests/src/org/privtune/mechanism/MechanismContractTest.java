package org.privtune.mechanism;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Every mechanism: special and padding positions untouched, seeded, reports what it did. */
class MechanismContractTest {

    static final int V = 300;
    static final int D = 16;
    static final int B = 6;
    static final int T = 12;

    private static String spec(String name) {
        return switch (name) {
            case MechanismSpec.SANTEXT -> name + ":eps=2,k=5";
            case MechanismSpec.GAUSSIAN -> name + ":eps=2,clip=3";
            case MechanismSpec.PRIVTUNE_PLUS -> name + ":eps=2,n=2,k=5,rho=2,subspace=4";
            case MechanismSpec.NONE -> name;
            case MechanismSpec.DCHI -> name + ":eps=4";
            case MechanismSpec.SAP -> name + ":eps=4,alpha=0.5";
            case MechanismSpec.PRIVTUNE_SWAP -> name + ":eps=4,n=2,k=5";
            default -> name + ":eps=4,n=2,k=5,rho=2,alpha=0.5";
        };
    }

    @Test
    void specialAndPaddingUntouchedSameSeedSameOutput() {
        ReferenceSpace r = Synthetic.reference(V, D, 1f, 31);
        SpecialTokens tokens = SpecialTokens.only(V, SpecialTokens.BERT_UNCASED_SPECIAL);
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = Synthetic.resources(m, r, 5, tokens);
            long[] idArr = Synthetic.ids(B, T, V, 101, 102, 0, 8);
            // Make sure [UNK] and [MASK] occur inside a sentence too.
            idArr[1] = 100;
            idArr[T + 1] = 103;
            NDArray ids = m.create(idArr, new Shape(B, T));
            NDArray mask = Synthetic.mask(m, idArr, B, T, 0);
            NDArray hidden = Synthetic.hidden(m, r, idArr, B, T, 0.2f, 3);
            float[] h = hidden.toFloatArray();
            int eligible = 0;
            for (long id : idArr) {
                eligible += tokens.isSpecial((int) id) ? 0 : 1;
            }
            for (String name : MechanismSpec.NAMES) {
                // special rows sent as computed, so that they can be compared bit for bit
                MechanismSpec s = MechanismSpec.parse(spec(name)).with("specials", "clean", "test").withSeed(5);
                try (NoiseMechanism a = Mechanisms.create(s, res, m);
                        NoiseMechanism b = Mechanisms.create(s, res, m);
                        NoiseMechanism c = Mechanisms.create(s.withSeed(s.seed() + 1), res, m)) {
                    long[] ia = a.beforeBottom(ids, mask).toLongArray();
                    long[] ib = b.beforeBottom(ids, mask).toLongArray();
                    long[] ic = c.beforeBottom(ids, mask).toLongArray();
                    float[] oa = a.afterBottom(hidden, ids, mask).toFloatArray();
                    float[] ob = b.afterBottom(hidden, ids, mask).toFloatArray();
                    float[] oc = c.afterBottom(hidden, ids, mask).toFloatArray();
                    assertArrayEquals(ia, ib, name + ": same seed, other ids");
                    assertArrayEquals(oa, ob, name + ": same seed, other output");
                    for (int i = 0; i < idArr.length; i++) {
                        if (tokens.isSpecial((int) idArr[i])) {
                            assertEquals(idArr[i], ia[i], name + ": special id replaced at " + i);
                            for (int j = 0; j < D; j++) {
                                assertEquals(Float.floatToIntBits(h[i * D + j]), Float.floatToIntBits(oa[i * D + j]),
                                        name + ": special/padding position " + i + " perturbed");
                            }
                        }
                    }
                    PerturbationReport rep = a.lastReport();
                    assertEquals(eligible, rep.perturbed(), name + ": perturbed count");
                    assertEquals(B * T, rep.positions());
                    switch (name) {
                        case MechanismSpec.NONE -> assertArrayEquals(h, oa);
                        case MechanismSpec.SANTEXT -> {
                            assertArrayEquals(h, oa);
                            assertFalse(Arrays.equals(ia, ic), "santext: other seed, same replacements");
                            assertFalse(Arrays.equals(ia, idArr), "santext replaced nothing");
                        }
                        default -> {
                            assertFalse(Arrays.equals(oa, oc), name + ": other seed, same output");
                            assertTrue(rep.meanNoiseNorm() > 0, name + ": no noise");
                            for (int i = 0; i < B * T; i++) {
                                double q = 0;
                                for (int j = 0; j < D; j++) {
                                    double x = oa[i * D + j] - h[i * D + j];
                                    q += x * x;
                                }
                                assertEquals(Math.sqrt(q), rep.noiseNorms()[i], 1e-3 * (1 + Math.sqrt(q)),
                                        name + ": reported noise norm at " + i);
                            }
                        }
                    }
                    if (name.equals(MechanismSpec.PRIVTUNE_PLUS)) {
                        HopDistances hops = Mechanisms.hops(res, s);
                        for (int i = 0; i < idArr.length; i++) {
                            if (!tokens.isSpecial((int) idArr[i])) {
                                int[] set = hops.indirect((int) idArr[i]);
                                assertTrue(Arrays.binarySearch(set, rep.targets()[i]) >= 0,
                                        "privtune+ target outside N_n at " + i);
                            } else {
                                assertEquals(-1, rep.targets()[i]);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Seeded output does not depend on other threads drawing at the same time: PyTorch's generator
     * is process-global, so without TorchRandom's lock one thread's seed could be used for another
     * thread's draw (the studio's Jobs and the CLI can run mechanisms side by side). Checked to
     * fail with the lock removed.
     */
    @Test
    void seededOutputIsTheSameWhenOtherThreadsDrawToo() throws Exception {
        ReferenceSpace r = Synthetic.reference(V, D, 1f, 33);
        SpecialTokens tokens = SpecialTokens.only(V, SpecialTokens.BERT_UNCASED_SPECIAL);
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = Synthetic.resources(m, r, 5, tokens);
            long[] idArr = Synthetic.ids(B, T, V, 101, 102, 0, 8);
            NDArray ids = m.create(idArr, new Shape(B, T));
            NDArray mask = Synthetic.mask(m, idArr, B, T, 0);
            NDArray hidden = Synthetic.hidden(m, r, idArr, B, T, 0.2f, 3);
            String[] names = {MechanismSpec.PRIVTUNE, MechanismSpec.DCHI, MechanismSpec.GAUSSIAN, MechanismSpec.SAP};
            int calls = 60;
            float[][][] alone = new float[names.length][][];
            for (int t = 0; t < names.length; t++) {
                alone[t] = outputs(names[t], 40 + t, calls, res, m, hidden, ids, mask);
            }
            ExecutorService pool = Executors.newFixedThreadPool(names.length);
            try {
                List<Future<float[][]>> runs = new ArrayList<>();
                for (int t = 0; t < names.length; t++) {
                    int task = t;
                    runs.add(pool.submit(() -> outputs(names[task], 40 + task, calls, res, m, hidden, ids, mask)));
                }
                for (int t = 0; t < names.length; t++) {
                    float[][] together = runs.get(t).get();
                    for (int call = 0; call < calls; call++) {
                        assertArrayEquals(alone[t][call], together[call],
                                names[t] + ": call " + call + " changed by concurrent draws");
                    }
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    /** The outputs of {@code calls} successive perturbations by one mechanism of that name and seed. */
    private static float[][] outputs(String name, long seed, int calls, MechanismResources res, NDManager m,
            NDArray hidden, NDArray ids, NDArray mask) {
        float[][] out = new float[calls][];
        try (NoiseMechanism mech = Mechanisms.create(MechanismSpec.parse(spec(name)).withSeed(seed), res, m)) {
            for (int call = 0; call < calls; call++) {
                out[call] = mech.afterBottom(hidden, ids, mask).toFloatArray();
            }
        }
        return out;
    }

    @Test
    void deterministicPartLeavesSpecialsAndIsIdentityForZeroMeanMechanisms() {
        ReferenceSpace r = Synthetic.reference(V, D, 1f, 32);
        SpecialTokens tokens = SpecialTokens.only(V, SpecialTokens.BERT_UNCASED_SPECIAL);
        try (NDManager m = Synthetic.manager()) {
            MechanismResources res = Synthetic.resources(m, r, 5, tokens);
            NDArray rows = r.toNDArray(m);
            NDArray all = m.arange(0, V, 1, DataType.INT64);
            float[] ref = rows.toFloatArray();
            for (String name : MechanismSpec.NAMES) {
                try (NoiseMechanism mech = Mechanisms.create(MechanismSpec.parse(spec(name)), res, m)) {
                    float[] det = mech.deterministicPart(rows, all).toFloatArray();
                    for (int id : SpecialTokens.BERT_UNCASED_SPECIAL) {
                        assertArrayEquals(Arrays.copyOfRange(ref, id * D, id * D + D),
                                Arrays.copyOfRange(det, id * D, id * D + D), name + ": special row moved");
                    }
                    boolean moved = !Arrays.equals(ref, det);
                    boolean shouldMove = name.equals(MechanismSpec.PRIVTUNE) || name.equals(MechanismSpec.PRIVTUNE_PLUS)
                            || name.equals(MechanismSpec.GAUSSIAN);
                    assertEquals(shouldMove, moved, name + ": deterministic part");
                }
            }
        }
    }
}
