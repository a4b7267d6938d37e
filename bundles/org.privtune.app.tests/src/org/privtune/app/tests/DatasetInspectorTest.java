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
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.Text;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.junit.jupiter.api.Test;
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
import org.privtune.model.BuiltInModel;
import org.privtune.ui.charts.ChartCanvas;
import org.privtune.ui.data.DatasetImport;
import org.privtune.ui.data.DatasetInspectorPart;
import org.privtune.ui.data.ImportDialog;

/**
 * The Dataset Inspector alone in a shell, driven like a user (pick the data set, filter, search,
 * change the max length); what its table and charts show is compared with the data bundle's own
 * description of the same data set, computed here with a tokenizer of our own. Then the import
 * dialog on two small CSV files.
 */
class DatasetInspectorTest {

    private static final String DATASET = "sentiment";
    private static final Map<String, String> COUNTING = Map.of("truncation", "false", "padding", "false",
            "addSpecialTokens", "false");

    @Test
    void tableAndChartsShowTheDescription() throws IOException {
        Dataset reference = DataCommands.defaults().load(DATASET, Progress.NONE);
        try (InputStream json = BuiltInModel.MINI_LM_L6.openTokenizer();
                HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(json, COUNTING);
                PartHarness ui = new PartHarness("Dataset Inspector", 1000, 800)) {
            Function<String, List<String>> pieces = text -> Arrays.asList(tokenizer.encode(text, false, false).getTokens());
            ui.make(DatasetInspectorPart.class);
            Combo datasets = ui.find("dataset", Combo.class);
            int index = -1;
            for (int i = 0; i < datasets.getItemCount(); i++) {
                if (datasets.getItem(i).startsWith(DATASET + " \u00b7")) {
                    index = i;
                }
            }
            assertTrue(index >= 0, "the built-in " + DATASET + " is offered: " + List.of(datasets.getItems()));
            datasets.select(index);
            PartHarness.select(datasets);
            Label status = ui.find("status", Label.class);
            ui.waitUntil("the description of " + DATASET, () -> status.getText().startsWith(DATASET + ":")
                    && status.getText().contains("longer than 128") && idle());

            Table table = ui.find("records", Table.class);
            assertEquals(reference.size(), table.getItemCount(), "one table row per record");
            DatasetDescription ref = describe(reference, pieces, 128);
            DefaultCategoryDataset bars = (DefaultCategoryDataset) chart(ui, "labelChart").getChart().getCategoryPlot()
                    .getDataset();
            for (DatasetSplit.Part p : DatasetSplit.Part.values()) {
                for (String label : reference.labels()) {
                    assertEquals(ref.countsPerSplit().get(p).get(label).intValue(),
                            bars.getValue(p.displayName(), label).intValue(), p + "/" + label + " bar");
                }
            }
            XYIntervalSeriesCollection hist = (XYIntervalSeriesCollection) chart(ui, "lengthChart").getChart().getXYPlot()
                    .getDataset();
            List<Histogram.Bin> bins = ref.tokenLength().bins();
            assertEquals(bins.size(), hist.getItemCount(0), "one bar per histogram bin");
            for (int i = 0; i < bins.size(); i++) {
                assertEquals(bins.get(i).count(), hist.getYValue(0, i), 0, "bin " + bins.get(i).label());
                assertEquals(bins.get(i).from(), hist.getStartXValue(0, i), 0);
            }
            DefaultCategoryDataset top = (DefaultCategoryDataset) chart(ui, "tokenChart").getChart().getCategoryPlot()
                    .getDataset();
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
            PartHarness.select(table);
            StyledText preview = ui.find("preview", StyledText.class);
            assertTrue(preview.getText().contains("[CLS] " + String.join(" ", pieces.apply(reference.records().get(0).text()))
                    + " [SEP]"), preview.getText());
            ui.screenshot("dataset-inspector.png");
            save(chart(ui, "lengthChart"), "dataset-inspector-lengths.png");
            save(chart(ui, "tokenChart"), "dataset-inspector-top-tokens.png");

            Combo labels = ui.find("labelFilter", Combo.class);
            labels.select(labels.indexOf("positive"));
            PartHarness.select(labels);
            ui.waitIdle(DatasetInspectorPart.ID);
            assertEquals(reference.countsPerLabel().get("positive").intValue(), table.getItemCount(),
                    "rows after filtering by label");

            ui.find("search", Text.class).setText("great");
            ui.waitUntil("the search", () -> idle() && table.getItemCount() < reference.countsPerLabel().get("positive"));
            long expected = reference.records().stream().filter(r -> r.label().equals("positive")
                    && r.text().toLowerCase(Locale.ROOT).contains("great")).count();
            assertTrue(expected > 0);
            assertEquals(expected, table.getItemCount(), "rows after label filter and search");
            for (int row = 0; row < table.getItemCount(); row++) {
                assertTrue(table.getItem(row).getText(0).toLowerCase(Locale.ROOT).contains("great"));
            }

            Spinner maxTokens = ui.find("maxTokens", Spinner.class);
            maxTokens.setSelection(16);
            PartHarness.select(maxTokens);
            ui.waitUntil("the description at 16", () -> idle() && status.getText().contains("longer than 16"));
            DatasetDescription ref16 = describe(reference, pieces, 16);
            assertTrue(ref16.truncatedShare() > 0, "some sentences are longer than 16 pieces");
            assertTrue(status.getText().contains(String.format(Locale.ROOT, "%.1f%% of texts longer than 16",
                    100 * ref16.truncatedShare())), status.getText());
            // select the first row that the model cuts (more than 14 pieces) and look for the mark
            int cut = -1;
            for (int row = 0; row < table.getItemCount() && cut < 0; row++) {
                Record r = (Record) table.getItem(row).getData();
                assertNotNull(r, "row " + row + " holds its record");
                if (pieces.apply(r.text()).size() > 14) {
                    cut = row;
                }
            }
            assertTrue(cut >= 0, "a long sentence among the filtered rows");
            table.setSelection(cut);
            PartHarness.select(table);
            assertTrue(table.getItem(cut).getText(3).endsWith("\u2702"), table.getItem(cut).getText(3));
            assertTrue(preview.getText().contains("[SEP] \u2702 cut"), preview.getText());
            ui.screenshot("dataset-inspector-filtered.png");

            maxTokens.setSelection(128);
            PartHarness.select(maxTokens);
            labels.select(0);
            ui.find("search", Text.class).setText("");
            PartHarness.select(labels);
            ui.waitUntil("all records at 128", () -> idle() && status.getText().contains("longer than 128"));
            assertEquals(reference.size(), table.getItemCount());
            assertNotNull(ui.partContext(DatasetInspectorPart.class).getLocal(DatasetImport.class),
                    "the part context offers the import to the File menu");
        }
    }

    private static boolean idle() {
        return org.eclipse.core.runtime.jobs.Job.getJobManager().find(DatasetInspectorPart.ID).length == 0;
    }

    private static DatasetDescription describe(Dataset d, Function<String, List<String>> pieces, int maxTokens) {
        return DatasetDescriber.describe(d, DatasetSplit.stratified(d, SplitSpec.DEFAULT), pieces,
                DescribeOptions.DEFAULTS.withMaxTokens(maxTokens), Progress.NONE);
    }

    private static ChartCanvas chart(PartHarness ui, String id) {
        return ui.find(id, ChartCanvas.class);
    }

    private static void save(ChartCanvas canvas, String name) {
        try {
            StudioWorkbenchTest.save(ChartCanvas.render(canvas.getChart(), 720, 420), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The import dialog alone: a good file is imported and previewed, a bad one named with its line. */
    @Test
    void importDialogChecksTheFile() throws IOException {
        Path dir = Files.createTempDirectory("privtune-import");
        try (PartHarness ui = new PartHarness("Import", 400, 300)) {
            Path goodCsv = Files.writeString(dir.resolve("reviews.csv"),
                    "review,stars\n\"Great film, would watch again\",5\nAwful,1\n\"Fine, I guess\",3\n", StandardCharsets.UTF_8);
            Path badCsv = Files.writeString(dir.resolve("broken.csv"), "review,stars\nGood,5\nBad,\nFine,3\n",
                    StandardCharsets.UTF_8);
            ImportDialog dialog = new ImportDialog(ui.shell);
            dialog.setBlockOnOpen(false);
            dialog.open();
            dialog.setColumns("review", "stars");
            dialog.setFile(goodCsv.toString());
            ui.waitUntil("the check of reviews.csv", () -> checked(dialog));
            String report = dialog.reportText();
            assertNotNull(dialog.result(), report);
            assertEquals(3, dialog.result().dataset().size(), report);
            assertEquals(List.of("1", "3", "5"), dialog.result().dataset().labels());
            assertTrue(report.contains("Imported 3 records"), report);
            assertEquals(3, dialog.previewTable().getItemCount(), "records preview");
            assertTrue(dialog.importEnabled(), "Import enabled after a successful check");
            StudioWorkbenchTest.settle(ui.display);
            StudioWorkbenchTest.screenshot(ui.display, dialog.getShell(), "import-dialog.png");
            dialog.setFile(badCsv.toString());
            ui.waitUntil("the check of broken.csv", () -> checked(dialog) && dialog.reportText().startsWith("Error"));
            report = dialog.reportText();
            assertTrue(report.startsWith("Error: broken.csv, line 3"), report);
            assertFalse(dialog.importEnabled(), "no import of a file the importer refuses");
            assertEquals(null, dialog.result());
            StudioWorkbenchTest.settle(ui.display);
            StudioWorkbenchTest.screenshot(ui.display, dialog.getShell(), "import-dialog-error.png");
            // a Latin-1 file: refused as UTF-8 with a pointer to the encoding choice, imported with it
            Path latin = Files.write(dir.resolve("latin.csv"), "review,stars\ncaf\u00e9 au lait,5\nna\u00efve plot,1\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            dialog.setFile(latin.toString());
            ui.waitUntil("the check of latin.csv", () -> checked(dialog) && dialog.reportText().startsWith("Error"));
            assertTrue(dialog.reportText().contains("not valid UTF-8") && dialog.reportText().contains("Encoding"),
                    dialog.reportText());
            dialog.setEncoding("ISO-8859-1");
            ui.waitUntil("the check of latin.csv as ISO-8859-1", () -> checked(dialog) && dialog.result() != null);
            assertEquals("caf\u00e9 au lait", dialog.result().dataset().records().get(0).text());
            // columns are numbered from 1, as on the command line; 0 is refused by name
            dialog.setColumns("0", "2");
            ui.waitUntil("column 0 refused", () -> dialog.reportText().startsWith("Error"));
            assertTrue(dialog.reportText().contains("counted from 1"), dialog.reportText());
            dialog.close();
        } finally {
            StudioWorkbenchTest.deleteTree(dir);
        }
    }

    private static boolean checked(ImportDialog dialog) {
        String report = dialog.reportText();
        return !report.isEmpty() && !report.startsWith("checking");
    }
}
