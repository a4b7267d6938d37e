package org.privtune.attack.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.core.CancelledException;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ExperimentRunnerTest {

    /** Metrics that are a known function of the setting, so the files can be checked exactly. */
    static SettingResult fake(Setting s) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(Metrics.ACCURACY, 0.9 - 0.01 * s.eps() + 0.001 * s.seed());
        m.put(Metrics.A1_TOP1, 0.5 + 0.01 * s.eps());
        m.put(Metrics.A2_TOP1, 0.6);
        m.put(Metrics.A3_TOP1, Double.NaN);
        m.put(Metrics.INVERSION_ASR, 0.6);
        return new SettingResult(s, s.mechanism() + ":eps=" + s.eps(), m);
    }

    static final class CountingExecutor implements SettingExecutor {
        final List<String> ran = new ArrayList<>();

        @Override
        public SettingResult run(Setting s, Progress progress) {
            ran.add(s.key());
            return fake(s);
        }
    }

    static List<Setting> grid() {
        return new ExperimentConfig("sentiment", 2, List.of("none", "dchi"), List.of(4.0, 8.0), 2, Path.of("x"), true,
                0, 0, 0, 1, 1e-4f, 1, 1, 1, 1, 1, 1, 1, Path.of("c")).grid();
    }

    @Test
    void gridHasNoneOncePerSeedAndEveryOtherMechanismPerEps() {
        List<Setting> g = grid();
        assertEquals(2 + 2 * 2, g.size());
        assertEquals(List.of("none_seed1", "none_seed2", "dchi_eps4_seed1", "dchi_eps4_seed2", "dchi_eps8_seed1",
                "dchi_eps8_seed2"), g.stream().map(Setting::key).toList());
    }

    @Test
    void writesEveryMetricAndSkipsFinishedSettingsOnRerun(@TempDir Path dir) throws Exception {
        CountingExecutor ex = new CountingExecutor();
        ExperimentRunner runner = new ExperimentRunner(dir, ex, "test command", true);
        ExperimentRunner.Outcome o = runner.run(grid(), Progress.NONE);
        assertEquals(6, o.ran());
        assertEquals(6, ex.ran.size());

        List<String> csv = Files.readAllLines(dir.resolve(ResultFiles.CSV));
        assertEquals(7, csv.size());
        List<String> header = List.of(csv.get(0).split(","));
        assertEquals(List.of("mechanism", "eps", "seed", "spec"), header.subList(0, 4));
        assertEquals(Metrics.ALL, header.subList(4, header.size()));
        String dchi8s2 = csv.stream().filter(l -> l.startsWith("dchi,8,2,")).findFirst().orElseThrow();
        String[] cells = dchi8s2.split(",", -1);
        int acc = header.indexOf(Metrics.ACCURACY);
        assertEquals(0.9 - 0.08 + 0.002, Double.parseDouble(cells[acc]), 1e-6);
        assertEquals("", cells[header.indexOf(Metrics.A3_TOP1)], "NaN is written as an empty cell");

        JsonNode json = new ObjectMapper().readTree(dir.resolve(ResultFiles.JSON).toFile());
        assertEquals("test command", json.get("command").asText());
        assertEquals(6, json.get("results").size());
        JsonNode group = null;
        for (JsonNode g : json.get("summary")) {
            if (g.get("mechanism").asText().equals("dchi") && g.get("eps").asDouble() == 4.0) {
                group = g;
            }
        }
        assertEquals(2, group.get("seeds").asInt());
        assertEquals(0.9 - 0.04 + 0.0015, group.get(Metrics.ACCURACY).get("mean").asDouble(), 1e-9);
        assertEquals(Math.sqrt(0.0000005), group.get(Metrics.ACCURACY).get("std").asDouble(), 1e-9);
        assertTrue(group.get(Metrics.A3_TOP1).get("mean").isNull());

        String summary = Files.readString(dir.resolve(ResultFiles.SUMMARY));
        assertTrue(summary.contains("| dchi eps=8 | 2 |"), summary);
        byte[] png = Files.readAllBytes(dir.resolve("charts/frontier_inversion_asr.png"));
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
        assertTrue(Files.isRegularFile(dir.resolve("charts/utility_vs_eps.png")));
        assertTrue(Files.isRegularFile(dir.resolve("charts/asr_vs_eps.png")));

        CountingExecutor again = new CountingExecutor();
        ExperimentRunner.Outcome o2 = new ExperimentRunner(dir, again, "test command", false).run(grid(), Progress.NONE);
        assertEquals(0, again.ran.size());
        assertEquals(6, o2.skipped());

        Files.delete(dir.resolve("settings/dchi_eps4_seed1.json"));
        CountingExecutor third = new CountingExecutor();
        new ExperimentRunner(dir, third, "test command", false).run(grid(), Progress.NONE);
        assertEquals(List.of("dchi_eps4_seed1"), third.ran);
        assertEquals(7, Files.readAllLines(dir.resolve(ResultFiles.CSV)).size());
    }

    /** A diverged setting is reported and not written; the rest of the grid runs, and a re-run retries it. */
    @Test
    void divergedSettingIsReportedAndRetriedWhileTheRestRuns(@TempDir Path dir) throws Exception {
        List<String> tried = new ArrayList<>();
        SettingExecutor diverging = (s, p) -> {
            tried.add(s.key());
            if (s.key().equals("dchi_eps4_seed2")) {
                throw new org.privtune.model.TrainingDivergedException(2, 17, "loss NaN");
            }
            return fake(s);
        };
        ExperimentRunner.Outcome o = new ExperimentRunner(dir, diverging, "c", false).run(grid(), Progress.NONE);
        assertEquals(6, tried.size(), "every setting was tried");
        assertEquals(5, o.ran());
        assertEquals(1, o.failed().size());
        assertTrue(o.failed().get(0).startsWith("dchi_eps4_seed2: ") && o.failed().get(0).contains("epoch 2, step 17"),
                o.failed().get(0));
        assertTrue(Files.notExists(dir.resolve("settings/dchi_eps4_seed2.json")));
        CountingExecutor again = new CountingExecutor();
        ExperimentRunner.Outcome o2 = new ExperimentRunner(dir, again, "c", false).run(grid(), Progress.NONE);
        assertEquals(List.of("dchi_eps4_seed2"), again.ran);
        assertTrue(o2.failed().isEmpty());
    }

    @Test
    void cancelKeepsFinishedSettingsAndResumesTheRest(@TempDir Path dir) throws Exception {
        AtomicBoolean cancel = new AtomicBoolean();
        Progress p = new Progress() {
            @Override
            public void begin(String task, int totalWork) {
            }

            @Override
            public void worked(int units) {
                cancel.set(true); // cancel after the first finished setting
            }

            @Override
            public boolean isCancelled() {
                return cancel.get();
            }
        };
        CountingExecutor ex = new CountingExecutor();
        assertThrows(CancelledException.class, () -> new ExperimentRunner(dir, ex, "c", false).run(grid(), p));
        assertEquals(1, ex.ran.size());
        CountingExecutor rest = new CountingExecutor();
        ExperimentRunner.Outcome o = new ExperimentRunner(dir, rest, "c", false).run(grid(), Progress.NONE);
        assertEquals(5, rest.ran.size());
        assertEquals(1, o.skipped());
        assertEquals(6, o.results().size());
    }

    @Test
    void corruptSettingFileIsReportedByName(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("settings"));
        Files.writeString(dir.resolve("settings/none_seed1.json"), "{\"mechanism\":\"none\"}");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new ExperimentRunner(dir, new CountingExecutor(), "c", false).run(grid(), Progress.NONE));
        assertTrue(e.getMessage().contains("none_seed1.json"), e.getMessage());
    }
}
