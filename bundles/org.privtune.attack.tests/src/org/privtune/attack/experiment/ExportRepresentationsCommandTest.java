package org.privtune.attack.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.privtune.mechanism.MechanismSpec;

class ExportRepresentationsCommandTest {

    /**
     * The export builds its mechanism from the same training part as the full experiment: the
     * TF-IDF importance (sap, privtune) and the task relevance (privtune-swap) are counted there.
     * Before this test the export limited that part to one sentence, and its privtune
     * representations were scaled by a different importance than the experiment's.
     */
    @Test
    void exportCountsImportanceOnTheFullExperimentsTrainingPart() {
        MechanismSpec spec = MechanismSpec.parse("privtune:eps=32");
        Path file = Path.of("/tmp/x/reps.safetensors");
        Path cache = Path.of("/tmp/cache");
        ExperimentConfig export = ExportRepresentationsCommand.config("sentiment", 2, spec, file, 40, cache);
        ExperimentConfig full = ExperimentConfig.full("sentiment", 2, List.of("privtune"), List.of(32.0), 1,
                Path.of("/tmp/x"), cache);
        assertEquals(full.trainLimit(), export.trainLimit(), "training sentences behind importance and relevance");
        assertEquals(full.attackerSlice(), export.attackerSlice(), "sentences withheld from the victim's part");
        assertEquals(full.split(), export.split());
        assertEquals(40, export.testLimit());
        assertEquals(0, ExportRepresentationsCommand.config("sentiment", 2, spec, file, 0, cache).testLimit());
        assertEquals(full.withTestLimit(40), export, "otherwise the full configuration");
    }
}
