package org.privtune.mechanism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.core.InvalidInputException;

/** Presets shared by the Noise Tuner and the command line. */
class MechanismPresetsTest {

    @Test
    void savedPresetsLoadBackAndResolveFromTheCommandLine(@TempDir Path dir) throws Exception {
        MechanismPresets p = new MechanismPresets(dir.resolve("presets"));
        MechanismSpec spec = MechanismSpec.parse("privtune-swap:eps=64,n=3,keep=0.2,seed=9");
        Path file = p.save("swap-64", spec, 3);
        assertEquals(dir.resolve("presets/swap-64.properties"), file);
        MechanismPresets.Preset back = p.load("swap-64");
        assertEquals(spec, back.spec());
        assertEquals(3, back.split());
        p.save("swap-64", spec.with("eps", "8", "test"), 2); // replaced, not appended
        assertEquals(8.0, p.load("swap-64").spec().eps());
        p.save(MechanismPresets.TRAINING, MechanismSpec.parse("dchi:eps=4"), 2);
        assertEquals(List.of("swap-64", "training"), p.names());
        assertEquals(MechanismSpec.parse("dchi:eps=4"), MechanismPresets.resolve("@training", p));
        assertEquals(MechanismSpec.parse("sap:eps=2"), MechanismPresets.resolve("sap:eps=2", p));
        try (var files = Files.list(p.dir())) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void badPresetsNameTheFileAndTheField(@TempDir Path dir) throws Exception {
        MechanismPresets p = new MechanismPresets(dir);
        InvalidInputException missing = assertThrows(InvalidInputException.class, () -> p.load("absent"));
        assertTrue(missing.getMessage().contains("absent.properties"), missing.getMessage());
        assertThrows(InvalidInputException.class, () -> p.file("../escape"));
        Files.writeString(dir.resolve("broken.properties"), "# comment\nsplit=2\nmechanism=privtune:eps=lots\n");
        InvalidInputException bad = assertThrows(InvalidInputException.class, () -> p.load("broken"));
        assertTrue(bad.getMessage().contains("broken.properties") && bad.getMessage().contains("3"), bad.getMessage());
        assertTrue(bad.getMessage().contains("lots"), bad.getMessage());
        Files.writeString(dir.resolve("nosplit.properties"), "mechanism=dchi\nsplit=two\n");
        InvalidInputException split = assertThrows(InvalidInputException.class, () -> p.load("nosplit"));
        assertTrue(split.getMessage().contains("split"), split.getMessage());
    }
}
