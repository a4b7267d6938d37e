package org.privtune.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.attack.experiment.RepresentationExport;
import org.privtune.core.Progress;
import org.privtune.mechanism.ReferenceSpace;
import org.privtune.model.DeviceTransform;
import org.privtune.model.TextTokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

class ObservedRepresentationsTest {

    static final int V = 30;
    static final int D = 8;

    @Test
    void scoresOnlyNonSpecialNonPaddingAndCutsSentencePrefixes() {
        try (NDManager m = Toy.manager()) {
            NDArray table = m.create(Toy.randomRows(V, D, 1), new Shape(V, D));
            DevicePath path = new DevicePath((ids, mask) -> Toy.lookup(table, ids), Toy.specials(V), m);
            List<TextTokenizer.Batch> sents = Toy.sentences(20, 16, V, 2);
            ObservedRepresentations obs = path.observe(sents, DeviceTransform.IDENTITY, Progress.NONE);
            int expected = 0;
            for (TextTokenizer.Batch b : sents) {
                for (int i = 0; i < b.size(); i++) {
                    for (int t = 0; t < b.length(); t++) {
                        expected += b.mask()[i][t] != 0 && b.ids()[i][t] > 2 ? 1 : 0;
                    }
                }
            }
            assertEquals(expected, obs.scoredCount());
            ObservedRepresentations first = obs.firstSentences(5);
            assertEquals(5, first.sentences());
            long[] all = obs.scoredIds();
            long[] prefix = first.scoredIds();
            for (int i = 0; i < prefix.length; i++) {
                assertEquals(all[i], prefix[i]);
            }
            assertEquals(18, obs.firstSentences(18).sentences());
            // Mean pooling over mask positions of the lookup equals the mean of the table rows.
            float[] pooled = obs.meanPooled()[0];
            TextTokenizer.Batch b0 = sents.get(0);
            float[] rows = table.toFloatArray();
            for (int k = 0; k < D; k++) {
                double s = 0;
                int n = 0;
                for (int t = 0; t < b0.length(); t++) {
                    if (b0.mask()[0][t] != 0) {
                        s += rows[(int) b0.ids()[0][t] * D + k];
                        n++;
                    }
                }
                assertEquals(s / n, pooled[k], 1e-5);
            }
        }
    }

    /**
     * A transform that reverses the order of each sentence's ordinary tokens (as privtune-swap's
     * shuffle=1 permutes them): every observed row must be scored against the token that now
     * stands there, which the lookup bottom makes checkable (row = table[token at that row]).
     */
    @Test
    void aReorderingTransformIsScoredAgainstTheTokenItMovedThere() {
        try (NDManager m = Toy.manager()) {
            NDArray table = m.create(Toy.randomRows(V, D, 4), new Shape(V, D));
            boolean[] special = Toy.specials(V);
            DevicePath path = new DevicePath((ids, mask) -> Toy.lookup(table, ids), special, m);
            DeviceTransform reverse = new DeviceTransform() {
                private int[] order;

                @Override
                public NDArray beforeBottom(NDArray ids, NDArray mask) {
                    long[] a = ids.toLongArray();
                    long[] k = mask.toLongArray();
                    int t = (int) ids.getShape().get(1);
                    order = new int[a.length];
                    long[] out = a.clone();
                    for (int row = 0; row * t < a.length; row++) {
                        int[] slots = java.util.stream.IntStream.range(row * t, (row + 1) * t)
                                .filter(i -> k[i] != 0 && !special[(int) a[i]]).toArray();
                        for (int j = 0; j < slots.length; j++) {
                            order[slots[j]] = slots[slots.length - 1 - j];
                            out[slots[j]] = a[order[slots[j]]];
                        }
                    }
                    for (int i = 0; i < a.length; i++) {
                        if (k[i] == 0 || special[(int) a[i]]) {
                            order[i] = i;
                        }
                    }
                    return m.create(out, ids.getShape());
                }

                @Override
                public NDArray afterBottom(NDArray hidden, NDArray tokenIds, NDArray mask) {
                    return hidden;
                }

                @Override
                public int[] lastOrder() {
                    return order;
                }
            };
            List<TextTokenizer.Batch> sents = Toy.sentences(12, 6, V, 5);
            ObservedRepresentations obs = path.observe(sents, reverse, Progress.NONE);
            float[] rows = table.toFloatArray();
            int moved = 0;
            int b = 0;
            for (ObservedRepresentations.Batch ob : obs.batches()) {
                long[] idx = ob.scoredIndices();
                long[] truth = ob.scoredIds();
                long[] original = sents.get(b++).flatIds();
                for (int j = 0; j < idx.length; j++) {
                    int p = (int) idx[j];
                    for (int k = 0; k < D; k++) {
                        assertEquals(rows[(int) truth[j] * D + k], ob.representations()[p * D + k], 1e-6,
                                "row " + p + " scored against the token sent there");
                    }
                    moved += truth[j] != original[p] ? 1 : 0;
                }
            }
            assertTrue(moved > 10, "the transform did move tokens: " + moved);
        }
    }

    @Test
    void exportWritesNamedSafetensorsThatDecodeBack(@TempDir Path dir) throws Exception {
        try (NDManager m = Toy.manager()) {
            float[] rows = Toy.randomRows(V, D, 3);
            NDArray table = m.create(rows, new Shape(V, D));
            DevicePath path = new DevicePath((ids, mask) -> Toy.lookup(table, ids), Toy.specials(V), m);
            ObservedRepresentations obs = path.observe(Toy.sentences(20, 8, V, 4), DeviceTransform.IDENTITY,
                    Progress.NONE);
            Path file = dir.resolve("reps.safetensors");
            NDArray aware = table.mul(2f);
            boolean[] excluded = new boolean[V];
            excluded[0] = true;
            excluded[7] = true;
            RepresentationExport.write(obs, ReferenceSpace.of(rows, V, D), aware, excluded, file, m);
            NDList back = NDList.decode(m, Files.readAllBytes(file));
            NDArray reps = byName(back, "representations");
            NDArray ids = byName(back, "token_ids");
            NDArray scored = byName(back, "scored");
            assertEquals(new Shape(20, 10, D), reps.getShape());
            assertArrayEquals(rows, byName(back, "reference").toFloatArray());
            assertArrayEquals(aware.toFloatArray(), byName(back, "reference_aware").toFloatArray());
            long[] candidates = byName(back, "candidates").toLongArray();
            assertEquals(V, candidates.length);
            for (int i = 0; i < V; i++) {
                assertEquals(excluded[i] ? 0 : 1, candidates[i], "candidate flag of id " + i);
            }
            assertThrows(IllegalArgumentException.class, () -> RepresentationExport.write(obs,
                    ReferenceSpace.of(rows, V, D), aware, new boolean[V - 1], dir.resolve("bad.safetensors"), m),
                    "candidate flags that do not cover the vocabulary are refused");
            assertFalse(Files.exists(dir.resolve("bad.safetensors")), "nothing written for refused input");
            // Every scored row is the table row of its true id (no noise here).
            long[] id = ids.toLongArray();
            long[] sc = scored.toLongArray();
            float[] r = reps.toFloatArray();
            int checked = 0;
            for (int p = 0; p < id.length; p++) {
                if (sc[p] == 1) {
                    for (int k = 0; k < D; k++) {
                        assertEquals(rows[(int) id[p] * D + k], r[p * D + k], 0f);
                    }
                    checked++;
                }
            }
            assertEquals(obs.scoredCount(), checked);
            assertFalse(Files.list(dir).anyMatch(f -> f.getFileName().toString().endsWith(".part")));
        }
    }

    private static NDArray byName(NDList list, String name) {
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
        }
        throw new AssertionError("no tensor named " + name + " in " + list);
    }
}
