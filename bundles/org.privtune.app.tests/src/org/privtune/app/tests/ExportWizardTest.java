package org.privtune.app.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.wizard.WizardDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;
import org.junit.jupiter.api.Test;
import org.privtune.core.CancelledException;
import org.privtune.core.Checksums;
import org.privtune.core.ForwardingProgress;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.ModelResources;
import org.privtune.studio.StudioExports;
import org.privtune.ui.export.ExportWizard;
import org.privtune.ui.widgets.ModelPicker;
import org.privtune.ui.widgets.WidgetIds;

/**
 * File > Export...: the wizard driven through its widgets (kind, Next, fields, Finish), the Job
 * it starts, and the files that Job leaves; a refused field keeps the wizard open and is named.
 */
class ExportWizardTest {

    private static final long TIMEOUT_MS = 600_000;

    /** The wizard in a dialog that does not block, over a shell of its own. */
    private static final class Driven implements AutoCloseable {
        final Display display = Display.getDefault();
        final Shell parent = new Shell(display);
        final ExportWizard wizard = new ExportWizard();
        final WizardDialog dialog = new WizardDialog(parent, wizard);
        final AtomicReference<IStatus> done = new AtomicReference<>();

        Driven() {
            wizard.onDone(done::set);
            dialog.setBlockOnOpen(false);
            dialog.open();
        }

        Shell shell() {
            return dialog.getShell();
        }

        <W extends Control> W find(String id, Class<W> type) {
            Control c = WidgetIds.find(shell(), id);
            assertNotNull(c, "a widget named " + id);
            return type.cast(c);
        }

        void choose(String kind) {
            Button b = find(kind, Button.class);
            for (String k : List.of("kind.model", "kind.representations", "kind.tables")) {
                find(k, Button.class).setSelection(false);
            }
            b.setSelection(true);
            b.notifyListeners(SWT.Selection, new Event());
            press(IDialogConstants.NEXT_LABEL);
        }

        void press(String label) {
            Button b = button(shell(), label);
            assertNotNull(b, "a button " + label);
            assertTrue(b.isEnabled(), label + " enabled");
            b.notifyListeners(SWT.Selection, new Event());
            dispatch();
        }

        boolean enabled(String label) {
            Button b = button(shell(), label);
            return b != null && b.isEnabled();
        }

        void dispatch() {
            while (display.readAndDispatch()) {
                // pending events
            }
        }

        /** Waits for the export Job and returns how it ended. */
        IStatus finished() {
            long until = System.currentTimeMillis() + TIMEOUT_MS;
            while (done.get() == null) {
                assertTrue(System.currentTimeMillis() < until, "the export Job did not end");
                if (!display.readAndDispatch()) {
                    sleep(20);
                }
            }
            return done.get();
        }

        @Override
        public void close() {
            if (dialog.getShell() != null && !dialog.getShell().isDisposed()) {
                dialog.close();
            }
            parent.dispose();
            dispatch();
        }
    }

    private static Button button(Composite root, String label) {
        for (Control c : root.getChildren()) {
            if (c instanceof Button b && label.equals(b.getText())) {
                return b;
            }
            if (c instanceof Composite k) {
                Button found = button(k, label);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    @Test
    void resultTablesAreCopiedToTheChosenFolder() throws Exception {
        Path dir = Files.createTempDirectory("privtune-export-tables");
        try (Driven ui = new Driven()) {
            Path exp = Files.createDirectories(dir.resolve("exp"));
            Files.writeString(exp.resolve("results.csv"), "mechanism,eps,accuracy\nnone,0,0.922\nprivtune,16,0.761\n");
            Files.writeString(exp.resolve("summary.md"), "# Summary\n\n| mechanism | accuracy |\n");
            Files.writeString(exp.resolve("chart.png"), "not a table");
            Path out = dir.resolve("tables");
            Path aFile = Files.writeString(dir.resolve("a-file"), "x");

            assertFalse(ui.enabled(IDialogConstants.FINISH_LABEL), "nothing to finish on the first page");
            ui.choose("kind.tables");
            ui.find("tables.source", Text.class).setText(exp.toString());
            ui.find("tables.destination", Text.class).setText(aFile.toString());
            ui.press(IDialogConstants.FINISH_LABEL);
            assertFalse(ui.shell().isDisposed(), "a refused field keeps the wizard open");
            String error = ui.wizard.getContainer().getCurrentPage().getErrorMessage();
            assertNotNull(error);
            assertTrue(error.startsWith(StudioExports.FIELD_TABLES_DESTINATION + ":"), error);
            assertEquals(0, Job.getJobManager().find(ExportWizard.JOB_FAMILY).length, "nothing started");

            ui.find("tables.source", Text.class).setText(dir.resolve("no-such-experiment").toString());
            ui.find("tables.destination", Text.class).setText(out.toString());
            ui.press(IDialogConstants.FINISH_LABEL);
            error = ui.wizard.getContainer().getCurrentPage().getErrorMessage();
            assertTrue(error != null && error.startsWith(StudioExports.FIELD_EXPERIMENT_FOLDER + ":"), error);

            ui.find("tables.source", Text.class).setText(exp.toString());
            ui.press(IDialogConstants.FINISH_LABEL);
            assertTrue(ui.shell() == null || ui.shell().isDisposed(), "Finish closed the wizard");
            IStatus status = ui.finished();
            assertEquals(IStatus.OK, status.getSeverity(), status.toString());
            assertTrue(status.getMessage().contains("results.csv, summary.md"), status.getMessage());
            for (String f : List.of("results.csv", "summary.md")) {
                assertArrayEquals(Files.readAllBytes(exp.resolve(f)), Files.readAllBytes(out.resolve(f)), f);
            }
            try (var files = Files.list(out)) {
                assertEquals(List.of("results.csv", "summary.md"),
                        files.map(p -> p.getFileName().toString()).sorted().toList(), "the tables and nothing else");
            }
        } finally {
            StudioWorkbenchTest.deleteTree(dir);
        }
    }

    @Test
    void aTrainedModelIsCopiedWithItsManifestOnlyWhenItsChecksumsHold() throws Exception {
        Path dir = Files.createTempDirectory("privtune-export-model");
        try (Driven ui = new Driven()) {
            Path trained = Files.createDirectories(dir.resolve("trained"));
            Files.writeString(trained.resolve("top-0000.params"), "top parameters");
            Files.writeString(trained.resolve("tokenizer.json"), "{}");
            String config = "{\n  \"format\" : \"privtune-split-model\",\n  \"formatVersion\" : 1,\n"
                    + "  \"baseModel\" : \"all-MiniLM-L6-v2\",\n  \"baseWeightsSha256\" : \"abc123\",\n"
                    + "  \"files\" : {\n    \"top-0000.params\" : \"" + Checksums.sha256(trained.resolve("top-0000.params"))
                    + "\",\n    \"tokenizer.json\" : \"" + Checksums.sha256(trained.resolve("tokenizer.json")) + "\"\n  }\n}\n";
            Files.writeString(trained.resolve("config.json"), config);
            Path out = dir.resolve("copy");

            ui.choose("kind.model");
            ui.find("model.source", Text.class).setText(dir.toString());
            ui.find("model.destination", Text.class).setText(out.toString());
            ui.press(IDialogConstants.FINISH_LABEL);
            String error = ui.wizard.getContainer().getCurrentPage().getErrorMessage();
            assertTrue(error != null && error.startsWith(StudioExports.FIELD_TRAINING_FOLDER + ":")
                    && error.contains("config.json missing"), error);

            ui.find("model.source", Text.class).setText(trained.toString());
            ui.press(IDialogConstants.FINISH_LABEL);
            IStatus status = ui.finished();
            assertEquals(IStatus.OK, status.getSeverity(), status.toString());
            assertTrue(status.getMessage().contains("Base model all-MiniLM-L6-v2, weights SHA-256 abc123"),
                    status.getMessage());
            assertEquals(config, Files.readString(out.resolve("config.json")), "the manifest as the training wrote it");
            assertEquals("top parameters", Files.readString(out.resolve("top-0000.params")));
            try (var files = Files.list(dir)) {
                assertEquals(List.of("copy", "trained"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                        "no partial folder left");
            }

            // a file changed after the training: refused, naming it, and nothing is copied
            Files.writeString(trained.resolve("tokenizer.json"), "{\"edited\":1}");
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> StudioExports.exportModel(trained, dir.resolve("copy2"), Progress.NONE));
            assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("checksum mismatch"),
                    e.getMessage());
            assertFalse(Files.exists(dir.resolve("copy2")));
        } finally {
            StudioWorkbenchTest.deleteTree(dir);
        }
    }

    @Test
    void representationsForAnAuditAreWrittenByAJobAndACancelLeavesNothing() throws Exception {
        Path dir = Files.createTempDirectory("privtune-export-reps");
        Path tiny = tiny("tiny-bert");
        try {
            try (Driven ui = new Driven()) {
                ui.choose("kind.representations");
                ui.find("reps.data", Combo.class).setText("sentiment");
                assertEquals(null, ModelPicker.of(ui.find("reps.model", Combo.class)).choose(tiny.toString()));
                ui.find("reps.split", Spinner.class).setSelection(1);
                ui.find("reps.limit", Spinner.class).setSelection(4);
                Path out = dir.resolve("reps.safetensors");
                ui.find("reps.file", Text.class).setText(dir.resolve("reps").toString());

                ui.find("reps.mechanism", Text.class).setText("privtune:eps=");
                ui.press(IDialogConstants.FINISH_LABEL);
                String error = ui.wizard.getContainer().getCurrentPage().getErrorMessage();
                assertTrue(error != null && error.startsWith("Mechanism:"), error);

                ui.find("reps.mechanism", Text.class).setText("privtune:eps=32");
                ui.press(IDialogConstants.FINISH_LABEL);
                assertEquals(1, Job.getJobManager().find(ExportWizard.JOB_FAMILY).length, "the export runs as a Job");
                IStatus status = ui.finished();
                assertEquals(IStatus.OK, status.getSeverity(), status.toString());
                System.out.println("export wizard, representations: " + status.getMessage());
                assertTrue(status.getMessage().contains("wrote " + out + ": 4 sentences"), status.getMessage());
                assertTrue(status.getMessage().contains("aware cosine"), status.getMessage());
                assertEquals(List.of("representations", "attention_mask", "token_ids", "scored", "reference",
                        "reference_aware", "candidates").stream().sorted().toList(), tensorNames(out));
                try (var files = Files.list(dir)) {
                    assertEquals(List.of("reps.safetensors"), files.map(p -> p.getFileName().toString()).toList(),
                            "the file (the '.safetensors' added) and no partial one");
                }
            }
            // cancelled once the file is written, while the attack on it runs: nothing is left
            Path cancelled = dir.resolve("cancelled.safetensors");
            Progress cancelOnceWritten = new ForwardingProgress(Progress.NONE) {
                @Override
                public boolean isCancelled() {
                    try (var files = Files.list(dir)) {
                        return files.anyMatch(p -> p.getFileName().toString().startsWith(".cancelled.safetensors.partial-")
                                && p.getFileName().toString().endsWith(".safetensors"));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            };
            assertThrows(CancelledException.class, () -> StudioExports.exportRepresentations("sentiment",
                    tiny.toString(), 1, MechanismSpec.parse("privtune:eps=32"), cancelled, 4,
                    ModelResources.defaultCacheDir(), cancelOnceWritten));
            List<String> left = new ArrayList<>();
            try (var files = Files.list(dir)) {
                files.forEach(p -> left.add(p.getFileName().toString()));
            }
            assertEquals(List.of("reps.safetensors"), left, "nothing of the cancelled export");
        } finally {
            StudioWorkbenchTest.deleteTree(dir);
        }
    }

    /** The tensor names in a safetensors file's header, sorted. */
    private static List<String> tensorNames(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file); DataInputStream d = new DataInputStream(in)) {
            byte[] len = new byte[8];
            d.readFully(len);
            long n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
            byte[] header = new byte[(int) n];
            d.readFully(header);
            String json = new String(header, StandardCharsets.UTF_8);
            List<String> names = new ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([a-z_]+)\"\\s*:\\s*\\{").matcher(json);
            while (m.find()) {
                if (!m.group(1).equals("__metadata__")) {
                    names.add(m.group(1));
                }
            }
            return names.stream().sorted().toList();
        }
    }

    private static Path tiny(String name) {
        String dir = System.getProperty("privtune.test.fixtures");
        return (dir != null ? Path.of(dir) : Path.of("../org.privtune.model.tests/fixtures")).resolve(name);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
