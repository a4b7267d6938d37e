package org.privtune.ui.explorer;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.studio.HopAnalyser;
import org.privtune.ui.charts.ChartCanvas;
import org.privtune.ui.charts.HopCharts;
import org.privtune.ui.jobs.ViewJobs;
import org.privtune.ui.widgets.WidgetIds;

/**
 * The Neighbour-Hop Explorer's widgets: sentence, mechanism and n on top, the status line, the
 * token table (rows where the attacker wins are marked) and the neighbourhood plot.
 */
final class NeighbourHopExplorerControls extends Composite {

    static final List<String> EXAMPLES = List.of(
            "The acting was terrible and the plot made no sense at all.",
            "My sister Alice loved the food at this small restaurant in Boston.",
            "Great phone, the battery lasts two days and the screen is bright.",
            "I would not recommend this movie to anyone.");

    /** Index of the n-hop examples column, the one that gives way when the table is narrow. */
    static final int EXAMPLES_COLUMN = 3;
    /** The columns' own widths; the examples column's is only where it starts. */
    private static final int[] WIDTHS = {80, 75, 55, 200, 110, 45};
    private static final int MIN_EXAMPLES = 80;

    final Combo sentence;
    final Button analyse;
    final Combo mechanism;
    final Spinner n;
    final Button resample;
    private final Label status;
    final Table table;
    private final Composite tableArea;
    private final ChartCanvas plot;
    private final Color winBg = new Color(new RGB(0xf8, 0xd7, 0xda));
    /** True while settings are put into the widgets: their events are no user change. */
    boolean updating;

    NeighbourHopExplorerControls(Composite parent, int draws) {
        super(parent, SWT.NONE);
        addDisposeListener(e -> winBg.dispose());
        GridLayoutFactory.fillDefaults().margins(6, 6).applyTo(this);
        Composite head = new Composite(this, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(6).applyTo(head);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(head);
        sentence = WidgetIds.name(new Combo(head, SWT.DROP_DOWN), "sentence");
        sentence.setItems(EXAMPLES.toArray(String[]::new));
        sentence.select(1);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(sentence);
        analyse = WidgetIds.name(new Button(head, SWT.PUSH), "analyse");
        analyse.setText("Analyse");
        mechanism = WidgetIds.name(new Combo(head, SWT.READ_ONLY), "mechanism");
        mechanism.setItems(MechanismSpec.NAMES);
        new Label(head, SWT.NONE).setText("n");
        n = WidgetIds.name(new Spinner(head, SWT.BORDER), "n");
        n.setValues(2, 1, 4, 0, 1, 1);
        resample = WidgetIds.name(new Button(head, SWT.PUSH), "resample");
        resample.setText("Resample");
        resample.setToolTipText("Draw " + draws + " new perturbed samples of the selected token");
        status = WidgetIds.name(new Label(this, SWT.WRAP), "status");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(status);

        SashForm sash = new SashForm(this, SWT.HORIZONTAL);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(sash);
        tableArea = new Composite(sash, SWT.NONE);
        tableArea.setLayout(new FillLayout());
        table = WidgetIds.name(createTable(tableArea), "tokens");
        plot = WidgetIds.name(new ChartCanvas(sash, SWT.BORDER), "plot");
        plot.setDefaultFileName("neighbourhood");
        sash.setWeights(60, 40);
    }

    /** The token table. */
    private Table createTable(Composite area) {
        // Not virtual: a sentence has at most a few dozen tokens. Explicit list colours, so that
        // the theme's panel colour (Composite in the CSS) does not reach the rows.
        Table t = new Table(area, SWT.BORDER | SWT.FULL_SELECTION | SWT.SINGLE);
        t.setBackground(getDisplay().getSystemColor(SWT.COLOR_LIST_BACKGROUND));
        t.setForeground(getDisplay().getSystemColor(SWT.COLOR_LIST_FOREGROUND));
        t.setHeaderVisible(true);
        t.setLinesVisible(true);
        String[] titles = {"token", "importance", "|N_n|", "n-hop examples", "attacker's guess", "hop"};
        int[] widths = WIDTHS;
        for (int i = 0; i < titles.length; i++) {
            TableColumn c = new TableColumn(t, i == 1 || i == 2 || i == 5 ? SWT.RIGHT : SWT.LEFT);
            c.setText(titles[i]);
            c.setWidth(widths[i]);
        }
        t.getColumn(5).setToolTipText("Hop distance from the true token to the attacker's guess (0: the attacker wins)");
        // the examples column takes what the others leave, so that the guess and hop columns stay
        // in view at any width
        t.addListener(SWT.Resize, e -> fitColumns(t));
        return t;
    }

    /**
     * Gives the n-hop examples column the width the other columns leave in the table; when even
     * their own widths do not fit, all columns shrink alike, so the last ones never leave the view.
     */
    static void fitColumns(Table t) {
        int client = t.getClientArea().width;
        if (client <= 0) {
            return;
        }
        int others = 0;
        for (int i = 0; i < t.getColumnCount(); i++) {
            if (i != EXAMPLES_COLUMN) {
                others += WIDTHS[i];
            }
        }
        double scale = Math.min(1.0, (client - MIN_EXAMPLES) / (double) others);
        int used = 0;
        for (int i = 0; i < t.getColumnCount(); i++) {
            if (i != EXAMPLES_COLUMN) {
                int w = Math.max(24, (int) Math.floor(WIDTHS[i] * scale));
                t.getColumn(i).setWidth(w);
                used += w;
            }
        }
        t.getColumn(EXAMPLES_COLUMN).setWidth(Math.max(24, client - used - 1));
    }

    /** Puts the mechanism and n into the widgets without their events counting as the user's. */
    void show(MechanismSpec spec) {
        updating = true;
        mechanism.select(Math.max(0, Arrays.asList(MechanismSpec.NAMES).indexOf(spec.name())));
        n.setSelection(spec.n());
        updating = false;
    }

    /** One row per token of the analysis, the previous selection kept where it still exists. */
    void showRows(HopAnalyser.Analysis a) {
        int selected = Math.max(0, table.getSelectionIndex());
        table.removeAll();
        for (HopAnalyser.TokenRow r : a.rows()) {
            TableItem item = new TableItem(table, SWT.NONE);
            item.setText(new String[] {r.token(), String.format(Locale.ROOT, "%.2f", r.importance()),
                    Integer.toString(r.targetSetSize()) + (r.hopUsed() != a.spec().n() ? " (hop " + r.hopUsed() + ")" : ""),
                    String.join(" ", r.examples()), r.guess(), r.hop() == HopAnalyser.FAR ? "> " + (a.spec().n() + 1)
                            : Integer.toString(r.hop())});
            if (r.attackerWins()) {
                item.setBackground(winBg);
            }
        }
        tableArea.layout(true, true);
        drawOffScreen(table);
        table.redraw();
        if (!a.rows().isEmpty()) {
            table.setSelection(Math.min(selected, a.rows().size() - 1));
            table.setTopIndex(0);
            table.redraw();
        }
    }

    /**
     * Draws the control once off screen. Under GTK 3 (seen under Xvfb) the rows of this table went
     * blank (header and empty area still drawn) whenever the whole window was redrawn, although a
     * redraw of the table alone painted them; after Control.print (which realises the tree view
     * and lays out its rows) they survive window redraws. A few milliseconds per analysis. The UI
     * test redraws the window and checks the screen pixels of the rows.
     */
    private static void drawOffScreen(Control c) {
        Image img = new Image(c.getDisplay(), 1, 1);
        GC gc = new GC(img);
        try {
            c.print(gc);
        } finally {
            gc.dispose();
            img.dispose();
        }
    }

    void showNeighbourhood(HopAnalyser.Neighbourhood nb, MechanismSpec spec) {
        plot.setChart(HopCharts.chart(HopCharts.dataset(nb.n(), nb.points(), nb.hops(), nb.samples(), nb.clean(),
                nb.target()), "\u201c" + nb.token() + "\u201d: hops 1.." + nb.n() + ", " + spec.name()
                        + " samples (PCA of the neighbourhood)", nb.n(), HopCharts.labels(nb.n(), nb.hops(), nb.labels(),
                                nb.token())));
    }

    ChartCanvas plot() {
        return plot;
    }

    void setStatus(String text) {
        ViewJobs.showStatus(status, text);
    }
}
