package org.privtune.ui.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.preferences.IEclipsePreferences;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.TableItem;
import org.privtune.data.Dataset;
import org.privtune.data.Record;
import org.privtune.data.builtin.BuiltinDatasets;
import org.privtune.data.describe.DatasetDescription;
import org.privtune.data.io.RecentImports;
import org.privtune.model.ModelRegistry;
import org.privtune.studio.DatasetInspectorService;
import org.privtune.ui.jobs.ViewJobs;
import org.privtune.ui.prefs.StudioPreferences;

/**
 * The Dataset Inspector's behaviour: loads and describes data sets with the
 * {@link DatasetInspectorService} in Jobs, filters the records (debounced while the search is
 * typed), fills the virtual table on demand (each item's data is its {@link Record}) and the
 * word-piece preview of the selected record.
 */
final class DatasetInspectorController implements DatasetImport {

    static final String PREF_DATASET = "inspector.dataset";
    static final String PREF_MAX_TOKENS = "inspector.maxTokens";
    private static final int PREVIEW_CHARS = 240;

    private final DatasetInspectorControls controls;
    private final DatasetInspectorService service;
    private final IEclipsePreferences prefs;
    private final ViewJobs jobs;
    private final List<String> datasetNames = new ArrayList<>();
    private Dataset dataset;
    private DatasetDescription description;
    private int[] shown = new int[0];
    private int[] tokenCounts = new int[0];
    private Job loadJob;
    private Job filterJob;
    private Job describeJob;
    /** Follows the model chosen in the preferences. */
    private final IEclipsePreferences.IPreferenceChangeListener modelListener;

    DatasetInspectorController(DatasetInspectorControls controls, DatasetInspectorService service,
            IEclipsePreferences prefs) {
        this.controls = controls;
        this.service = service;
        this.prefs = prefs;
        this.jobs = new ViewJobs(controls, null, DatasetInspectorPart.ID, text -> controls.setStatus(text, true));
        this.modelListener = e -> {
            if (StudioPreferences.DEFAULT_MODEL.equals(e.getKey())) {
                jobs.ui(this::modelChanged);
            }
        };
    }

    /** Wires the widgets and opens the last data set. */
    void start() {
        controls.datasetCombo.addListener(SWT.Selection, e -> {
            int i = controls.datasetCombo.getSelectionIndex();
            if (i >= 0) {
                open(datasetNames.get(i));
            }
        });
        controls.importButton.addListener(SWT.Selection, e -> importFile());
        controls.maxTokens.addListener(SWT.Selection, e -> {
            prefs.putInt(PREF_MAX_TOKENS, controls.maxTokens.getSelection());
            flushPrefs();
            if (dataset != null) {
                describe(dataset);
            }
            updatePreview();
            controls.table.clearAll();
        });
        controls.labelFilter.addListener(SWT.Selection, e -> refilter(0));
        controls.sourceFilter.addListener(SWT.Selection, e -> refilter(0));
        controls.search.addListener(SWT.Modify, e -> refilter(250));
        controls.table.addListener(SWT.SetData, e -> fill((TableItem) e.item));
        controls.table.addListener(SWT.Selection, e -> updatePreview());
        controls.tokenLabel.addListener(SWT.Selection, e -> controls.showTokenChart(description));
        controls.distinctive.addListener(SWT.Selection, e -> controls.showTokenChart(description));
        useChosenModel();
        prefs.addPreferenceChangeListener(modelListener);
        refreshDatasetList(null);
        String last = prefs.get(PREF_DATASET, BuiltinDatasets.DEFAULT);
        open(datasetNames.contains(last) ? last : BuiltinDatasets.DEFAULT);
    }

    private void refreshDatasetList(String select) {
        datasetNames.clear();
        List<String> items = new ArrayList<>();
        for (BuiltinDatasets.Info i : BuiltinDatasets.list()) {
            datasetNames.add(i.name());
            items.add(String.format(Locale.ROOT, "%s \u00b7 %,d \u00b7 built-in", i.name(), i.records()));
        }
        try {
            for (RecentImports.Entry e : RecentImports.defaults().list()) {
                if (!datasetNames.contains(e.name())) {
                    datasetNames.add(e.name());
                    items.add(String.format(Locale.ROOT, "%s \u00b7 %,d \u00b7 imported", e.name(), e.records()));
                }
            }
        } catch (RuntimeException e) {
            controls.setStatus("Recent imports could not be read: " + e.getMessage(), true);
        }
        controls.datasetCombo.setItems(items.toArray(String[]::new));
        if (select != null && datasetNames.contains(select)) {
            controls.datasetCombo.select(datasetNames.indexOf(select));
        }
    }

    @Override
    public void importFile() {
        ImportDialog dialog = new ImportDialog(controls.getShell());
        if (dialog.open() == ImportDialog.OK && dialog.result() != null) {
            RecentImports.defaults().remember(dialog.result());
            refreshDatasetList(dialog.result().dataset().name());
            show(dialog.result().dataset(), dialog.result().report().summary().lines().findFirst().orElse(""));
        }
    }

    /** Loads a data set by built-in name, recent-import name or file path, then describes it (one Job). */
    private void open(String name) {
        if (datasetNames.contains(name)) {
            controls.datasetCombo.select(datasetNames.indexOf(name));
        }
        prefs.put(PREF_DATASET, name);
        flushPrefs();
        ViewJobs.cancel(loadJob);
        controls.setStatus("Loading " + name + "\u2026", false);
        int max = controls.maxTokens.getSelection();
        loadJob = jobs.schedule("Loading data set " + name, 0, progress -> {
            Dataset d = service.load(name, progress);
            DatasetDescription desc = service.describe(d, max, progress);
            return () -> {
                show(d, null);
                showDescription(desc);
            };
        });
    }

    private void describe(Dataset d) {
        ViewJobs.cancel(describeJob);
        int max = controls.maxTokens.getSelection();
        describeJob = jobs.schedule("Describing " + d.name(), 0, progress -> {
            DatasetDescription desc = service.describe(d, max, progress);
            return () -> showDescription(desc);
        });
    }

    /** Shows a data set in the table (filters reset); with a message (an import) also describes it. */
    private void show(Dataset d, String message) {
        dataset = d;
        tokenCounts = new int[d.size()];
        Arrays.fill(tokenCounts, -1);
        controls.labelFilter.setItems(DatasetInspectorControls.ALL_LABELS);
        for (String l : d.labels()) {
            controls.labelFilter.add(l);
        }
        controls.labelFilter.select(0);
        TreeSet<String> sources = new TreeSet<>();
        for (Record r : d.records()) {
            if (r.source() != null) {
                sources.add(r.source());
            }
        }
        controls.sourceFilter.setItems(DatasetInspectorControls.ALL_SOURCES);
        sources.forEach(controls.sourceFilter::add);
        controls.sourceFilter.select(0);
        controls.sourceFilter.setEnabled(!sources.isEmpty());
        controls.search.setText("");
        controls.labelFilter.getParent().layout(true);
        setShown(identity(d.size()));
        controls.setStatus(String.format(Locale.ROOT, "%s: %,d records, labels %s%s", d.name(), d.size(), d.labels(),
                message == null ? "" : " \u2014 " + message), false);
        if (message != null) {
            describe(d);
        }
    }

    private void showDescription(DatasetDescription desc) {
        description = desc;
        controls.showDescription(desc);
        controls.setStatus(String.format(Locale.ROOT, "%s: %,d records, labels %s; %,d word pieces, %.2f%% [UNK], "
                + "%.1f%% of texts longer than %d", desc.dataset(), desc.records(), desc.labels(), desc.tokens(),
                100 * desc.unknownShare(), 100 * desc.truncatedShare(), desc.maxTokens()), false);
    }

    /** Applies the filter widgets' values; {@code delayMs} debounces typing in the search field. */
    private void refilter(long delayMs) {
        if (dataset == null) {
            return;
        }
        String l = controls.labelFilter.getSelectionIndex() <= 0 ? null : controls.labelFilter.getText();
        String s = controls.sourceFilter.getSelectionIndex() <= 0 ? null : controls.sourceFilter.getText();
        RecordFilter f = new RecordFilter(l, s, controls.search.getText());
        Dataset d = dataset;
        ViewJobs.cancel(filterJob);
        if (f.isAll()) {
            setShown(identity(d.size()));
            return;
        }
        filterJob = jobs.schedule("Filtering " + d.name(), delayMs, progress -> {
            int[] rows = f.apply(d.records(), progress);
            return () -> {
                if (dataset == d) {
                    setShown(rows);
                }
            };
        });
    }

    private void setShown(int[] rows) {
        shown = rows;
        controls.table.setItemCount(0);
        controls.table.setItemCount(rows.length);
        controls.table.clearAll();
        controls.shownLabel.setText(String.format(Locale.ROOT, "%,d of %,d", rows.length, dataset.size()));
        if (rows.length > 0) {
            controls.table.setSelection(0);
        }
        updatePreview();
    }

    /** Fills a row of the virtual table when it comes into view. */
    private void fill(TableItem item) {
        int row = controls.table.indexOf(item);
        if (dataset == null || row < 0 || row >= shown.length) {
            return;
        }
        int index = shown[row];
        Record r = dataset.records().get(index);
        int pieces = tokenCount(index);
        item.setData(r);
        item.setText(new String[] {oneLine(r.text()), r.label(), r.source() == null ? "" : r.source(),
                pieces + (pieces > DatasetInspectorService.kept(controls.maxTokens.getSelection()) ? " \u2702" : "")});
    }

    private int tokenCount(int index) {
        if (tokenCounts[index] < 0) {
            tokenCounts[index] = service.wordPieces(dataset.records().get(index).text()).size();
        }
        return tokenCounts[index];
    }

    private void updatePreview() {
        int row = controls.table.getSelectionIndex();
        if (dataset == null || row < 0 || row >= shown.length) {
            controls.preview.setText(dataset == null ? "" : "No record selected.");
            return;
        }
        Record r = dataset.records().get(shown[row]);
        controls.showPreview(r, service.wordPieces(r.text()));
    }

    private static String oneLine(String text) {
        String t = text.length() > PREVIEW_CHARS ? text.substring(0, PREVIEW_CHARS) + "\u2026" : text;
        return t.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private void flushPrefs() {
        try {
            prefs.flush();
        } catch (org.osgi.service.prefs.BackingStoreException e) {
            // preferences are a convenience: the view works without them
        }
    }

    /**
     * The word pieces follow the model chosen in Window > Preferences (the model the Noise Tuner
     * and Split Training start with); a folder that no longer loads falls back to the default.
     */
    private void useChosenModel() {
        String chosen = StudioPreferences.defaultModel();
        try {
            service.useModel(ModelRegistry.resolve(chosen));
        } catch (IOException | RuntimeException e) {
            service.useModel(ModelRegistry.DEFAULT);
            controls.setStatus("Model " + chosen + " could not be loaded (" + e.getMessage() + "); word pieces of "
                    + ModelRegistry.DEFAULT.name(), true);
        }
    }

    /** Another model chosen in the preferences: its word pieces, counts and description. */
    private void modelChanged() {
        if (controls.isDisposed()) {
            return;
        }
        useChosenModel();
        if (dataset != null) {
            Arrays.fill(tokenCounts, -1);
            controls.table.clearAll();
            describe(dataset);
            updatePreview();
        }
    }

    void dispose() {
        prefs.removePreferenceChangeListener(modelListener);
        ViewJobs.cancel(loadJob, filterJob, describeJob);
    }
}
