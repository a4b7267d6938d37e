package org.privtune.app.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.DatasetSplit;
import org.privtune.data.Record;
import org.privtune.data.SplitSpec;
import org.privtune.data.commands.DataCommands;
import org.privtune.data.describe.DatasetDescriber;
import org.privtune.data.describe.DatasetDescription;
import org.privtune.data.describe.DescribeOptions;
import org.privtune.data.describe.Histogram;
import org.privtune.model.MiniLmFiles;
import org.privtune.ui.charts.ChartCanvas;
import org.privtune.ui.data.DatasetInspectorPart;
import org.privtune.ui.data.ImportDialog;
import org.privtune.ui.data.RecordFilter;

/**
 * Drives the Dataset Inspector of the running studio like a user (pick the data set, filter,
 * search, change the max length) and compares what its table and charts show with the data
 * bundle's own description of the same data set, computed here with a tokenizer of our own. Each
 * method is called again and again from an SWT timer until it returns true.
 */
final class DatasetInspectorChecks {

    private static final String DATASET = "sentiment";
    private static final Map<String, String> COUNTING = Map.of("truncation", "false", "padding", "false",
            "addSpecialTokens", "false");

    private final IEclipseContext context;
    private final Shell shell;
    private DatasetInspectorPart part;
    private Dataset reference;
    private HuggingFaceTokenizer tokenizer;
    private Function<String, List<String>> pieces;
    private int phase;
    private ImportDialog dialog;
    /** The two CSV files' scratch folder, deleted once the dialog has checked both. */
    private Path importDir;
    private Path goodCsv;
    private Path badCsv;
    private int importPhase;

    DatasetInspectorChecks(IEclipseContext context, Shell shell) {
        this.context = context;
        this.shell = shell;
    }

    void start() {
        EPartService parts = context.get(EPartService.class);
        MPart mpart = parts.findPart(DatasetInspectorPart.ID);
        assertNotNull(mpart, "the Dataset Inspector is in the application model");
        parts.showPart(mpart, EPartService.PartState.ACTIVATE);
        part = (DatasetInspectorPart) mpart.getObject();
        assertNotNull(part, "the Dataset Inspector was created");
        part.open(DATASET);
        try (InputStream json = MiniLmFiles.openTokenizer()) {
            tokenizer = HuggingFaceTokenizer.newInstance(json, COUNTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pieces = text -> Arrays.asList(tokenizer.encode(text, false, false).getTokens());
        reference = DataCommands.defaults().load(DATASET, Progress.NONE);
    }

    private DatasetDescription referenceDescription(int maxTokens) {
        return DatasetDescriber.describe(reference, DatasetSplit.stratified(reference, SplitSpec.DEFAULT), pieces,
                DescribeOptions.DEFAULTS.withMaxTokens(maxTokens), Progress.NONE);
    }

    private boolean idle() {
        return !part.isBusy() && part.dataset() != null && part.description() != null
                && DATASET.equals(part.dataset().name());
    }

    boolean inspectorChecked() {
        Display display = shell.getDisplay();
        if (!idle()) {
            return false;
        }
        switch (phase) {
            case 0 -> {
                Table table = part.table();
                assertEquals(reference.size(), table.getItemCount(), "one table row per record");
                DatasetDescription ref = referenceDescription(128);
                DatasetDescription shown = part.description();
                assertEquals(ref.countsPerSplit(), shown.countsPerSplit());
                DefaultCategoryDataset bars = (DefaultCategoryDataset) part.labelChart().getChart().getCategoryPlot().getDataset();
                for (DatasetSplit.Part p : DatasetSplit.Part.values()) {
                    for (String label : reference.labels()) {
                        assertEquals(ref.countsPerSplit().get(p).get(label).intValue(),
                                bars.getValue(p.displayName(), label).intValue(), p + "/" + label + " bar");
                    }
                }
                XYIntervalSeriesCollection hist = (XYIntervalSeriesCollection) part.lengthChart().getChart().getXYPlot().getDataset();
                List<Histogram.Bin> bins = ref.tokenLength().bins();
                assertEquals(bins.size(), hist.getItemCount(0), "one bar per histogram bin");
                for (int i = 0; i < bins.size(); i++) {
                    assertEquals(bins.get(i).count(), hist.getYValue(0, i), 0, "bin " + bins.get(i).label());
                    assertEquals(bins.get(i).from(), hist.getStartXValue(0, i), 0);
                }
                DefaultCategoryDataset top = (DefaultCategoryDataset) part.tokenChart().getChart().getCategoryPlot().getDataset();
                String firstLabel = reference.labels().get(0);
                List<DatasetDescription.TokenCount> refTop = ref.topTokens().get(firstLabel);
                assertEquals(refTop.size(), top.getColumnCount());
                for (DatasetDescription.TokenCount t : refTop) {
                    assertEquals(t.count(), top.getValue(firstLabel, t.token()).longValue(), "count of " + t.token());
                }
                // rows: text, label and word-piece count of the first records
                for (int row = 0; row < 5; row++) {
                    Record r = reference.records().get(row);
                    assertEquals(r.label(), table.getItem(row).getText(1));
                    String count = table.getItem(row).getText(3).replace(" \u2702", "");
                    assertEquals(pieces.apply(r.text()).size(), Integer.parseInt(count), "pieces of " + r.id());
                }
                table.setSelection(0);
                table.notifyListeners(SWT.Selection, null);
                String preview = part.preview().getText();
                assertTrue(preview.contains("[CLS] " + String.join(" ", pieces.apply(reference.records().get(0).text()))
                        + " [SEP]"), preview);
                StudioWorkbenchTest.settle(display);
                StudioWorkbenchTest.screenshot(display, shell, "dataset-inspector.png");
                saveChart(part.lengthChart(), "dataset-inspector-lengths.png");
                saveChart(part.tokenChart(), "dataset-inspector-top-tokens.png");
                part.setFilter(new RecordFilter("positive", null, ""));
                phase = 1;
            }
            case 1 -> {
                assertEquals(reference.countsPerLabel().get("positive").intValue(), part.table().getItemCount(),
                        "rows after filtering by label");
                part.setFilter(new RecordFilter("positive", null, "great"));
                phase = 2;
            }
            case 2 -> {
                long expected = reference.records().stream().filter(r -> r.label().equals("positive")
                        && r.text().toLowerCase(Locale.ROOT).contains("great")).count();
                assertTrue(expected > 0);
                assertEquals(expected, part.table().getItemCount(), "rows after label filter and search");
                for (int row = 0; row < part.table().getItemCount(); row++) {
                    assertTrue(part.table().getItem(row).getText(0).toLowerCase(Locale.ROOT).contains("great"));
                }
                part.maxTokens().setSelection(16);
                part.maxTokens().notifyListeners(SWT.Selection, null);
                phase = 3;
            }
            case 3 -> {
                if (part.description().maxTokens() != 16) {
                    return false;
                }
                DatasetDescription ref = referenceDescription(16);
                assertEquals(ref.truncatedShare(), part.description().truncatedShare(), 1e-12);
                assertTrue(ref.truncatedShare() > 0, "some sentences are longer than 16 pieces");
                // select the first row that the model cuts (more than 14 pieces) and look for the mark
                Table table = part.table();
                int cut = -1;
                int[] rows = part.shownRecords();
                for (int row = 0; row < rows.length && cut < 0; row++) {
                    if (pieces.apply(reference.records().get(rows[row]).text()).size() > 14) {
                        cut = row;
                    }
                }
                assertTrue(cut >= 0, "a long sentence among the filtered rows");
                table.setSelection(cut);
                table.notifyListeners(SWT.Selection, null);
                assertTrue(table.getItem(cut).getText(3).endsWith("\u2702"), table.getItem(cut).getText(3));
                String preview = part.preview().getText();
                assertTrue(preview.contains("[SEP] \u2702 cut"), preview);
                StudioWorkbenchTest.settle(display);
                StudioWorkbenchTest.screenshot(display, shell, "dataset-inspector-filtered.png");
                part.maxTokens().setSelection(128);
                part.maxTokens().notifyListeners(SWT.Selection, null);
                part.setFilter(RecordFilter.ALL);
                phase = 4;
            }
            case 4 -> {
                if (part.description().maxTokens() != 128) {
                    return false;
                }
                assertEquals(reference.size(), part.table().getItemCount());
                tokenizer.close();
                return true;
            }
            default -> throw new IllegalStateException("phase " + phase);
        }
        return false;
    }

    private static void saveChart(ChartCanvas canvas, String name) {
        try {
            StudioWorkbenchTest.save(ChartCanvas.render(canvas.getChart(), 720, 420), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens the import dialog without blocking, on two small CSV files written for the test. */
    void startImportDialog() {
        try {
            Path dir = Files.createTempDirectory("privtune-import");
            importDir = dir;
            goodCsv = Files.writeString(dir.resolve("reviews.csv"),
                    "review,stars\n\"Great film, would watch again\",5\nAwful,1\n\"Fine, I guess\",3\n", StandardCharsets.UTF_8);
            badCsv = Files.writeString(dir.resolve("broken.csv"),
                    "review,stars\nGood,5\nBad,\nFine,3\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dialog = new ImportDialog(shell);
        dialog.setBlockOnOpen(false);
        dialog.open();
        dialog.setColumns("review", "stars");
        dialog.setFile(goodCsv.toString());
    }

    boolean importDialogChecked() {
        String report = dialog.reportText();
        if (report.isEmpty() || report.startsWith("checking")) {
            return false;
        }
        switch (importPhase) {
            case 0 -> {
                assertNotNull(dialog.result(), report);
                assertEquals(3, dialog.result().dataset().size(), report);
                assertEquals(List.of("1", "3", "5"), dialog.result().dataset().labels());
                assertTrue(report.contains("Imported 3 records"), report);
                assertEquals(3, dialog.previewTable().getItemCount(), "records preview");
                assertTrue(dialog.importEnabled(), "Import enabled after a successful check");
                StudioWorkbenchTest.settle(shell.getDisplay());
                StudioWorkbenchTest.screenshot(shell.getDisplay(), dialog.getShell(), "import-dialog.png");
                dialog.setFile(badCsv.toString());
                importPhase = 1;
                return false;
            }
            case 1 -> {
                assertTrue(report.startsWith("Error: broken.csv, line 3"), report);
                assertFalse(dialog.importEnabled(), "no import of a file the importer refuses");
                assertEquals(null, dialog.result());
                StudioWorkbenchTest.settle(shell.getDisplay());
                StudioWorkbenchTest.screenshot(shell.getDisplay(), dialog.getShell(), "import-dialog-error.png");
                dialog.getShell().getDisplay().asyncExec(() -> dialog.close());
                StudioWorkbenchTest.deleteTree(importDir);
                return true;
            }
            default -> throw new IllegalStateException();
        }
    }
}
