package org.privtune.djl.runtime.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.privtune.djl.runtime.DjlRuntime;

/**
 * Runs inside the OSGi test runtime (tycho-surefire): proves that the PyTorch engine starts from
 * the bundle's nested native jar, offline, and computes.
 */
class PyTorchInOsgiTest {

    @Test
    void pytorchEngineStartsOfflineAndMultipliesMatrices() {
        assertTrue(DjlRuntime.offline(), "ai.djl.offline must be true");
        Engine engine = DjlRuntime.pytorch();
        assertEquals("PyTorch", engine.getEngineName());
        assertTrue(engine.getVersion().startsWith("2.7.1"), "PyTorch version " + engine.getVersion());
        try (NDManager m = engine.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            NDArray b = m.create(new float[] {5, 6, 7, 8}, new Shape(2, 2));
            assertArrayEquals(new float[] {19, 22, 43, 50}, a.matMul(b).toFloatArray(), 1e-6f);
            assertEquals("PyTorch", a.getManager().getEngine().getEngineName());
        }
    }

    @Test
    void versionsAreReported() {
        assertTrue(DjlRuntime.djlVersion().startsWith("0.36"), DjlRuntime.djlVersion());
        assertTrue(DjlRuntime.pytorchVersion().startsWith("2.7"), DjlRuntime.pytorchVersion());
    }
}
