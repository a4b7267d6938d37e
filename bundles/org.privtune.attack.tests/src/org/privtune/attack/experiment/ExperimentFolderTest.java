package org.privtune.attack.experiment;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.core.InvalidInputException;
import org.privtune.model.ModelRegistry;

class ExperimentFolderTest {

    static ExperimentConfig quick(Path out, int split) {
        return ExperimentConfig.quick("sentiment", split, List.of("none", "dchi"), List.of(16.0), 1, out, out.resolve("c"));
    }

    @Test
    void aNewFolderRecordsTheModelUnderItsNameAndAResumeWithTheSameConfigurationPasses(@TempDir Path dir)
            throws Exception {
        Path out = dir.resolve("exp");
        ExperimentFolder.claim(quick(out, 2));
        String text = Files.readString(out.resolve(ExperimentFolder.FILE));
        assertTrue(text.contains("\"model\" : \"" + ModelRegistry.DEFAULT.name() + "\""), text);
        assertTrue(text.contains("\"learningRate\""), text);
        // other mechanisms, eps and seeds are other rows of the same experiment
        assertDoesNotThrow(() -> ExperimentFolder.claim(ExperimentConfig.quick("sentiment", 2, List.of("privtune"),
                List.of(8.0, 32.0), 3, out, out.resolve("c"))));
        // the default named explicitly is the same model
        assertDoesNotThrow(() -> ExperimentFolder.claim(quick(out, 2).withModel(ModelRegistry.DEFAULT.name())));
    }

    @Test
    void anotherModelSplitOrAmountOfWorkIsRefusedNamingTheField(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("exp");
        ExperimentFolder.claim(quick(out, 2));
        InvalidInputException model = assertThrows(InvalidInputException.class,
                () -> ExperimentFolder.claim(quick(out, 2).withModel("bge-small-en-v1.5")));
        assertEquals("model", model.field());
        assertTrue(model.getMessage().contains("experiment.json") && model.getMessage().contains("bge-small-en-v1.5"),
                model.getMessage());
        assertEquals("split", assertThrows(InvalidInputException.class, () -> ExperimentFolder.claim(quick(out, 6)))
                .field());
        assertEquals("sample", assertThrows(InvalidInputException.class,
                () -> ExperimentFolder.claim(quick(out, 2).withSample(500))).field());
        assertEquals("quick", assertThrows(InvalidInputException.class, () -> ExperimentFolder.claim(
                ExperimentConfig.full("sentiment", 2, List.of("none"), List.of(16.0), 1, out, out.resolve("c"))))
                .field());
        assertEquals("data", assertThrows(InvalidInputException.class, () -> ExperimentFolder.claim(
                ExperimentConfig.quick("spam", 2, List.of("none"), List.of(16.0), 1, out, out.resolve("c"))))
                .field());
    }

    @Test
    void aDamagedRecordIsNamed(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("exp");
        Files.createDirectories(out);
        Files.writeString(out.resolve(ExperimentFolder.FILE), "{ not json");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ExperimentFolder.claim(quick(out, 2)));
        assertTrue(e.getMessage().contains(out.resolve(ExperimentFolder.FILE).toString()), e.getMessage());
    }
}
