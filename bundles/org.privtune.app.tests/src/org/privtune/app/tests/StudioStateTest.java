package org.privtune.app.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.privtune.ui.state.StudioLifeCycle;

/**
 * The persisted layout is kept while the application model is the one it was written with, and
 * dropped once when a new version brings another model (so that no stale layout hides new views).
 */
class StudioStateTest {

    @Test
    void aChangedApplicationModelDropsTheLayoutOnce() throws Exception {
        Path root = Files.createTempDirectory("privtune-state");
        try {
            Path persisted = root.resolve(StudioLifeCycle.PERSISTED);
            Files.createDirectories(persisted.getParent());
            Files.writeString(persisted, "<layout/>", StandardCharsets.UTF_8);
            assertTrue(StudioLifeCycle.dropStaleState(root, "model-1"), "no stamp: the layout's model is unknown");
            assertFalse(Files.exists(persisted));
            Files.writeString(persisted, "<layout/>", StandardCharsets.UTF_8);
            assertFalse(StudioLifeCycle.dropStaleState(root, "model-1"), "the same model keeps the layout");
            assertTrue(Files.exists(persisted));
            assertTrue(StudioLifeCycle.dropStaleState(root, "model-2"), "another model drops it");
            assertFalse(Files.exists(persisted));
            assertEquals("model-2", Files.readString(root.resolve(StudioLifeCycle.STAMP), StandardCharsets.UTF_8));
            assertFalse(StudioLifeCycle.modelChecksum().isEmpty(), "the product's application model is found");
            assertEquals(64, StudioLifeCycle.modelChecksum().length(), "as a SHA-256");
        } finally {
            StudioWorkbenchTest.deleteTree(root);
        }
    }
}
