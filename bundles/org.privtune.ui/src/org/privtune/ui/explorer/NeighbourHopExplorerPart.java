package org.privtune.ui.explorer;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;

import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.e4.ui.di.Focus;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.jfree.data.xy.XYSeriesCollection;
import org.privtune.core.Progress;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.ui.charts.ChartCanvas;
import org.privtune.ui.charts.HopCharts;
import org.privtune.ui.jobs.ViewJobs;
import org.privtune.attack.studio.HopExplorer;
import org.privtune.ui.tuner.MechanismSelection;
import org.privtune.ui.tuner.StudioEngine;
import org.privtune.attack.studio.TunerEngine;
import org.privtune.attack.studio.Vocabulary;

/**
 * Neighbour-Hop Explorer: a sentence, one row per token (importance, its n-hop target set, the
 * attacker's nearest-neighbour guess after one perturbation, the hop distance between guess and
 * truth; rows where the attacker still wins are marked), and the selected token's neighbourhood in
 * 2D with the clean representation, the mechanism's expected output and a cloud of perturbed
 * samples. Mechanism and n are shared with the Noise Tuner through {@link MechanismSelection}.
 */
public class NeighbourHopExplorerPart {

    public static final String ID = "org.privtune.ui.part.neighbourHopExplorer";
    public static final int DRAWS = 60;
    static final List<String> EXAMPLES = List.of(
            "The acting was terrible and the plot made no sense at all.",
            "My sister Alice loved the food at this small restaurant in Boston.",
            "Great phone, the battery lasts two days and the screen is bright.",
            "I would not recommend this movie to anyone.");

    private Display display;
    private Combo sentence;
    private Combo mechanism;
    private Spinner n;
    private Label status;
    private Table table;
    private Composite tableArea;
    private ChartCanvas plot;
    private Color winBg;
    private final Consumer<MechanismSelection.Settings> selectionListener = s -> showSettings(s, true);
    private final Consumer<TunerEngine> engineListener = e -> {
        if (e != null) {
            analyse();
        } else {
            setStatus("Waiting for the Noise Tuner to prepare MiniLM\u2026");
        }
    };

    private HopExplorer explorer;
    private Vocabulary vocabulary;
    private HopExplorer.Analysis analysis;
    private HopExplorer.Neighbourhood neighbourhood;
    private Job analyseJob;
    private Job plotJob;
    private ViewJobs jobs;
    private long draws = 1;
    private boolean updating;

    @PostConstruct
    public void createControls(Composite parent) {
        display = parent.getDisplay();
        winBg = new Color(new RGB(0xf8, 0xd7, 0xda));
        parent.addDisposeListener(e -> winBg.dispose());
        GridLayoutFactory.fillDefaults().margins(6, 6).applyTo(parent);
        jobs = new ViewJobs(parent, StudioEngine.RULE, this::setStatus);
        Composite head = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(6).applyTo(head);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(head);
        sentence = new Combo(head, SWT.DROP_DOWN);
        sentence.setItems(EXAMPLES.toArray(String[]::new));
        sentence.select(1);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(sentence);
        sentence.addListener(SWT.Selection, e -> analyse());
        sentence.addListener(SWT.DefaultSelection, e -> analyse());
        Button go = new Button(head, SWT.PUSH);
        go.setText("Analyse");
        go.addListener(SWT.Selection, e -> analyse());
        mechanism = new Combo(head, SWT.READ_ONLY);
        mechanism.setItems(MechanismSpec.NAMES);
        new Label(head, SWT.NONE).setText("n");
        n = new Spinner(head, SWT.BORDER);
        n.setValues(2, 1, 4, 0, 1, 1);
        Button resample = new Button(head, SWT.PUSH);
        resample.setText("Resample");
        resample.setToolTipText("Draw " + DRAWS + " new perturbed samples of the selected token");
        resample.addListener(SWT.Selection, e -> {
            draws++;
            plotSelected();
        });
        mechanism.addListener(SWT.Selection, e -> settingsChanged());
        n.addListener(SWT.Selection, e -> settingsChanged());
        status = new Label(parent, SWT.WRAP);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(status);

        SashForm sash = new SashForm(parent, SWT.HORIZONTAL);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(sash);
        tableArea = new Composite(sash, SWT.NONE);
        tableArea.setLayout(new org.eclipse.swt.layout.FillLayout());
        createTable();
        plot = new ChartCanvas(sash, SWT.BORDER);
        sash.setWeights(55, 45);

        showSettings(MechanismSelection.STUDIO.get(), false);
        MechanismSelection.STUDIO.addListener(selectionListener);
        StudioEngine.addListener(engineListener);
        if (StudioEngine.current() != null) {
            analyse();
        } else {
            setStatus("Waiting for the Noise Tuner to prepare MiniLM\u2026");
        }
    }

    /** The token table. */
    private void createTable() {
        // Not virtual: a sentence has at most a few dozen tokens. Explicit list colours, so that
        // the theme's panel colour (Composite in the CSS) does not reach the rows.
        table = new Table(tableArea, SWT.BORDER | SWT.FULL_SELECTION | SWT.SINGLE);
        table.setBackground(display.getSystemColor(SWT.COLOR_LIST_BACKGROUND));
        table.setForeground(display.getSystemColor(SWT.COLOR_LIST_FOREGROUND));
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        String[] titles = {"token", "importance", "|N_n|", "n-hop examples", "attacker's guess", "hop"};
        int[] widths = {80, 75, 50, 200, 110, 45};
        for (int i = 0; i < titles.length; i++) {
            TableColumn c = new TableColumn(table, i == 1 || i == 2 || i == 5 ? SWT.RIGHT : SWT.LEFT);
            c.setText(titles[i]);
            c.setWidth(widths[i]);
        }
        table.getColumn(5).setToolTipText("Hop distance from the true token to the attacker's guess (0: the attacker wins)");
        table.addListener(SWT.Selection, e -> plotSelected());
    }

    private void showSettings(MechanismSelection.Settings s, boolean reanalyse) {
        if (mechanism.isDisposed()) {
            return;
        }
        updating = true;
        mechanism.select(Math.max(0, Arrays.asList(MechanismSpec.NAMES).indexOf(s.spec().name())));
        n.setSelection(s.spec().n());
        updating = false;
        if (reanalyse) {
            analyse();
        }
    }

    private void settingsChanged() {
        if (updating) {
            return;
        }
        MechanismSelection.Settings s = MechanismSelection.STUDIO.get();
        MechanismSpec spec = s.spec();
        if (!spec.name().equals(mechanism.getText())) {
            // another mechanism: its own defaults (eps scale differs), keeping the shared n, k, rho, alpha
            MechanismSpec d = MechanismSpec.defaults(mechanism.getText());
            spec = d.with("k", Integer.toString(spec.k()), "explorer").with("rho", Double.toString(spec.rho()), "explorer")
                    .with("alpha", Double.toString(spec.alpha()), "explorer");
        }
        spec = spec.with("n", Integer.toString(n.getSelection()), "explorer");
        MechanismSelection.STUDIO.set(new MechanismSelection.Settings(spec, s.split()), selectionListener);
        analyse();
    }

    /** Analyses the sentence in the box with the shared settings (a Job on the engine's rule). */
    public void analyse() {
        TunerEngine engine = StudioEngine.current();
        if (engine == null || sentence.isDisposed()) {
            return;
        }
        String text = sentence.getText().trim();
        if (text.isEmpty()) {
            return;
        }
        MechanismSpec spec = MechanismSelection.STUDIO.get().spec();
        cancel(analyseJob, plotJob);
        setStatus("Analysing with " + spec.name() + "\u2026");
        analyseJob = background("Neighbour-Hop Explorer: " + spec.name(), progress -> {
            HopExplorer x = explorerFor(engine);
            HopExplorer.Analysis a = x.analyse(text, spec);
            return () -> showAnalysis(a);
        });
    }

    private HopExplorer explorerFor(TunerEngine engine) {
        if (explorer == null || explorer.engine() != engine) {
            try {
                if (vocabulary == null) {
                    vocabulary = Vocabulary.miniLm();
                }
                if (explorer != null) {
                    explorer.close();
                }
                explorer = new HopExplorer(engine, vocabulary);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return explorer;
    }

    private void showAnalysis(HopExplorer.Analysis a) {
        analysis = a;
        int selected = Math.max(0, table.getSelectionIndex());
        int wins = (int) a.rows().stream().filter(HopExplorer.TokenRow::attackerWins).count();
        table.removeAll();
        for (int i = 0; i < a.rows().size(); i++) {
            fill(new TableItem(table, SWT.NONE), i);
        }
        tableArea.layout(true, true);
        drawOffScreen(table);
        table.redraw();
        setStatus(String.format(Locale.ROOT, "%s, split layer %d: the attacker recovers %d of %d tokens (marked). "
                + "N_n from the k = %d graph, n = %d.", a.spec().name(), a.split(), wins, a.rows().size(), a.spec().k(),
                a.spec().n()));
        if (!a.rows().isEmpty()) {
            table.setSelection(Math.min(selected, a.rows().size() - 1));
            table.setTopIndex(0);
            table.redraw();
            plotSelected();
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

    private void fill(TableItem item, int i) {
        HopExplorer.Analysis a = analysis;
        if (a == null || i < 0 || i >= a.rows().size()) {
            return;
        }
        HopExplorer.TokenRow r = a.rows().get(i);
        item.setText(new String[] {r.token(), String.format(Locale.ROOT, "%.2f", r.importance()),
                Integer.toString(r.targetSetSize()) + (r.hopUsed() != a.spec().n() ? " (hop " + r.hopUsed() + ")" : ""),
                String.join(" ", r.examples()), r.guess(), r.hop() == HopExplorer.FAR ? "> " + (a.spec().n() + 1)
                        : Integer.toString(r.hop())});
        if (r.attackerWins()) {
            item.setBackground(winBg);
        }
    }

    private void plotSelected() {
        TunerEngine engine = StudioEngine.current();
        int row = table.getSelectionIndex();
        if (engine == null || analysis == null || row < 0 || row >= analysis.rows().size()) {
            return;
        }
        HopExplorer.TokenRow r = analysis.rows().get(row);
        HopExplorer.Analysis a = analysis;
        long seed = draws;
        cancel(plotJob);
        plotJob = background("Neighbour-Hop Explorer: neighbourhood of " + r.token(), progress -> {
            HopExplorer.Neighbourhood nb = explorerFor(engine).neighbourhood(a.sentence(), r.position(), a.spec(), DRAWS, seed);
            return () -> showNeighbourhood(nb, a.spec());
        });
    }

    private void showNeighbourhood(HopExplorer.Neighbourhood nb, MechanismSpec spec) {
        neighbourhood = nb;
        XYSeriesCollection data = HopCharts.dataset(nb.n(), nb.points(), nb.hops(), nb.samples(), nb.clean(), nb.target());
        plot.setChart(HopCharts.chart(data, "\u201c" + nb.token() + "\u201d: hops 1.." + nb.n() + ", " + spec.name()
                + " samples (PCA of the neighbourhood)", nb.n()));
    }

    private void cancel(Job... js) {
        ViewJobs.cancel(js);
    }

    private Job background(String name, Function<Progress, Runnable> work) {
        return jobs.schedule(name, 0, work);
    }

    private void setStatus(String text) {
        ViewJobs.showStatus(status, text);
    }

    @Focus
    public void setFocus() {
        sentence.setFocus();
    }

    @PreDestroy
    public void dispose() {
        MechanismSelection.STUDIO.removeListener(selectionListener);
        StudioEngine.removeListener(engineListener);
        cancel(analyseJob, plotJob);
        HopExplorer x = explorer;
        if (x != null) {
            StudioEngine.closeLater("Neighbour-Hop Explorer: closing", x);
        }
    }

    // --- read by the UI tests -----------------------------------------------------------------

    public boolean isBusy() {
        return jobs.isBusy();
    }

    public HopExplorer.Analysis analysis() {
        return analysis;
    }

    public HopExplorer.Neighbourhood neighbourhood() {
        return neighbourhood;
    }

    public Table table() {
        return table;
    }

    public Combo sentenceCombo() {
        return sentence;
    }

    public Combo mechanismCombo() {
        return mechanism;
    }

    public Spinner hopSpinner() {
        return n;
    }

    public ChartCanvas plot() {
        return plot;
    }
}
