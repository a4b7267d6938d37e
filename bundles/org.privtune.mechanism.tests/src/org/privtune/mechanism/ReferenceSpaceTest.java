package org.privtune.mechanism;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.core.Progress;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

class ReferenceSpaceTest {

    @Test
    void takesPositionOneOfClsTokenSepAndCaches(@TempDir Path dir) {
        int v = 70;
        int d = 5;
        float[] table = Synthetic.gaussianMatrix(v, d, 1f, 3);
        AtomicInteger calls = new AtomicInteger();
        // A fake bottom model: row of the token plus 100 * position, so position 1 is recognisable.
        ReferenceSpace.BottomEncoder enc = (ids, mask) -> {
            calls.incrementAndGet();
            assertEquals(3, ids.getShape().get(1));
            long[] id = ids.toLongArray();
            assertEquals(101 % v, id[0]);
            assertEquals(102 % v, id[2]);
            NDManager m = ids.getManager();
            NDArray t = m.create(table, new ai.djl.ndarray.types.Shape(v, d));
            NDArray rows = t.get(ids.reshape(-1)).reshape(ids.getShape().get(0), 3, d);
            NDArray pos = m.arange(0, 3, 1, DataType.FLOAT32).mul(100f).reshape(1, 3, 1);
            return rows.add(pos);
        };
        try (NDManager m = Synthetic.manager()) {
            ReferenceSpace r = ReferenceSpace.loadOrCompute(dir, "abc", 0, m, enc, v, 101 % v, 102 % v, 16,
                    Progress.NONE);
            assertEquals(5, calls.get(), "70 tokens in batches of 16");
            for (int tok = 0; tok < v; tok++) {
                float[] row = r.row(tok);
                for (int j = 0; j < d; j++) {
                    assertEquals(table[tok * d + j] + 100f, row[j], 1e-5f);
                }
            }
            assertTrue(Files.isRegularFile(ReferenceSpace.cacheFile(dir, "abc", 0)));
            ReferenceSpace again = ReferenceSpace.loadOrCompute(dir, "abc", 0, m, enc, v, 101 % v, 102 % v, 16,
                    Progress.NONE);
            assertEquals(5, calls.get(), "second call must come from the cache");
            assertArrayEquals(r.data(), again.data());
        }
    }
}
