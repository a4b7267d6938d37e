package org.privtune.ui.tuner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;

import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.preferences.IEclipsePreferences;
import org.eclipse.e4.ui.di.Focus;
import org.eclipse.jface.dialogs.InputDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.window.Window;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.privtune.attack.studio.TunerEngine;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.DatasetSplit;
import org.privtune.data.SplitSpec;
import org.privtune.data.commands.DataCommands;
import org.privtune.mechanism.MechanismPresets;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.MiniLmResources;
import org.privtune.model.LabelledText;
import org.privtune.ui.charts.ChartCanvas;
import org.privtune.ui.charts.TunerCharts;
import org.privtune.ui.jobs.ViewJobs;
import org.privtune.ui.prefs.StudioPreferences;

/**
 * Noise Tuner: mechanism and parameters on the left; on every change a background Job evaluates
 * the setting on a cached sample of the dev split with {@link TunerEngine} (A1 inversion, utility
 * proxy, noise norms) and the charts follow: privacy/utility plane with the trail of settings tried,
 * attack and utility against eps (filled in progressively), per-token noise norms. Stale Jobs are
 * cancelled; all engine work is serialised by one scheduling rule. To answer within
 * {@link #TARGET_MS} the first point of a change uses as many sentences as the last points allowed
 * (shown as "quick"); the same setting on the whole sample (with the probes) then replaces it, and
 * the eps sweep runs on the whole sample too.
 */
public class NoiseTunerPart {

    /** Element id of the part in the application model. */
    public static final String PART_ID = "org.privtune.ui.part.noiseTuner";

    public static final String ID = "org.privtune.ui.part.noiseTuner";
    /** Default wanted time from a change to the refreshed current point (Window > Preferences). */
    public static final long TARGET_MS = StudioPreferences.DEFAULT_TARGET_MS;
    private static final int TRAIL = 40;
    /**
     * Delay before a point's Job starts: a dragged slider fires many changes, and a Job that has
     * not started yet is cancelled for free, one that runs only at its next checkpoint.
     */
    private static final long DEBOUNCE_MS = 25;
    /** Fewest sentences of a quick point. */
    private static final int MIN_BUDGET = 2;
    private static final double[] SWEEP = {0.125, 0.25, 0.5, 1, 2, 4, 8};

    private final IEclipsePreferences prefs = StudioPreferences.node();
    private final Consumer<MechanismSelection.Settings> selectionListener = this::showSettings;

    private Display display;
    private Combo mechanism;
    private PositionSlider eps;
    private Label epsValue;
    private Spinner n;
    private Spinner k;
    private Spinner rho;
    private Spinner keep;
    /** privtune-swap's other options, typed as key=value pairs; {@link #validOptions} is the last valid text. */
    private Text swapOptions;
    private String validOptions = "";
    private PositionSlider alpha;
    private Label alphaValue;
    private Spinner split;
    private Spinner sample;
    private Button use;
    private Label specText;
    private Label readout;
    private Label status;
    private ChartCanvas planeChart;
    private ChartCanvas sweepChart;
    private ChartCanvas noiseChart;
    private final XYSeriesCollection plane = TunerCharts.planeDataset();
    private final XYSeriesCollection sweep = TunerCharts.sweepDataset();
    private XYIntervalSeriesCollection noise = TunerCharts.noiseNorms(new float[0], 1);

    private volatile TunerEngine engine;
    /** Data set of the engine's sample (Window > Preferences). */
    private String dataset = StudioPreferences.tunerDataset();
    /** Re-opens the engine when the data set or the cache folder changes in the preferences. */
    private final IEclipsePreferences.IPreferenceChangeListener prefListener = e -> {
        if (StudioPreferences.TUNER_DATASET.equals(e.getKey()) || StudioPreferences.CACHE_DIR.equals(e.getKey())) {
            ui(() -> {
                if (!mechanism.isDisposed()) {
                    setupEngine();
                }
            });
        }
    };
    private int engineSample;
    private Job setupJob;
    private Job pointJob;
    private Job refineJob;
    private Job sweepJob;
    private ViewJobs jobs;
    private boolean updating;
    private int budget;
    private long changedAt;
    private long lastLatency = -1;
    private final List<Long> latencies = new ArrayList<>();
    private TunerEngine.Point last;

    @PostConstruct
    public void createControls(Composite parent) {
        display = parent.getDisplay();
        GridLayoutFactory.fillDefaults().numColumns(2).margins(6, 6).applyTo(parent);
        jobs = new ViewJobs(parent, StudioEngine.RULE, this::setStatus);
        Group controls = new Group(parent, SWT.NONE);
        controls.setText("Mechanism");
        GridLayoutFactory.swtDefaults().numColumns(3).applyTo(controls);
        GridDataFactory.fillDefaults().grab(false, true).hint(330, SWT.DEFAULT).applyTo(controls);

        mechanism = new Combo(controls, SWT.READ_ONLY);
        mechanism.setItems(MechanismSpec.NAMES);
        GridDataFactory.fillDefaults().span(3, 1).applyTo(mechanism);
        epsValue = valueRow(controls, "eps");
        eps = slider(controls, 100);
        eps.setToolTipText("Privacy parameter on a log scale from 0.1 to 100 (smaller: more noise)");
        n = spinner(controls, "n (hops)", 1, 4, 0);
        k = spinner(controls, "k (graph degree)", 1, 32, 0);
        rho = spinner(controls, "norm budget \u03c1", 0, 500, 1);
        keep = spinner(controls, "kept share % (swap)", 0, 100, 0);
        keep.setToolTipText("privtune-swap: share of training tokens (the most label-informative types) left unsubstituted");
        new Label(controls, SWT.NONE).setText("swap options");
        swapOptions = new Text(controls, SWT.BORDER);
        swapOptions.setMessage("e.g. pool=200, kept=canon, poolcanon=1, shuffle=1, clusters=30");
        swapOptions.setToolTipText(SWAP_OPTIONS_TIP);
        GridDataFactory.fillDefaults().span(2, 1).grab(true, false).applyTo(swapOptions);
        swapOptions.addListener(SWT.Modify, e -> swapOptionsTyped());
        alphaValue = valueRow(controls, "importance \u03b1");
        alpha = slider(controls, 95);
        split = spinner(controls, "split layer", 0, 6, 0);
        sample = spinner(controls, "sample (dev sentences)", 4, 256, 0);
        sample.setToolTipText("Largest sample; the first point after a change uses fewer when the refresh target "
                + "(Window > Preferences, default " + TARGET_MS + " ms) asks for it");
        specText = new Label(controls, SWT.WRAP);
        GridDataFactory.fillDefaults().span(3, 1).grab(true, false).hint(240, SWT.DEFAULT).applyTo(specText);
        Button save = new Button(controls, SWT.PUSH);
        save.setText("Save as preset\u2026");
        save.setToolTipText("Save the settings as a named preset (~/.privtune/presets/NAME.properties); "
                + "./privtune train --mechanism @NAME uses it");
        save.addListener(SWT.Selection, e -> savePreset());
        use = new Button(controls, SWT.PUSH);
        use.setText("Use for training");
        use.setToolTipText("Save the settings as the preset 'training' that ./privtune train --mechanism @training uses");
        use.addListener(SWT.Selection, e -> useForTraining());
        Button copy = new Button(controls, SWT.PUSH);
        copy.setText("Copy spec");
        copy.setToolTipText("Copy the mechanism spec, as --mechanism of the command line accepts it");
        copy.addListener(SWT.Selection, e -> {
            Clipboard cb = new Clipboard(display);
            cb.setContents(new Object[] {currentSpec().toString()}, new Transfer[] {TextTransfer.getInstance()});
            cb.dispose();
        });
        GridDataFactory.fillDefaults().span(2, 1).applyTo(save);

        Composite right = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().applyTo(right);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(right);
        readout = new Label(right, SWT.WRAP);
        readout.setFont(org.eclipse.jface.resource.JFaceResources.getBannerFont());
        GridDataFactory.fillDefaults().grab(true, false).applyTo(readout);
        status = new Label(right, SWT.WRAP);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(status);
        SashForm charts = new SashForm(right, SWT.VERTICAL);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(charts);
        SashForm top = new SashForm(charts, SWT.HORIZONTAL);
        planeChart = new ChartCanvas(top, SWT.BORDER);
        planeChart.setChart(TunerCharts.plane(plane));
        sweepChart = new ChartCanvas(top, SWT.BORDER);
        sweepChart.setChart(TunerCharts.sweep(sweep));
        noiseChart = new ChartCanvas(charts, SWT.BORDER);
        noiseChart.setChart(TunerCharts.noiseChart(noise, "Per-token noise norms"));
        charts.setWeights(60, 40);

        MechanismSpec initial = MechanismSpec.defaults(MechanismSpec.PRIVTUNE);
        try {
            initial = MechanismSpec.parse(prefs.get("tuner.spec", initial.toString()));
        } catch (RuntimeException e) {
            // a preference from an older version: keep the defaults
        }
        sample.setSelection(prefs.getInt("tuner.sample", 32));
        budget = Math.min(8, sample.getSelection()); // the first point adapts it
        MechanismSelection.Settings s = new MechanismSelection.Settings(initial, prefs.getInt("tuner.split", 2));
        MechanismSelection.STUDIO.set(s, null);
        showSettings(MechanismSelection.STUDIO.get());
        MechanismSelection.STUDIO.addListener(selectionListener);
        StudioPreferences.node().addPreferenceChangeListener(prefListener);
        for (Control c : new Control[] {mechanism, eps, n, k, rho, keep, alpha, split, sample}) {
            c.addListener(SWT.Selection, e -> changed(c == mechanism));
        }
        setupEngine();
    }

    /** A label and its value on one row; the slider goes on the next, full width. */
    private static Label valueRow(Composite c, String label) {
        new Label(c, SWT.NONE).setText(label);
        Label l = new Label(c, SWT.RIGHT);
        GridDataFactory.fillDefaults().span(2, 1).grab(true, false).applyTo(l);
        return l;
    }

    private static PositionSlider slider(Composite c, int max) {
        PositionSlider s = new PositionSlider(c, max);
        GridDataFactory.fillDefaults().span(3, 1).grab(true, false).applyTo(s);
        return s;
    }

    private static Spinner spinner(Composite c, String label, int min, int max, int digits) {
        new Label(c, SWT.NONE).setText(label);
        Spinner s = new Spinner(c, SWT.BORDER);
        s.setDigits(digits);
        s.setMinimum(min);
        s.setMaximum(max);
        GridDataFactory.fillDefaults().span(2, 1).applyTo(s);
        return s;
    }

    /** eps slider position 0..100 maps to eps 0.1..100 on a log scale. */
    static double epsOf(int position) {
        return Math.pow(10, -1 + 3 * position / 100.0);
    }

    static int positionOf(double epsValue) {
        return (int) Math.round(Math.max(0, Math.min(100, (Math.log10(epsValue) + 1) * 100 / 3)));
    }

    /** Puts settings (from this view's preferences or another view) into the widgets without echo. */
    private void showSettings(MechanismSelection.Settings s) {
        if (mechanism.isDisposed()) {
            return;
        }
        updating = true;
        try {
            MechanismSpec spec = s.spec();
            mechanism.select(Math.max(0, Arrays.asList(MechanismSpec.NAMES).indexOf(spec.name())));
            eps.setSelection(positionOf(spec.eps()));
            n.setSelection(spec.n());
            k.setSelection(spec.k());
            rho.setSelection((int) Math.round(spec.rho() * 10));
            keep.setSelection((int) Math.round(spec.keep() * 100));
            if (MechanismSpec.PRIVTUNE_SWAP.equals(spec.name())) {
                validOptions = swapOptionsText(spec);
                swapOptions.setText(validOptions);
                swapOptions.setForeground(null);
            }
            alpha.setSelection((int) Math.round(spec.alpha() * 100));
            split.setSelection(s.split());
            updateLabels();
        } finally {
            updating = false;
        }
        if (engine != null) {
            changed(false);
        }
    }

    private void updateLabels() {
        MechanismSpec spec = currentSpec();
        epsValue.setText(String.format(Locale.ROOT, "%.3g", spec.eps()));
        alphaValue.setText(String.format(Locale.ROOT, "%.2f", spec.alpha()));
        String name = spec.name();
        boolean graph = name.equals(MechanismSpec.PRIVTUNE) || name.equals(MechanismSpec.PRIVTUNE_PLUS);
        n.setEnabled(graph);
        k.setEnabled(graph || name.equals(MechanismSpec.SANTEXT));
        rho.setEnabled(graph);
        alpha.setEnabled(graph || name.equals(MechanismSpec.SAP));
        eps.setEnabled(!name.equals(MechanismSpec.NONE));
        keep.setEnabled(name.equals(MechanismSpec.PRIVTUNE_SWAP));
        swapOptions.setEnabled(name.equals(MechanismSpec.PRIVTUNE_SWAP));
        specText.setText(spec.toString().replace(",", ", "));
        specText.getParent().layout(true);
    }

    /** The keys the swap options field accepts (the others have their own controls). */
    static final List<String> SWAP_OPTION_KEYS = List.of("pool", "kept", "prior", "shuffle", "poolcanon", "clusters", "tiers",
            "relevance", "window");
    private static final String SWAP_OPTIONS_TIP = "privtune-swap: further options as key=value pairs separated by commas:"
            + " pool (frequent types swapped among each other), kept (send, swap, freq, tier, canon), prior (pseudo count"
            + " of the relevance score), shuffle (1: tokens sent in a random order), poolcanon (1: the pool sent as its"
            + " most frequent type), clusters (K > 0: the other tokens sent as their reference-space cluster's most frequent"
            + " type), tiers (relevance tiers of kept=tier and kept=canon), relevance (train, imdb or both: where the"
            + " relevance behind the kept set is counted; imdb takes about a minute the first time), window (W > 0: with"
            + " shuffle=1, tokens shuffled within blocks of W only); docs/method.md 6.6";

    /** The swap options of {@code spec} as the field shows them (its defaults left out). */
    static String swapOptionsText(MechanismSpec spec) {
        MechanismSpec d = MechanismSpec.defaults(MechanismSpec.PRIVTUNE_SWAP);
        List<String> parts = new ArrayList<>();
        if (spec.pool() != d.pool()) {
            parts.add("pool=" + spec.pool());
        }
        if (!spec.kept().equals(d.kept())) {
            parts.add("kept=" + spec.kept());
        }
        if (spec.prior() != d.prior()) {
            parts.add(String.format(Locale.ROOT, "prior=%s", spec.prior()));
        }
        if (spec.shuffle() != d.shuffle()) {
            parts.add("shuffle=" + (spec.shuffle() ? 1 : 0));
        }
        if (spec.poolCanon() != d.poolCanon()) {
            parts.add("poolcanon=" + (spec.poolCanon() ? 1 : 0));
        }
        if (spec.clusters() != d.clusters()) {
            parts.add("clusters=" + spec.clusters());
        }
        if (spec.tiers() != d.tiers()) {
            parts.add("tiers=" + spec.tiers());
        }
        if (!spec.relevance().equals(d.relevance())) {
            parts.add("relevance=" + spec.relevance());
        }
        if (spec.window() != d.window()) {
            parts.add("window=" + spec.window());
        }
        return String.join(", ", parts);
    }

    /** Checks the swap options as they are typed; a valid text becomes the current one. */
    private void swapOptionsTyped() {
        if (updating) {
            return;
        }
        String text = swapOptions.getText();
        try {
            MechanismSpec.defaults(MechanismSpec.PRIVTUNE_SWAP).withOptions(text, SWAP_OPTION_KEYS, "swap options");
        } catch (InvalidInputException e) {
            swapOptions.setForeground(display.getSystemColor(SWT.COLOR_RED));
            swapOptions.setToolTipText(e.getMessage());
            setStatus(e.getMessage());
            return;
        }
        swapOptions.setForeground(null);
        swapOptions.setToolTipText(SWAP_OPTIONS_TIP);
        if (!text.equals(validOptions)) {
            validOptions = text;
            changed(false);
        }
    }

    /** The spec the widgets describe (defaults of the mechanism for every parameter not shown). */
    public MechanismSpec currentSpec() {
        String name = mechanism.getText().isEmpty() ? MechanismSpec.PRIVTUNE : mechanism.getText();
        MechanismSpec s = MechanismSpec.defaults(name);
        String src = "noise tuner";
        s = s.with("eps", Double.toString(epsOf(eps.getSelection())), src);
        s = s.with("n", Integer.toString(n.getSelection()), src);
        s = s.with("k", Integer.toString(k.getSelection()), src);
        s = s.with("rho", Double.toString(rho.getSelection() / 10.0), src);
        s = s.with("keep", Double.toString(keep.getSelection() / 100.0), src);
        if (MechanismSpec.PRIVTUNE_SWAP.equals(s.name())) {
            s = s.withOptions(validOptions, SWAP_OPTION_KEYS, "swap options"); // checked when typed
        }
        return s.with("alpha", Double.toString(alpha.getSelection() / 100.0), src);
    }

    private void changed(boolean mechanismChanged) {
        if (updating) {
            return;
        }
        if (mechanismChanged) {
            // each mechanism's eps lives on its own scale: start from its default
            updating = true;
            eps.setSelection(positionOf(MechanismSpec.defaults(mechanism.getText()).eps()));
            updating = false;
        }
        updateLabels();
        MechanismSpec spec = currentSpec();
        prefs.put("tuner.spec", spec.toString());
        prefs.putInt("tuner.split", split.getSelection());
        prefs.putInt("tuner.sample", sample.getSelection());
        MechanismSelection.STUDIO.set(new MechanismSelection.Settings(spec, split.getSelection()), selectionListener);
        TunerEngine e = engine;
        if (e == null || e.split() != split.getSelection() || spec.k() > e.graphK() || engineSample != sample.getSelection()) {
            setupEngine();
        } else {
            budget = Math.min(budget, sample.getSelection());
            schedulePoint();
        }
    }

    /** (Re)opens the engine for the split layer, graph degree and sample size of the widgets. */
    private void setupEngine() {
        cancel(setupJob, pointJob, refineJob, sweepJob);
        int layer = split.getSelection();
        int graphK = Math.max(TunerEngine.DEFAULT_GRAPH_K, k.getSelection());
        int sentences = sample.getSelection();
        String dataName = StudioPreferences.tunerDataset();
        java.nio.file.Path cacheDir = StudioPreferences.cacheDir();
        TunerEngine old = engine;
        engine = null;
        StudioEngine.set(null);
        setStatus("Preparing MiniLM at split layer " + layer + " (reference space and neighbour graph from the cache, "
                + "computed on first use)\u2026");
        setupJob = background("Noise Tuner: preparing split layer " + layer, 0, progress -> {
            if (old != null) {
                old.close();
            }
            Dataset d = DataCommands.defaults().load(dataName, progress);
            DatasetSplit parts = d.split(SplitSpec.DEFAULT);
            List<LabelledText> dev = MiniLmResources.labelled(d, parts.dev());
            if (dev.isEmpty()) {
                throw new InvalidInputException(dataName, 0, "dev split",
                        "the data set has no dev records for the Noise Tuner to sample (Window > Preferences)");
            }
            List<LabelledText> texts = dev.subList(0, Math.min(sentences, dev.size()));
            TunerEngine opened;
            try {
                opened = TunerEngine.open(layer, graphK, MiniLmResources.labelled(d, parts.train()),
                        d.labels().size(), texts, cacheDir, progress);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            // relevance=imdb|both: counted on IMDB sentences the first time a setting asks (about a minute)
            opened.setPublicRelevanceSource(p -> {
                try (org.privtune.model.TextTokenizer tok = org.privtune.model.TextTokenizer.miniLm(64, false)) {
                    return org.privtune.mechanism.PublicRelevance.build(d, tok, opened.resources().tokens(), p)
                            .relevance();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            return () -> {
                engine = opened;
                StudioEngine.set(opened);
                engineSample = sentences;
                dataset = dataName;
                budget = Math.min(Math.max(budget, MIN_BUDGET), sentences);
                setStatus(String.format(Locale.ROOT, "MiniLM split after layer %d; sample: %d dev sentences of %s",
                        layer, opened.sampleSentences(), dataName));
                schedulePoint();
            };
        });
    }

    private void schedulePoint() {
        TunerEngine e = engine;
        if (e == null) {
            return;
        }
        cancel(pointJob, refineJob, sweepJob);
        changedAt = System.nanoTime();
        MechanismSpec spec = currentSpec();
        int sentences = budget;
        pointJob = background("Noise Tuner: evaluating " + spec.name(), DEBOUNCE_MS, progress -> {
            TunerEngine.Point p = e.evaluate(spec, sentences, progress);
            return () -> showPoint(p);
        });
    }

    /**
     * The quick point (the sentences the latency budget allows) enters the plane and the readout at
     * once; then the whole sample refines it (probes included), then the eps sweep fills in.
     */
    private void showPoint(TunerEngine.Point p) {
        lastLatency = (System.nanoTime() - changedAt) / 1_000_000;
        latencies.add(lastLatency);
        XYSeries trail = plane.getSeries(0);
        XYSeries current = plane.getSeries(1);
        if (current.getItemCount() > 0) {
            trail.add(current.getX(0), current.getY(0));
            if (trail.getItemCount() > TRAIL) {
                trail.remove(0);
            }
        }
        showCurrent(p);
        // hold the target on what the user sees (change to point on screen: debounce, waiting for
        // a running evaluation to stop, the evaluation itself): fewer sentences when slow, more
        // (up to the chosen sample) when fast
        long target = StudioPreferences.targetMs();
        if (lastLatency > target && budget > MIN_BUDGET) {
            budget = Math.max(MIN_BUDGET, (int) (budget * 0.8 * target / lastLatency));
        } else if (lastLatency < target / 2 && budget < engineSample) {
            budget = Math.min(engineSample, budget * 2);
        }
        TunerEngine e = engine;
        if (e != null && p.sentences() < e.sampleSentences()) {
            scheduleRefine(e, p.spec());
        } else {
            scheduleSweep(p);
        }
    }

    /** The current point on the plane, the noise chart and the readout (no trail entry). */
    private void showCurrent(TunerEngine.Point p) {
        last = p;
        XYSeries current = plane.getSeries(1);
        current.clear();
        current.add(p.cosine(), p.top1());
        noise = TunerCharts.noiseNorms(p.noiseNorms(), 30);
        noiseChart.getChart().getXYPlot().setDataset(noise);
        noiseChart.getChart().setTitle(String.format(Locale.ROOT, "Per-token noise norms (mean %.2f over %d tokens)",
                mean(p.noiseNorms()), p.noiseNorms().length));
        List<String> estimates = new ArrayList<>();
        if (p.probe().available()) {
            estimates.add(String.format(Locale.ROOT, "label probe %.0f%% (majority %.0f%%)", 100 * p.probe().accuracy(),
                    100 * p.probe().majority()));
        }
        if (p.attribute().available()) {
            estimates.add(String.format(Locale.ROOT, "length-bucket probe %.0f%% (majority %.0f%%)",
                    100 * p.attribute().accuracy(), 100 * p.attribute().majority()));
        }
        String probes = estimates.isEmpty() ? "probes need " + TunerEngine.MIN_PROBE_SENTENCES + " sentences"
                : String.join("   ", estimates);
        TunerEngine e = engine;
        String sample = e != null && p.sentences() < e.sampleSentences()
                ? String.format(Locale.ROOT, "quick: %d sentences, refining on %d\u2026", p.sentences(), e.sampleSentences())
                : p.sentences() + " sentences";
        readout.setText(String.format(Locale.ROOT, "A1 top-1 %.1f%%   top-5 %.1f%%   utility: cosine %.3f, %s   [%s]",
                100 * p.top1(), 100 * p.top5(), p.cosine(), probes, sample));
        setStatus(String.format(Locale.ROOT, "%s \u00b7 plain NN top-1 %.1f%%, mechanism-aware %.1f%% \u00b7 %d tokens of %d "
                + "dev sentences \u00b7 computed in %d ms (%s); quick point shown %d ms after the change", p.spec().name(),
                100 * p.top1Plain(), 100 * p.top1Aware(), p.tokens(), p.sentences(), p.millis(), p.timing(), lastLatency));
        readout.getParent().layout(true);
    }

    /** The same setting on the whole sample; it replaces the quick point, then the sweep starts. */
    private void scheduleRefine(TunerEngine e, MechanismSpec spec) {
        refineJob = background("Noise Tuner: refining " + spec.name() + " on the whole sample", 0, progress -> {
            TunerEngine.Point p = e.evaluate(spec, e.sampleSentences(), progress);
            return () -> {
                if (last != null && last.spec().equals(spec)) {
                    showCurrent(p);
                    scheduleSweep(p);
                }
            };
        });
    }

    /**
     * Attack and utility for eps/8 .. 8 eps, the other settings fixed, on the sentences of {@code p}
     * (which is the eps-times-1 point); points appear as they come.
     */
    private void scheduleSweep(TunerEngine.Point center) {
        TunerEngine e = engine;
        MechanismSpec spec = center.spec();
        sweep.getSeries(0).clear();
        sweep.getSeries(1).clear();
        if (e == null || spec.name().equals(MechanismSpec.NONE)) {
            return;
        }
        sweepJob = background("Noise Tuner: eps sweep", 0, progress -> {
            progress.begin("eps sweep", SWEEP.length);
            for (double f : SWEEP) {
                progress.checkCancelled();
                MechanismSpec s = spec.with("eps", Double.toString(spec.eps() * f), "eps sweep");
                TunerEngine.Point p = f == 1 ? center : e.evaluate(s, center.sentences(), progress);
                display.asyncExec(() -> {
                    if (!sweepChart.isDisposed() && sameSweep(spec)) {
                        sweep.getSeries(0).addOrUpdate(p.spec().eps(), p.top1());
                        sweep.getSeries(1).addOrUpdate(p.spec().eps(), p.cosine());
                    }
                });
                progress.worked(1);
            }
            return () -> {
            };
        });
    }

    private boolean sameSweep(MechanismSpec spec) {
        return last != null && last.spec().equals(spec);
    }

    /** "Save as preset..." (button and Mechanism menu). */
    public void savePreset() {
        InputDialog d = new InputDialog(mechanism.getShell(), "Save as preset",
                "Name of the preset (letters, digits, - and _):", currentSpec().name().replace('+', 'p') + "-"
                        + String.format(Locale.ROOT, "eps%.3g", currentSpec().eps()).replace('.', '_'),
                v -> MechanismPresets.NAME.matcher(v).matches() ? null : "1-64 letters, digits, - and _ only");
        if (d.open() != Window.OK) {
            return;
        }
        storePreset(d.getValue());
    }

    /**
     * "Use for training": the settings become the preset {@value MechanismPresets#TRAINING}, which
     * {@code ./privtune train --mechanism @training} (and the training connector) picks up.
     */
    public void useForTraining() {
        Path file = storePreset(MechanismPresets.TRAINING);
        if (file != null) {
            setStatus("Saved " + file + " — train with: ./privtune train --data " + dataset
                    + " --mechanism @" + MechanismPresets.TRAINING + " --out <folder>");
        }
    }

    private Path storePreset(String name) {
        try {
            Path file = MechanismPresets.user().save(name, currentSpec(), split.getSelection());
            setStatus("Saved preset " + file + " (use it as --mechanism @" + name + ")");
            return file;
        } catch (IOException | RuntimeException e) {
            setStatus("Could not save the preset: " + e.getMessage());
            return null;
        }
    }

    private static double mean(float[] a) {
        double s = 0;
        for (float v : a) {
            s += v;
        }
        return a.length == 0 ? 0 : s / a.length;
    }

    private void cancel(Job... js) {
        ViewJobs.cancel(js);
    }

    private Job background(String name, long delayMs, java.util.function.Function<Progress, Runnable> work) {
        return jobs.schedule(name, delayMs, work);
    }

    private void ui(Runnable r) {
        jobs.ui(r);
    }

    private void setStatus(String text) {
        ViewJobs.showStatus(status, text);
    }

    @Focus
    public void setFocus() {
        mechanism.setFocus();
    }

    @PreDestroy
    public void dispose() {
        MechanismSelection.STUDIO.removeListener(selectionListener);
        StudioPreferences.node().removePreferenceChangeListener(prefListener);
        cancel(setupJob, pointJob, refineJob, sweepJob);
        try {
            prefs.flush();
        } catch (org.osgi.service.prefs.BackingStoreException e) {
            // preferences are a convenience
        }
        TunerEngine e = engine;
        engine = null;
        StudioEngine.set(null);
        if (e != null) {
            StudioEngine.closeLater("Noise Tuner: closing", e);
        }
    }

    // --- read by the UI tests -----------------------------------------------------------------

    /** True while a setup, point or sweep Job of this view has not finished. */
    public boolean isBusy() {
        return jobs.isBusy();
    }

    /** True while the current point on the whole sample is still to come (the sweep may still be running). */
    public boolean isPointPending() {
        TunerEngine e = engine;
        return e == null || pointJob == null || pointJob.getState() != Job.NONE
                || (refineJob != null && refineJob.getState() != Job.NONE) || last == null
                || !last.spec().equals(currentSpec()) || last.sentences() < e.sampleSentences();
    }

    public TunerEngine engine() {
        return engine;
    }

    public TunerEngine.Point lastPoint() {
        return last;
    }

    /** Milliseconds from the last change to its point on screen. */
    public long lastLatencyMs() {
        return lastLatency;
    }

    public List<Long> latencies() {
        return List.copyOf(latencies);
    }

    public XYSeriesCollection planeDataset() {
        return plane;
    }

    public XYSeriesCollection sweepDataset() {
        return sweep;
    }

    public XYIntervalSeriesCollection noiseDataset() {
        return noise;
    }

    public Text swapOptionsField() {
        return swapOptions;
    }

    public Combo mechanismCombo() {
        return mechanism;
    }


    /** For UI tests: the "Use for training" button. */
    public Button useForTrainingButton() {
        return use;
    }

    /** For UI tests: the split layer selected. */
    public int splitLayer() {
        return split.getSelection();
    }

    /** For UI tests: the readout line under the controls. */
    public String readoutText() {
        return readout.getText();
    }

    public PositionSlider epsScale() {
        return eps;
    }

    public Spinner splitSpinner() {
        return split;
    }
}
