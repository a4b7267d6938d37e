package org.privtune.ui.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.Text;
import org.privtune.data.Record;
import org.privtune.data.describe.DatasetDescription;
import org.privtune.studio.DatasetInspectorService;
import org.privtune.ui.charts.ChartCanvas;
import org.privtune.ui.charts.DatasetCharts;
import org.privtune.ui.widgets.WidgetIds;

/**
 * The Dataset Inspector's widgets: data set, import and max length on top, the status line, the
 * record table with its filters, the word-piece preview and the chart tabs.
 */
final class DatasetInspectorControls extends Composite {

    static final String ALL_LABELS = "all labels";
    static final String ALL_SOURCES = "all sources";

    final Combo datasetCombo;
    final Button importButton;
    final Spinner maxTokens;
    private final Label status;
    Combo labelFilter;
    Combo sourceFilter;
    Text search;
    Table table;
    Label shownLabel;
    final StyledText preview;
    private ChartCanvas labelChart;
    private ChartCanvas lengthChart;
    private ChartCanvas tokenChart;
    Combo tokenLabel;
    Button distinctive;
    private final Color unknownBg = new Color(new RGB(0xd6, 0x27, 0x28));
    private final Color pieceBg1 = new Color(new RGB(0xe3, 0xee, 0xfa));
    private final Color pieceBg2 = new Color(new RGB(0xe6, 0xf4, 0xe1));

    DatasetInspectorControls(Composite parent, int maxTokensValue) {
        super(parent, SWT.NONE);
        addDisposeListener(e -> {
            unknownBg.dispose();
            pieceBg1.dispose();
            pieceBg2.dispose();
        });
        GridLayoutFactory.fillDefaults().margins(6, 6).numColumns(1).applyTo(this);
        Composite head = new Composite(this, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(4).applyTo(head);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(head);
        datasetCombo = WidgetIds.name(new Combo(head, SWT.READ_ONLY | SWT.DROP_DOWN), "dataset");
        datasetCombo.setToolTipText("Built-in data sets and recent imports");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(datasetCombo);
        importButton = WidgetIds.name(new Button(head, SWT.PUSH), "import");
        importButton.setText("Import file\u2026");
        importButton.setToolTipText("Import a CSV, TSV, JSON, label<TAB>text or ARFF file, with column mapping and preview");
        new Label(head, SWT.NONE).setText("max length");
        status = WidgetIds.name(new Label(this, SWT.WRAP), "status");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(status);
        maxTokens = WidgetIds.name(new Spinner(head, SWT.BORDER), "maxTokens");
        maxTokens.setValues(maxTokensValue, 8, 512, 0, 8, 32);
        maxTokens.setToolTipText("Model input length in tokens, [CLS] and [SEP] included");

        SashForm sash = new SashForm(this, SWT.VERTICAL | SWT.SMOOTH);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(sash);
        createTableArea(sash);
        preview = WidgetIds.name(new StyledText(sash, SWT.BORDER | SWT.WRAP | SWT.V_SCROLL | SWT.READ_ONLY), "preview");
        preview.setMargins(6, 4, 6, 4);
        preview.setText("Select a record to see its word pieces.");
        createCharts(sash);
        sash.setWeights(38, 17, 45);
    }

    private void createTableArea(Composite sash) {
        Composite area = new Composite(sash, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(4).applyTo(area);
        labelFilter = WidgetIds.name(new Combo(area, SWT.READ_ONLY), "labelFilter");
        labelFilter.setItems(ALL_LABELS);
        labelFilter.select(0);
        sourceFilter = WidgetIds.name(new Combo(area, SWT.READ_ONLY), "sourceFilter");
        sourceFilter.setItems(ALL_SOURCES);
        sourceFilter.select(0);
        search = WidgetIds.name(new Text(area, SWT.SEARCH | SWT.ICON_SEARCH | SWT.ICON_CANCEL | SWT.BORDER), "search");
        search.setMessage("search text");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(search);
        shownLabel = WidgetIds.name(new Label(area, SWT.RIGHT), "shown");
        GridDataFactory.fillDefaults().hint(120, SWT.DEFAULT).applyTo(shownLabel);

        table = WidgetIds.name(new Table(area, SWT.VIRTUAL | SWT.BORDER | SWT.FULL_SELECTION | SWT.SINGLE), "records");
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
    }

    private void createCharts(Composite sash) {
        CTabFolder tabs = new CTabFolder(sash, SWT.BORDER | SWT.BOTTOM);
        labelChart = WidgetIds.name(new ChartCanvas(tabs, SWT.NONE), "labelChart");
        CTabItem t1 = new CTabItem(tabs, SWT.NONE);
        t1.setText("Labels and splits");
        t1.setControl(labelChart);
        lengthChart = WidgetIds.name(new ChartCanvas(tabs, SWT.NONE), "lengthChart");
        CTabItem t2 = new CTabItem(tabs, SWT.NONE);
        t2.setText("Lengths");
        t2.setControl(lengthChart);
        Composite tokenArea = new Composite(tabs, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(2).margins(4, 4).applyTo(tokenArea);
        tokenLabel = WidgetIds.name(new Combo(tokenArea, SWT.READ_ONLY), "tokenLabel");
        distinctive = WidgetIds.name(new Button(tokenArea, SWT.CHECK), "distinctive");
        distinctive.setText("most distinctive (log-odds against the other labels)");
        tokenChart = WidgetIds.name(new ChartCanvas(tokenArea, SWT.NONE), "tokenChart");
        GridDataFactory.fillDefaults().span(2, 1).grab(true, true).applyTo(tokenChart);
        CTabItem t3 = new CTabItem(tabs, SWT.NONE);
        t3.setText("Top word pieces");
        t3.setControl(tokenArea);
        tabs.setSelection(0);
    }

    /** The charts of a description; the top-token chart keeps its label where it still exists. */
    void showDescription(DatasetDescription desc) {
        labelChart.setChart(DatasetCharts.labelSplitChart(desc));
        lengthChart.setChart(DatasetCharts.tokenLengthChart(desc));
        String previous = tokenLabel.getText();
        tokenLabel.setItems(desc.labels().toArray(String[]::new));
        tokenLabel.select(Math.max(0, desc.labels().indexOf(previous)));
        tokenLabel.getParent().layout(true);
        showTokenChart(desc);
    }

    void showTokenChart(DatasetDescription desc) {
        if (desc == null || tokenLabel.getSelectionIndex() < 0) {
            return;
        }
        tokenChart.setChart(DatasetCharts.topTokensChart(desc, tokenLabel.getText(), distinctive.getSelection()));
    }

    /** The record's head line and its word pieces, [UNK] marked, the pieces past the cut struck out. */
    void showPreview(Record r, List<String> pieces) {
        int kept = DatasetInspectorService.kept(maxTokens.getSelection());
        long unknown = pieces.stream().filter(DatasetInspectorService.UNKNOWN::equals).count();
        StringBuilder sb = new StringBuilder();
        List<StyleRange> styles = new ArrayList<>();
        sb.append(String.format(Locale.ROOT, "%s \u00b7 %s%s \u00b7 %d word pieces, %d [UNK]%s", r.id(), r.label(),
                r.source() == null ? "" : " \u00b7 " + r.source(), pieces.size(), unknown,
                pieces.size() > kept ? String.format(Locale.ROOT, " \u00b7 cut after %d (max length %d with [CLS]/[SEP])",
                        kept, maxTokens.getSelection()) : ""));
        for (Map.Entry<String, String> a : r.attributes().entrySet()) {
            sb.append(" \u00b7 ").append(a.getKey()).append('=').append(a.getValue());
        }
        styles.add(new StyleRange(0, sb.length(), null, null, SWT.BOLD));
        sb.append("\n\n");
        appendSpecial(sb, styles, "[CLS]");
        for (int i = 0; i < pieces.size(); i++) {
            if (i == kept) {
                appendSpecial(sb, styles, "[SEP]");
                int at = sb.length();
                sb.append("\u2702 cut ");
                styles.add(new StyleRange(at, sb.length() - at, getDisplay().getSystemColor(SWT.COLOR_RED), null, SWT.BOLD));
            }
            String p = pieces.get(i);
            int at = sb.length();
            sb.append(p);
            StyleRange s = new StyleRange();
            s.start = at;
            s.length = p.length();
            if (DatasetInspectorService.UNKNOWN.equals(p)) {
                s.background = unknownBg;
                s.foreground = getDisplay().getSystemColor(SWT.COLOR_WHITE);
                s.fontStyle = SWT.BOLD;
            } else if (i >= kept) {
                s.foreground = getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY);
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
        styles.add(new StyleRange(at, token.length(), getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY), null, SWT.ITALIC));
        sb.append(' ');
    }

    void setStatus(String text, boolean error) {
        if (status.isDisposed()) {
            return;
        }
        status.setText(text);
        status.setForeground(error ? getDisplay().getSystemColor(SWT.COLOR_RED) : null);
        status.getParent().layout(true);
    }
}
