package org.privtune.ui.tuner;

import java.util.Arrays;
import java.util.Locale;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeriesCollection;
import org.privtune.core.InvalidInputException;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.studio.MechanismSettings;
import org.privtune.ui.charts.ChartCanvas;
import org.privtune.ui.charts.TunerCharts;
import org.privtune.ui.jobs.ViewJobs;
import org.privtune.ui.prefs.StudioPreferences;
import org.privtune.ui.widgets.ModelPicker;
import org.privtune.ui.widgets.WidgetIds;

/**
 * The Noise Tuner's widgets: mechanism and parameters on the left, readout, status and the three
 * charts on the right. Knows the spec its widgets describe; the controller decides what a change
 * starts.
 */
final class NoiseTunerControls extends Composite {

    final Combo mechanism;
    final PositionSlider eps;
    private final Label epsValue;
    final Spinner n;
    final Spinner k;
    final Spinner rho;
    final Spinner keep;
    /** privtune-swap's other options, typed as key=value pairs; {@link #validOptions} is the last valid text. */
    final Text swapOptions;
    private String validOptions = "";
    final PositionSlider alpha;
    private final Label alphaValue;
    final ModelPicker model;
    final Spinner split;
    final Spinner sample;
    final Button save;
    final Button use;
    final Button copy;
    private final Label specText;
    /** Names the data set and the sample the points are measured on. */
    final Label evaluated;
    final Label readout;
    final Label status;
    final ChartCanvas planeChart;
    final ChartCanvas sweepChart;
    final ChartCanvas noiseChart;
    final XYSeriesCollection plane = TunerCharts.planeDataset();
    final XYSeriesCollection sweep = TunerCharts.sweepDataset();
    /** True while settings are put into the widgets: their events are no user change. */
    boolean updating;

    NoiseTunerControls(Composite parent) {
        super(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(2).margins(6, 6).applyTo(this);
        Group controls = new Group(this, SWT.NONE);
        controls.setText("Mechanism");
        GridLayoutFactory.swtDefaults().numColumns(3).applyTo(controls);
        GridDataFactory.fillDefaults().grab(false, true).hint(330, SWT.DEFAULT).applyTo(controls);

        mechanism = WidgetIds.name(new Combo(controls, SWT.READ_ONLY), "mechanism");
        mechanism.setItems(MechanismSpec.NAMES);
        GridDataFactory.fillDefaults().span(3, 1).applyTo(mechanism);
        epsValue = valueRow(controls, "eps");
        eps = WidgetIds.name(slider(controls, 100), "eps");
        eps.setToolTipText("Privacy parameter on a log scale from 0.1 to 100 (smaller: more noise)");
        n = WidgetIds.name(spinner(controls, "n (hops)", 1, 4, 0), "n");
        k = WidgetIds.name(spinner(controls, "k (graph degree)", 1, 32, 0), "k");
        rho = WidgetIds.name(spinner(controls, "norm budget \u03c1", 0, 500, 1), "rho");
        keep = WidgetIds.name(spinner(controls, "kept share % (swap)", 0, 100, 0), "keep");
        keep.setToolTipText("privtune-swap: share of training tokens (the most label-informative types) left unsubstituted");
        new Label(controls, SWT.NONE).setText("swap options");
        swapOptions = WidgetIds.name(new Text(controls, SWT.BORDER), "swapOptions");
        swapOptions.setMessage("e.g. pool=200, kept=canon, poolcanon=1, shuffle=1, clusters=30");
        swapOptions.setToolTipText(SwapOptions.TIP);
        GridDataFactory.fillDefaults().span(2, 1).grab(true, false).applyTo(swapOptions);
        alphaValue = valueRow(controls, "importance \u03b1");
        alpha = WidgetIds.name(slider(controls, 95), "alpha");
        new Label(controls, SWT.NONE).setText("model");
        model = new ModelPicker(controls, "model", StudioPreferences.defaultModel());
        GridDataFactory.fillDefaults().span(2, 1).grab(true, false).applyTo(model.combo());
        split = WidgetIds.name(spinner(controls, "split layer", 0, model.selection().config().layers(), 0), "split");
        model.onChange(m -> split.setMaximum(m.config().layers()));
        sample = WidgetIds.name(spinner(controls, "sample (dev sentences)", 4, 256, 0), "sample");
        sample.setToolTipText("Largest sample; the first point after a change uses fewer when the refresh target "
                + "(Window > Preferences, default " + StudioPreferences.DEFAULT_TARGET_MS + " ms) asks for it");
        specText = WidgetIds.name(new Label(controls, SWT.WRAP), "spec");
        GridDataFactory.fillDefaults().span(3, 1).grab(true, false).hint(240, SWT.DEFAULT).applyTo(specText);
        save = WidgetIds.name(new Button(controls, SWT.PUSH), "savePreset");
        save.setText("Save as preset\u2026");
        save.setToolTipText("Save the settings as a named preset (~/.privtune/presets/NAME.properties); "
                + "./privtune train --mechanism @NAME uses it");
        use = WidgetIds.name(new Button(controls, SWT.PUSH), "useForTraining");
        use.setText("Use for training");
        use.setToolTipText("Save the settings as the preset 'training' that ./privtune train --mechanism @training uses");
        copy = WidgetIds.name(new Button(controls, SWT.PUSH), "copySpec");
        copy.setText("Copy spec");
        copy.setToolTipText("Copy the mechanism spec, as --mechanism of the command line accepts it");
        GridDataFactory.fillDefaults().span(2, 1).applyTo(save);

        Composite right = new Composite(this, SWT.NONE);
        GridLayoutFactory.fillDefaults().applyTo(right);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(right);
        evaluated = WidgetIds.name(new Label(right, SWT.WRAP), "evaluated");
        evaluated.setText("Data set: " + StudioPreferences.tunerDataset() + " (preparing the sample\u2026)");
        evaluated.setToolTipText("The data set whose dev split the points are measured on (Window > Preferences) "
                + "and the sentences of the sample");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(evaluated);
        readout = WidgetIds.name(new Label(right, SWT.WRAP), "readout");
        readout.setFont(JFaceResources.getBannerFont());
        GridDataFactory.fillDefaults().grab(true, false).applyTo(readout);
        status = WidgetIds.name(new Label(right, SWT.WRAP), "status");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(status);
        SashForm charts = new SashForm(right, SWT.VERTICAL);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(charts);
        SashForm top = new SashForm(charts, SWT.HORIZONTAL);
        planeChart = WidgetIds.name(new ChartCanvas(top, SWT.BORDER), "planeChart");
        planeChart.setChart(TunerCharts.plane(plane));
        planeChart.setDefaultFileName("privacy-utility");
        sweepChart = WidgetIds.name(new ChartCanvas(top, SWT.BORDER), "sweepChart");
        sweepChart.setChart(TunerCharts.sweep(sweep));
        sweepChart.setDefaultFileName("against-eps");
        noiseChart = WidgetIds.name(new ChartCanvas(charts, SWT.BORDER), "noiseChart");
        noiseChart.setChart(TunerCharts.noiseChart(TunerCharts.noiseNorms(new float[0], 1), "Per-token noise norms"));
        noiseChart.setDefaultFileName("noise-norms");
        charts.setWeights(60, 40);
    }

    /** The data set and sample line: {@code actual} dev sentences of {@code dataset}, {@code asked} wanted. */
    void showEvaluated(String dataset, int actual, int asked) {
        String text = String.format(Locale.ROOT, "Data set: %s \u00b7 sample: %d dev sentences", dataset, actual);
        if (actual < asked) {
            text += String.format(Locale.ROOT, " (its dev split has only %d of the %d asked for; figures on so few "
                    + "sentences are rough)", actual, asked);
        }
        evaluated.setText(text);
        evaluated.getParent().layout(true);
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

    /** Puts settings into the widgets without their change events counting as the user's. */
    void show(MechanismSettings s) {
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
                validOptions = SwapOptions.text(spec);
                swapOptions.setText(validOptions);
                swapOptions.setForeground(null);
            }
            alpha.setSelection((int) Math.round(spec.alpha() * 100));
            split.setSelection(s.split());
            updateLabels();
        } finally {
            updating = false;
        }
    }

    /** The eps slider at the default of the selected mechanism (each mechanism's eps has its own scale). */
    void resetEps() {
        updating = true;
        eps.setSelection(positionOf(MechanismSpec.defaults(mechanism.getText()).eps()));
        updating = false;
    }

    /** Value labels, the enabled parameters of the mechanism and the spec line. */
    void updateLabels() {
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

    /**
     * Checks the swap options as typed: a refused text is marked red with the reason as tooltip and
     * status; a valid one becomes the current one. True if the valid text changed.
     */
    boolean swapOptionsTyped() {
        if (updating) {
            return false;
        }
        String text = swapOptions.getText();
        try {
            MechanismSpec.defaults(MechanismSpec.PRIVTUNE_SWAP).withOptions(text, SwapOptions.KEYS, "swap options");
        } catch (InvalidInputException e) {
            swapOptions.setForeground(getDisplay().getSystemColor(SWT.COLOR_RED));
            swapOptions.setToolTipText(e.getMessage());
            setStatus(e.getMessage());
            return false;
        }
        swapOptions.setForeground(null);
        swapOptions.setToolTipText(SwapOptions.TIP);
        if (text.equals(validOptions)) {
            return false;
        }
        validOptions = text;
        return true;
    }

    /** The spec the widgets describe (defaults of the mechanism for every parameter not shown). */
    MechanismSpec currentSpec() {
        String name = mechanism.getText().isEmpty() ? MechanismSpec.PRIVTUNE : mechanism.getText();
        MechanismSpec s = MechanismSpec.defaults(name);
        String src = "noise tuner";
        s = s.with("eps", Double.toString(epsOf(eps.getSelection())), src);
        s = s.with("n", Integer.toString(n.getSelection()), src);
        s = s.with("k", Integer.toString(k.getSelection()), src);
        s = s.with("rho", Double.toString(rho.getSelection() / 10.0), src);
        s = s.with("keep", Double.toString(keep.getSelection() / 100.0), src);
        if (MechanismSpec.PRIVTUNE_SWAP.equals(s.name())) {
            s = s.withOptions(validOptions, SwapOptions.KEYS, "swap options"); // checked when typed
        }
        return s.with("alpha", Double.toString(alpha.getSelection() / 100.0), src);
    }

    /** The noise chart for the norms of one point. */
    void showNoise(float[] norms, String title) {
        XYIntervalSeriesCollection noise = TunerCharts.noiseNorms(norms, 30);
        noiseChart.getChart().getXYPlot().setDataset(noise);
        noiseChart.getChart().setTitle(title);
    }

    void setStatus(String text) {
        ViewJobs.showStatus(status, text);
    }
}
