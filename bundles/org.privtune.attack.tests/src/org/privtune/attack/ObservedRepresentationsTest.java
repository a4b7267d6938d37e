package org.privtune.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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

    @Test
    void exportWritesNamedSafetensorsThatDecodeBack(@TempDir Path dir) throws Exception {
        try (NDManager m = Toy.manager()) {
            float[] rows = Toy.randomRows(V, D, 3);
            NDArray table = m.create(rows, new Shape(V, D));
            DevicePath path = new DevicePath((ids, mask) -> Toy.lookup(table, ids), Toy.specials(V), m);
            ObservedRepresentations obs = path.observe(Toy.sentences(20, 8, V, 4), DeviceTransform.IDENTITY,
                    Progress.NONE);
            Path file = dir.resolve("reps.safetensors");
            RepresentationExport.write(obs, ReferenceSpace.of(rows, V, D), file, m);
            NDList back = NDList.decode(m, Files.readAllBytes(file));
            NDArray reps = byName(back, "representations");
            NDArray ids = byName(back, "token_ids");
            NDArray scored = byName(back, "scored");
            assertEquals(new Shape(20, 10, D), reps.getShape());
            assertArrayEquals(rows, byName(back, "reference").toFloatArray());
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
