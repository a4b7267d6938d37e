package org.privtune.app.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.privtune.attack.experiment.ResultFiles;
import org.privtune.core.Progress;
import org.privtune.studio.ExperimentService;
import org.privtune.studio.RunHistory;
import org.privtune.studio.RunRecord;
import org.privtune.ui.charts.ChartCanvas;
import org.privtune.ui.experiments.ExperimentsPart;

/**
 * The Experiments view alone in a shell, running the real experiment runner of
 * {@code ./privtune experiment}. The smallest honest grid: the quick configuration on a fixed
 * sample of 200 sentiment records, mechanism none, one seed, so one setting that is fine-tuned and
 * attacked by every attack (two minutes on two cores of its own, measured from the command line;
 * the attacks' auxiliary text does not shrink with the sample). It finishes, its row and frontier point appear, the run is in
 * the runs history with its folder; a second run of the same folder is compared with it. A run
 * cancelled during its first setting writes nothing: no folder, no record.
 */
class ExperimentsTest {

    private static final long RUN_TIMEOUT_MS = 20 * 60_000;

    private static void tinyGrid(PartHarness ui) {
        ui.find("data", Combo.class).setText("sentiment");
        Button quick = ui.find("quick", Button.class);
        quick.setSelection(true);
        ui.find("full", Button.class).setSelection(false);
        PartHarness.select(quick);
        ui.find("sample", Spinner.class).setSelection(200);
        ui.find("seeds", Spinner.class).setSelection(1);
        ui.find("eps", Text.class).setText("8");
        Table mechanisms = ui.find("mechanisms", Table.class);
        for (TableItem i : mechanisms.getItems()) {
            i.setChecked("none".equals(i.getText()));
        }
        PartHarness.select(mechanisms);
    }

    private static List<String> listing(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void runsATinyGridShowsItsRowAndComparesTwoRuns() throws Exception {
        try (PartHarness ui = new PartHarness("Experiments", 1500, 900)) {
            ExperimentService service = ui.context.get(ExperimentService.class);
            assertNotNull(service, "the experiment service");
            ui.make(ExperimentsPart.class);
            ui.waitIdle(ExperimentsPart.ID); // the runs history read
            Label status = ui.find("status", Label.class);
            Button run = ui.find("run", Button.class);
            tinyGrid(ui);

            // a refused field is named and nothing starts
            for (TableItem i : ui.find("mechanisms", Table.class).getItems()) {
                i.setChecked(false);
            }
            PartHarness.select(run);
            assertEquals(0, Job.getJobManager().find(ExperimentsPart.ID).length, status.getText());
            assertTrue(status.getText().contains("mechanism"), status.getText());

            tinyGrid(ui);
            assertEquals("1 setting, each fine-tuned and attacked (quick: minutes each)",
                    ui.find("grid", Label.class).getText());
            long t0 = System.nanoTime();
            PartHarness.select(run);
            assertTrue(!run.isEnabled(), "no second run while one runs");
            // two minutes on two cores of their own; many more when other builds share them
            ui.waitUntil("the run to end", RUN_TIMEOUT_MS,
                    () -> run.isEnabled() && Job.getJobManager().find(ExperimentsPart.ID).length == 0);
            ui.waitIdle(ExperimentsPart.ID);
            System.out.printf("experiments view: the tiny grid took %.0f s%n", (System.nanoTime() - t0) / 1e9);
            String log = ui.find("log", Text.class).getText();
            assertTrue(status.getText().startsWith("Done: 1 setting;"), status.getText() + "\n" + log);

            Table results = ui.find("results", Table.class);
            assertEquals(1, results.getItemCount(), "one row: mechanism none");
            assertEquals("setting", results.getColumn(0).getText());
            assertEquals("none", results.getItem(0).getText(0));
            double accuracy = Double.parseDouble(results.getItem(0).getText(2));
            double asr = Double.parseDouble(results.getItem(0).getText(3));
            assertTrue(accuracy > 0 && accuracy <= 1 && asr > 0 && asr <= 1, accuracy + " " + asr);
            XYDataset points = ui.find("frontierChart", ChartCanvas.class).getChart().getXYPlot().getDataset();
            assertEquals(1, points.getSeriesCount());
            assertEquals("none", points.getSeriesKey(0));
            assertEquals(accuracy, points.getXValue(0, 0), 0.0005, "the frontier point is the row's accuracy");

            Table runs = ui.find("runs", Table.class);
            ui.waitUntil("the run listed and selected", () -> runs.getSelectionCount() == 1
                    && RunRecord.EXPERIMENT.equals(((RunRecord) runs.getSelection()[0].getData()).kind()));
            RunRecord a = (RunRecord) runs.getSelection()[0].getData();
            assertEquals(RunRecord.EXPERIMENT, a.kind());
            assertEquals(RunRecord.FINISHED, a.status());
            assertEquals(RunRecord.STUDIO, a.source());
            assertTrue(a.folder().startsWith(service.experimentsDir()), a.folder().toString());
            assertTrue(Files.isRegularFile(a.folder().resolve(ResultFiles.CSV)), "results.csv as the command writes it");
            assertTrue(Files.isRegularFile(a.folder().resolve("settings/none_seed1.json")));
            assertTrue(Files.isRegularFile(a.folder().resolve("charts/frontier_inversion_asr.png")));
            assertEquals(1.0, a.metric(ExperimentService.SETTINGS_FINISHED));
            assertTrue(a.setting(ExperimentService.COMMAND).startsWith("./privtune experiment --quick --data sentiment"),
                    a.setting(ExperimentService.COMMAND));
            assertTrue(ui.find("openFolder", Button.class).isEnabled() && ui.find("copyPath", Button.class).isEnabled());
            assertTrue(!ui.find("resume", Button.class).isEnabled(), "a finished run has nothing to resume");
            ui.screenshot("experiments.png");

            // a second run: the same settings copied into a folder of its own and recorded as the
            // command line records a rerun (the runner finds them finished and rewrites the tables)
            Path copy = service.experimentsDir().resolve(a.id() + "-copy");
            Files.createDirectories(copy.resolve(ResultFiles.SETTINGS_DIR));
            Files.copy(a.folder().resolve("settings/none_seed1.json"), copy.resolve("settings/none_seed1.json"));
            RunHistory history = service.history();
            ExperimentService.Request again = ExperimentService.Request.of(a);
            try (PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)) {
                ExperimentService.runAndRecord(history, history.idFor(RunRecord.EXPERIMENT, copy, Instant.now()),
                        Instant.now(), RunRecord.COMMAND_LINE, again.config(copy), false, again.commandLine(copy), out, out,
                        Progress.NONE);
            }
            PartHarness.select(ui.find("refresh", Button.class));
            ui.waitIdle(ExperimentsPart.ID);
            List<Integer> both = new ArrayList<>();
            for (int i = 0; i < runs.getItemCount(); i++) {
                RunRecord r = (RunRecord) runs.getItem(i).getData();
                if (r.id().equals(a.id()) || copy.equals(r.folder())) {
                    both.add(i);
                }
            }
            assertEquals(2, both.size(), "both runs listed");
            runs.setSelection(both.stream().mapToInt(Integer::intValue).toArray());
            PartHarness.select(runs);
            ui.waitIdle(ExperimentsPart.ID);
            assertEquals("run", results.getColumn(0).getText());
            assertEquals(2, results.getItemCount(), "a row of each run");
            points = ui.find("frontierChart", ChartCanvas.class).getChart().getXYPlot().getDataset();
            assertEquals(2, points.getSeriesCount(), "both frontiers in one chart");
            assertTrue(String.valueOf(points.getSeriesKey(0)).endsWith(": none"), String.valueOf(points.getSeriesKey(0)));
        }
    }

    @Test
    void aRunCancelledDuringItsFirstSettingWritesNothing() throws Exception {
        try (PartHarness ui = new PartHarness("Experiments", 1500, 900)) {
            ExperimentService service = ui.context.get(ExperimentService.class);
            List<String> foldersBefore = listing(service.experimentsDir());
            List<String> recordsBefore = listing(service.history().dir());
            ui.make(ExperimentsPart.class);
            Label status = ui.find("status", Label.class);
            Button run = ui.find("run", Button.class);
            tinyGrid(ui);
            PartHarness.select(run);
            ui.waitUntil("the first setting", () -> status.getText().startsWith("[1/1]"));
            PartHarness.select(ui.find("cancel", Button.class));
            ui.waitUntil("the run to end", () -> run.isEnabled() && Job.getJobManager().find(ExperimentsPart.ID).length == 0);
            ui.waitIdle(ExperimentsPart.ID);
            assertTrue(status.getText().startsWith("Cancelled before any setting finished"), status.getText());
            assertEquals(foldersBefore, listing(service.experimentsDir()), "no experiment folder, not even an empty one");
            assertEquals(recordsBefore, listing(service.history().dir()), "no record");
        }
    }
}
