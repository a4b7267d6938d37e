package org.privtune.ui.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;

import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.preferences.IEclipsePreferences;
import org.eclipse.e4.ui.di.Focus;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.CTabFolder;
import org.eclipse.swt.custom.CTabItem;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.custom.StyleRange;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.Record;
import org.privtune.data.SplitSpec;
import org.privtune.data.builtin.BuiltinDatasets;
import org.privtune.data.commands.DataCommands;
import org.privtune.data.describe.DatasetDescriber;
import org.privtune.data.describe.DatasetDescription;
import org.privtune.data.describe.DescribeOptions;
import org.privtune.data.io.ImportResult;
import org.privtune.data.io.RecentImports;
import org.privtune.ui.charts.ChartCanvas;
import org.privtune.ui.charts.DatasetCharts;
import org.privtune.ui.jobs.ViewJobs;
import org.privtune.ui.prefs.StudioPreferences;

/**
 * Dataset Inspector: pick a built-in data set, a recent import or import a file; browse its records
 * in a virtual table with filters; see the word pieces of the selected text and the data set's
 * charts. Loading and describing run in a Job; every number comes from the data bundle's
 * {@link DatasetDescriber} with MiniLM's tokenizer, as in {@code privtune data describe}.
 */
public class DatasetInspectorPart {

    public static final String ID = "org.privtune.ui.part.datasetInspector";
    static final String PREF_DATASET = "inspector.dataset";
    static final String PREF_MAX_TOKENS = "inspector.maxTokens";
    private static final String ALL_LABELS = "all labels";
    private static final String ALL_SOURCES = "all sources";
    private static final int PREVIEW_CHARS = 240;

    private final DataCommands data = DataCommands.defaults();
    private final IEclipsePreferences prefs = StudioPreferences.node();

    private Display display;
    private Combo datasetCombo;
    private final List<String> datasetNames = new ArrayList<>();
    private Label status;
    private Combo labelFilter;
    private Combo sourceFilter;
    private Text search;
    private Table table;
    private Label shownLabel;
    private StyledText preview;
    private Spinner maxTokens;
    private ChartCanvas labelChart;
    private ChartCanvas lengthChart;
    private ChartCanvas tokenChart;
    private Combo tokenLabel;
    private Button distinctive;
    private Color unknownBg;
    private Color pieceBg1;
    private Color pieceBg2;

    private Dataset dataset;
    private DatasetDescription description;
    private int[] shown = new int[0];
    private int[] tokenCounts = new int[0];
    private Job loadJob;
    private Job filterJob;
    private Job describeJob;
    private ViewJobs jobs;

    @PostConstruct
    public void createControls(Composite parent) {
        display = parent.getDisplay();
        unknownBg = new Color(new RGB(0xd6, 0x27, 0x28));
        pieceBg1 = new Color(new RGB(0xe3, 0xee, 0xfa));
        pieceBg2 = new Color(new RGB(0xe6, 0xf4, 0xe1));
        GridLayoutFactory.fillDefaults().margins(6, 6).numColumns(1).applyTo(parent);
        jobs = new ViewJobs(parent, null, text -> setStatus(text, true));

        Composite head = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(4).applyTo(head);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(head);
        datasetCombo = new Combo(head, SWT.READ_ONLY | SWT.DROP_DOWN);
        datasetCombo.setToolTipText("Built-in data sets and recent imports");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(datasetCombo);
        datasetCombo.addListener(SWT.Selection, e -> {
            int i = datasetCombo.getSelectionIndex();
            if (i >= 0) {
                open(datasetNames.get(i));
            }
        });
        Button importButton = new Button(head, SWT.PUSH);
        importButton.setText("Import file\u2026");
        importButton.setToolTipText("Import a CSV, TSV, JSON, label<TAB>text or ARFF file, with column mapping and preview");
        importButton.addListener(SWT.Selection, e -> importFile());
        new Label(head, SWT.NONE).setText("max length");
        status = new Label(parent, SWT.WRAP);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(status);
        maxTokens = new Spinner(head, SWT.BORDER);
        maxTokens.setValues(prefs.getInt(PREF_MAX_TOKENS, DescribeOptions.DEFAULTS.maxTokens()), 8, 512, 0, 8, 32);
        maxTokens.setToolTipText("Model input length in tokens, [CLS] and [SEP] included");
        maxTokens.addListener(SWT.Selection, e -> {
            prefs.putInt(PREF_MAX_TOKENS, maxTokens.getSelection());
            flushPrefs();
            if (dataset != null) {
                describe(dataset);
            }
            updatePreview();
            table.clearAll();
        });

        SashForm sash = new SashForm(parent, SWT.VERTICAL | SWT.SMOOTH);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(sash);
        createTableArea(sash);
        preview = new StyledText(sash, SWT.BORDER | SWT.WRAP | SWT.V_SCROLL | SWT.READ_ONLY);
        preview.setMargins(6, 4, 6, 4);
        preview.setText("Select a record to see its word pieces.");
        createCharts(sash);
        sash.setWeights(38, 17, 45);

        refreshDatasetList(null);
        parent.addDisposeListener(e -> {
            unknownBg.dispose();
            pieceBg1.dispose();
            pieceBg2.dispose();
        });
        String last = prefs.get(PREF_DATASET, BuiltinDatasets.DEFAULT);
        open(datasetNames.contains(last) ? last : BuiltinDatasets.DEFAULT);
    }

    private void createTableArea(Composite sash) {
        Composite area = new Composite(sash, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(4).applyTo(area);
        labelFilter = new Combo(area, SWT.READ_ONLY);
        labelFilter.setItems(ALL_LABELS);
        labelFilter.select(0);
        sourceFilter = new Combo(area, SWT.READ_ONLY);
        sourceFilter.setItems(ALL_SOURCES);
        sourceFilter.select(0);
        search = new Text(area, SWT.SEARCH | SWT.ICON_SEARCH | SWT.ICON_CANCEL | SWT.BORDER);
        search.setMessage("search text");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(search);
        shownLabel = new Label(area, SWT.RIGHT);
        GridDataFactory.fillDefaults().hint(120, SWT.DEFAULT).applyTo(shownLabel);
        labelFilter.addListener(SWT.Selection, e -> refilter(0));
        sourceFilter.addListener(SWT.Selection, e -> refilter(0));
        search.addListener(SWT.Modify, e -> refilter(250));

        table = new Table(area, SWT.VIRTUAL | SWT.BORDER | SWT.FULL_SELECTION | SWT.SINGLE);
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        GridDataFactory.fillDefaults().span(4, 1).grab(true, true).hint(200, 120).applyTo(table);
        String[] titles = {"text", "label", "source", "pieces"};
        int[] widths = {320, 80, 70, 64};
        for (int i = 0; i < titles.length; i++) {
            TableColumn c = new TableColumn(table, i == 3 ? SWT.RIGHT : SWT.LEFT);
            c.setText(titles[i]);
            c.setWidth(widths[i]);
        }
        // the text column takes whatever width the other columns leave
        table.addListener(SWT.Resize, e -> {
            int rest = 0;
            for (int i = 1; i < table.getColumnCount(); i++) {
                rest += table.getColumn(i).getWidth();
            }
            table.getColumn(0).setWidth(Math.max(120, table.getClientArea().width - rest));
        });
        table.getColumn(3).setToolTipText("Word pieces of the text (without [CLS]/[SEP]); \u2702 = cut by the max length");
        table.addListener(SWT.SetData, e -> {
            TableItem item = (TableItem) e.item;
            int row = table.indexOf(item);
            if (dataset == null || row < 0 || row >= shown.length) {
                return;
            }
            int index = shown[row];
            Record r = dataset.records().get(index);
            int pieces = tokenCount(index);
            item.setText(new String[] {oneLine(r.text()), r.label(), r.source() == null ? "" : r.source(),
                    pieces + (pieces > WordPieces.kept(maxTokens.getSelection()) ? " \u2702" : "")});
        });
        table.addListener(SWT.Selection, e -> updatePreview());
    }

    private void createCharts(Composite sash) {
        CTabFolder tabs = new CTabFolder(sash, SWT.BORDER | SWT.BOTTOM);
        labelChart = new ChartCanvas(tabs, SWT.NONE);
        CTabItem t1 = new CTabItem(tabs, SWT.NONE);
        t1.setText("Labels and splits");
        t1.setControl(labelChart);
        lengthChart = new ChartCanvas(tabs, SWT.NONE);
        CTabItem t2 = new CTabItem(tabs, SWT.NONE);
        t2.setText("Lengths");
        t2.setControl(lengthChart);
        Composite tokenArea = new Composite(tabs, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(2).margins(4, 4).applyTo(tokenArea);
        tokenLabel = new Combo(tokenArea, SWT.READ_ONLY);
        distinctive = new Button(tokenArea, SWT.CHECK);
        distinctive.setText("most distinctive (log-odds against the other labels)");
        tokenChart = new ChartCanvas(tokenArea, SWT.NONE);
        GridDataFactory.fillDefaults().span(2, 1).grab(true, true).applyTo(tokenChart);
        tokenLabel.addListener(SWT.Selection, e -> updateTokenChart());
        distinctive.addListener(SWT.Selection, e -> updateTokenChart());
        CTabItem t3 = new CTabItem(tabs, SWT.NONE);
        t3.setText("Top word pieces");
        t3.setControl(tokenArea);
        tabs.setSelection(0);
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
            setStatus("Recent imports could not be read: " + e.getMessage(), true);
        }
        datasetCombo.setItems(items.toArray(String[]::new));
        if (select != null && datasetNames.contains(select)) {
            datasetCombo.select(datasetNames.indexOf(select));
        }
    }

    /** Loads a data set by built-in name, recent-import name or file path, then describes it (one Job). */
    /** The import wizard (button "Import file..." and File > Import Data Set...). */
    public void importFile() {
        ImportDialog dialog = new ImportDialog(status.getShell());
        if (dialog.open() == ImportDialog.OK && dialog.result() != null) {
            RecentImports.defaults().remember(dialog.result());
            refreshDatasetList(dialog.result().dataset().name());
            show(dialog.result().dataset(), dialog.result().report().summary().lines().findFirst().orElse(""));
        }
    }

    public void open(String name) {
        if (datasetNames.contains(name)) {
            datasetCombo.select(datasetNames.indexOf(name));
        }
        prefs.put(PREF_DATASET, name);
        flushPrefs();
        if (loadJob != null) {
            loadJob.cancel();
        }
        setStatus("Loading " + name + "\u2026", false);
        int max = maxTokens.getSelection();
        loadJob = background("Loading data set " + name, progress -> {
            Dataset d = data.load(name, progress);
            DatasetDescription desc = describeNow(d, max, progress);
            return () -> {
                show(d, null);
                showDescription(desc);
            };
        });
    }

    /** The same description as {@code privtune data describe --max-tokens max}, with the default split. */
    public static DatasetDescription describeNow(Dataset d, int max, Progress progress) {
        DescribeOptions options = DescribeOptions.DEFAULTS.withMaxTokens(max);
        return DatasetDescriber.describe(d, d.split(SplitSpec.DEFAULT), WordPieces::of, options, progress);
    }

    private void describe(Dataset d) {
        if (describeJob != null) {
            describeJob.cancel();
        }
        int max = maxTokens.getSelection();
        describeJob = background("Describing " + d.name(), progress -> {
            DatasetDescription desc = describeNow(d, max, progress);
            return () -> showDescription(desc);
        });
    }

    /** Shows a data set in the table (filters reset) and describes it in the background. */
    private void show(Dataset d, String message) {
        dataset = d;
        tokenCounts = new int[d.size()];
        Arrays.fill(tokenCounts, -1);
        labelFilter.setItems(ALL_LABELS);
        for (String l : d.labels()) {
            labelFilter.add(l);
        }
        labelFilter.select(0);
        TreeSet<String> sources = new TreeSet<>();
        for (Record r : d.records()) {
            if (r.source() != null) {
                sources.add(r.source());
            }
        }
        sourceFilter.setItems(ALL_SOURCES);
        sources.forEach(sourceFilter::add);
        sourceFilter.select(0);
        sourceFilter.setEnabled(!sources.isEmpty());
        search.setText("");
        labelFilter.getParent().layout(true);
        setShown(identity(d.size()));
        setStatus(String.format(Locale.ROOT, "%s: %,d records, labels %s%s", d.name(), d.size(), d.labels(),
                message == null ? "" : " \u2014 " + message), false);
        if (message != null) {
            describe(d);
        }
    }

    private void showDescription(DatasetDescription desc) {
        description = desc;
        labelChart.setChart(DatasetCharts.labelSplitChart(desc));
        lengthChart.setChart(DatasetCharts.tokenLengthChart(desc));
        String previous = tokenLabel.getText();
        tokenLabel.setItems(desc.labels().toArray(String[]::new));
        tokenLabel.select(Math.max(0, desc.labels().indexOf(previous)));
        tokenLabel.getParent().layout(true);
        updateTokenChart();
        setStatus(String.format(Locale.ROOT, "%s: %,d records, labels %s; %,d word pieces, %.2f%% [UNK], "
                + "%.1f%% of texts longer than %d", desc.dataset(), desc.records(), desc.labels(), desc.tokens(),
                100 * desc.unknownShare(), 100 * desc.truncatedShare(), desc.maxTokens()), false);
    }

    private void updateTokenChart() {
        if (description == null || tokenLabel.getSelectionIndex() < 0) {
            return;
        }
        tokenChart.setChart(DatasetCharts.topTokensChart(description, tokenLabel.getText(), distinctive.getSelection()));
    }

    /** Applies the filter widgets' values; {@code delayMs} debounces typing in the search field. */
    private void refilter(long delayMs) {
        if (dataset == null) {
            return;
        }
        RecordFilter f = currentFilter();
        Dataset d = dataset;
        if (filterJob != null) {
            filterJob.cancel();
        }
        if (f.isAll()) {
            setShown(identity(d.size()));
            return;
        }
        filterJob = background("Filtering " + d.name(), delayMs, progress -> {
            int[] rows = f.apply(d.records(), progress);
            return () -> {
                if (dataset == d) {
                    setShown(rows);
                }
            };
        });
    }

    /** The filter the widgets currently describe. */
    public RecordFilter currentFilter() {
        String l = labelFilter.getSelectionIndex() <= 0 ? null : labelFilter.getText();
        String s = sourceFilter.getSelectionIndex() <= 0 ? null : sourceFilter.getText();
        return new RecordFilter(l, s, search.getText());
    }

    /** Sets the filter widgets (as a user would) and applies them. */
    public void setFilter(RecordFilter f) {
        labelFilter.select(f.label() == null ? 0 : Math.max(0, labelFilter.indexOf(f.label())));
        sourceFilter.select(f.source() == null ? 0 : Math.max(0, sourceFilter.indexOf(f.source())));
        search.setText(f.search());
        refilter(0);
    }

    private void setShown(int[] rows) {
        shown = rows;
        table.setItemCount(0);
        table.setItemCount(rows.length);
        table.clearAll();
        shownLabel.setText(String.format(Locale.ROOT, "%,d of %,d", rows.length, dataset.size()));
        if (rows.length > 0) {
            table.setSelection(0);
        }
        updatePreview();
    }

    private int tokenCount(int index) {
        if (tokenCounts[index] < 0) {
            tokenCounts[index] = WordPieces.of(dataset.records().get(index).text()).size();
        }
        return tokenCounts[index];
    }

    private void updatePreview() {
        int row = table.getSelectionIndex();
        if (dataset == null || row < 0 || row >= shown.length) {
            preview.setText(dataset == null ? "" : "No record selected.");
            return;
        }
        Record r = dataset.records().get(shown[row]);
        List<String> pieces = WordPieces.of(r.text());
        int kept = WordPieces.kept(maxTokens.getSelection());
        long unknown = pieces.stream().filter(WordPieces.UNKNOWN::equals).count();
        StringBuilder sb = new StringBuilder();
        List<StyleRange> styles = new ArrayList<>();
        sb.append(String.format(Locale.ROOT, "%s \u00b7 %s%s \u00b7 %d word pieces, %d [UNK]%s", r.id(), r.label(),
                r.source() == null ? "" : " \u00b7 " + r.source(), pieces.size(), unknown,
                pieces.size() > kept ? String.format(Locale.ROOT, " \u00b7 cut after %d (max length %d with [CLS]/[SEP])",
                        kept, maxTokens.getSelection()) : ""));
        for (Map.Entry<String, String> a : r.attributes().entrySet()) {
            sb.append(" \u00b7 ").append(a.getKey()).append('=').append(a.getValue());
        }
        StyleRange head = new StyleRange(0, sb.length(), null, null, SWT.BOLD);
        styles.add(head);
        sb.append("\n\n");
        appendSpecial(sb, styles, "[CLS]");
        for (int i = 0; i < pieces.size(); i++) {
            if (i == kept) {
                appendSpecial(sb, styles, "[SEP]");
                int at = sb.length();
                sb.append("\u2702 cut ");
                StyleRange cut = new StyleRange(at, sb.length() - at, display.getSystemColor(SWT.COLOR_RED), null, SWT.BOLD);
                styles.add(cut);
            }
            String p = pieces.get(i);
            int at = sb.length();
            sb.append(p);
            StyleRange s = new StyleRange();
            s.start = at;
            s.length = p.length();
            if (WordPieces.UNKNOWN.equals(p)) {
                s.background = unknownBg;
                s.foreground = display.getSystemColor(SWT.COLOR_WHITE);
                s.fontStyle = SWT.BOLD;
            } else if (i >= kept) {
                s.foreground = display.getSystemColor(SWT.COLOR_DARK_GRAY);
                s.strikeout = true;
            } else {
                s.background = i % 2 == 0 ? pieceBg1 : pieceBg2;
            }
            styles.add(s);
            sb.append(' ');
        }
        if (pieces.size() <= kept) {
            appendSpecial(sb, styles, "[SEP]");
        }
        preview.setText(sb.toString());
        preview.setStyleRanges(styles.toArray(StyleRange[]::new));
    }

    private void appendSpecial(StringBuilder sb, List<StyleRange> styles, String token) {
        int at = sb.length();
        sb.append(token);
        styles.add(new StyleRange(at, token.length(), display.getSystemColor(SWT.COLOR_DARK_GRAY), null, SWT.ITALIC));
        sb.append(' ');
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

    private Job background(String name, Function<Progress, Runnable> work) {
        return jobs.schedule(name, 0, work);
    }

    private Job background(String name, long delayMs, Function<Progress, Runnable> work) {
        return jobs.schedule(name, delayMs, work);
    }

    private void setStatus(String text, boolean error) {
        if (status.isDisposed()) {
            return;
        }
        status.setText(text);
        status.setForeground(error ? display.getSystemColor(SWT.COLOR_RED) : null);
        status.getParent().layout(true);
    }

    private void flushPrefs() {
        try {
            prefs.flush();
        } catch (org.osgi.service.prefs.BackingStoreException e) {
            // preferences are a convenience: the view works without them
        }
    }

    @Focus
    public void setFocus() {
        table.setFocus();
    }

    @PreDestroy
    public void dispose() {
        for (Job j : new Job[] {loadJob, filterJob, describeJob}) {
            if (j != null) {
                j.cancel();
            }
        }
    }

    // --- read by the UI tests -----------------------------------------------------------------

    /** True while a load, describe or filter Job of this view has not finished. */
    public boolean isBusy() {
        return jobs.isBusy();
    }

    public Dataset dataset() {
        return dataset;
    }

    public DatasetDescription description() {
        return description;
    }

    /** Data set indices of the rows the table shows, in table order. */
    public int[] shownRecords() {
        return shown.clone();
    }

    public Table table() {
        return table;
    }

    public StyledText preview() {
        return preview;
    }

    public ChartCanvas labelChart() {
        return labelChart;
    }

    public ChartCanvas lengthChart() {
        return lengthChart;
    }

    public ChartCanvas tokenChart() {
        return tokenChart;
    }

    public Spinner maxTokens() {
        return maxTokens;
    }
}
