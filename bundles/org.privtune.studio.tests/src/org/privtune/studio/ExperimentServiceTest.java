package org.privtune.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.privtune.attack.experiment.ExperimentConfig;
import org.privtune.attack.experiment.Metrics;
import org.privtune.attack.experiment.ResultFiles;
import org.privtune.attack.experiment.Setting;
import org.privtune.attack.experiment.SettingResult;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;

/**
 * The Experiments view's service without the model: requests checked field by field, a record's
 * settings giving the same configuration back (resume), and the record of an experiment folder
 * whose settings are all finished (the runner then only rewrites tables and charts).
 */
class ExperimentServiceTest {

    private static ExperimentService.Request request(List<String> mechanisms, List<Double> eps) {
        return new ExperimentService.Request("sentiment", null, 2, true, mechanisms, eps, 2, 200, null);
    }

    @Test
    void aRequestNamesTheFieldItRefuses() {
        assertEquals("mechanisms", assertThrows(InvalidInputException.class, () -> request(List.of(), List.of(8.0)))
                .field());
        InvalidInputException unknown = assertThrows(InvalidInputException.class,
                () -> request(List.of("none", "privtun"), List.of(8.0)));
        assertTrue(unknown.getMessage().contains("privtun"), unknown.getMessage());
        assertEquals("eps", assertThrows(InvalidInputException.class, () -> request(List.of("dchi"), List.of()))
                .field());
        assertEquals("eps", assertThrows(InvalidInputException.class, () -> request(List.of("dchi"), List.of(-1.0)))
                .field());
        assertEquals(2, request(List.of("none"), List.of()).settingsCount(), "none alone needs no eps: once per seed");
    }

    @Test
    void aPresetBecomesItsGridEntryAndARecordGivesTheSameConfigurationBack() {
        ExperimentService.Request r = request(List.of("none", "@privtune-eps16", "privtune-swap:keep=0.05,n=3"),
                List.of(8.0, 32.0));
        assertEquals(List.of("none", "privtune", "privtune-swap:keep=0.05;n=3"), r.mechanisms(),
                "the preset's mechanism and parameters, its eps from the eps field");
        assertEquals(2 + 2 * 2 * 2, r.settingsCount());
        Path out = Path.of("/tmp/privtune-exp");
        ExperimentConfig cfg = r.config(out);
        assertEquals(200, cfg.sample());
        assertTrue(cfg.quick());
        String command = r.commandLine(out);
        assertEquals("./privtune experiment --quick --data sentiment --split 2 --mechanisms"
                + " none,privtune,privtune-swap:keep=0.05;n=3 --eps 8,32 --seeds 2 --sample 200 --out /tmp/privtune-exp",
                command);

        RunRecord rec = new RunRecord("id", RunRecord.EXPERIMENT, RunRecord.STUDIO, Instant.now(), null,
                RunRecord.CANCELLED, out, ExperimentService.settings(cfg, command), Map.of(), "");
        ExperimentConfig again = ExperimentService.Request.of(rec).config(out);
        assertEquals(cfg.grid(), again.grid());
        assertEquals(cfg.withModel(null), again.withModel(null));
    }

    @Test
    void aFinishedFolderIsRecordedWithItsBestAccuracyAndLowestAttack() throws Exception {
        Path dir = Files.createTempDirectory("privtune-experiment-record");
        ExperimentService service = new ExperimentService(new RunHistory(dir.resolve("history")), dir.resolve("experiments"));
        ExperimentService.Run run = service.newRun(request(List.of("none", "dchi"), List.of(8.0)));
        assertTrue(run.folder().startsWith(dir.resolve("experiments")), run.folder().toString());
        ExperimentConfig cfg = run.request().config(run.folder());
        ResultFiles files = new ResultFiles(run.folder());
        double[][] accAsr = {{0.90, 0.99}, {0.88, 0.97}, {0.70, 0.30}, {0.74, 0.50}};
        List<Setting> grid = cfg.grid();
        assertEquals(4, grid.size());
        for (int i = 0; i < grid.size(); i++) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put(Metrics.ACCURACY, accAsr[i][0]);
            m.put(Metrics.INVERSION_ASR, accAsr[i][1]);
            files.writeSetting(new SettingResult(grid.get(i), grid.get(i).mechanism(), m));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            ExperimentService.Recorded r = ExperimentService.runAndRecord(service.history(), run.id(), run.started(),
                    RunRecord.COMMAND_LINE, cfg, false, run.request().commandLine(run.folder()), out, out, Progress.NONE);
            assertEquals(0, r.status());
            assertEquals(RunRecord.FINISHED, r.record().status());
        }
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("all 4 settings already in"), bytes.toString());
        assertTrue(Files.isRegularFile(run.folder().resolve(ResultFiles.CSV)), "the tables were written");
        RunRecord back = service.history().list().runs().get(0);
        assertEquals(run.id(), back.id());
        assertEquals(4.0, back.metric(ExperimentService.SETTINGS_FINISHED));
        assertEquals(0.89, back.metric(ExperimentService.BEST_ACCURACY), 1e-9, "none's mean over its two seeds");
        assertEquals(0.40, back.metric(ExperimentService.LOWEST_ASR), 1e-9, "dchi eps=8's mean");
        assertEquals("none,dchi", back.setting(ExperimentService.MECHANISMS));
        assertEquals(run.folder().toAbsolutePath(), back.folder());
        assertEquals(4, service.results(back.folder()).size());
    }
}
