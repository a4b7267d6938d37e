package org.privtune.ui.tuner;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeriesCollection;
import org.privtune.core.InvalidInputException;
import org.privtune.mechanism.MechanismParameter;
import org.privtune.mechanism.MechanismParameters;
import org.privtune.mechanism.MechanismPresets;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.Mechanisms;
import org.privtune.studio.MechanismSettings;
import org.privtune.ui.charts.ChartCanvas;
import org.privtune.ui.charts.TunerCharts;
import org.privtune.ui.jobs.ViewJobs;
import org.privtune.ui.prefs.StudioPreferences;
import org.privtune.ui.widgets.ModelPicker;
import org.privtune.ui.widgets.PresetPicker;
import org.privtune.ui.widgets.WidgetIds;

/**
 * The Noise Tuner's widgets: mechanism, preset picker and the mechanism's own parameters on the
 * left (built from {@link MechanismParameters}: the common ones, then the rare ones under
 * "Advanced", each with its tooltip, numbers rounded), readout, status and the three charts on the
 * right. Knows the spec its widgets describe; the controller decides what a change starts.
 */
final class NoiseTunerControls extends Composite {

    final Combo mechanism;
    /** The presets: the studio's own and the user's; picking one fills the controls. */
    final PresetPicker presets;
    /** What the picked preset protects and costs. */
    private final Label presetInfo;
    /** The selected mechanism's common parameters, rebuilt when the mechanism changes. */
    private final Composite parameters;
    /** Shows or hides {@link #advanced}. */
    final Button advancedToggle;
    /** The selected mechanism's rare parameters, collapsed until opened. */
    private final Composite advanced;
    private boolean advancedOpen;
    /** The parameter controls of the selected mechanism by key. */
    private final Map<String, Control> parameterControls = new LinkedHashMap<>();
    /** The mechanism whose controls are built. */
    private String built = "";
    /** The settings last put into the widgets; user changes apply over them. */
    private MechanismSpec base = MechanismSpec.defaults(MechanismSpec.PRIVTUNE);
    /** The parameters the user changed since {@link #base}. */
    private final Set<String> touched = new LinkedHashSet<>();
    /** The spec the widgets describe (the last accepted change). */
    private MechanismSpec spec = base;
    /** Called after every accepted change of the mechanism or a parameter. */
    Runnable onChange = () -> { };
    final ModelPicker model;
    final Spinner split;
    final Spinner sample;
    final Button save;
    final Button use;
    final Button copy;
    private final Label specText;
    /** Names the data set and sample the points are measured on. */
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
        mechanism.setToolTipText("The mechanism on the device; only its own parameters are shown (docs/method.md)");
        GridDataFactory.fillDefaults().span(3, 1).applyTo(mechanism);
        mechanism.addListener(SWT.Selection, e -> mechanismChosen());
        presets = new PresetPicker(controls, "preset");
        GridDataFactory.fillDefaults().span(3, 1).grab(true, false).hint(200, SWT.DEFAULT).applyTo(presets.combo());
        presetInfo = WidgetIds.name(new Label(controls, SWT.WRAP), "presetInfo");
        GridDataFactory.fillDefaults().span(3, 1).grab(true, false).hint(240, SWT.DEFAULT).applyTo(presetInfo);
        parameters = WidgetIds.name(new Composite(controls, SWT.NONE), "parameters");
        GridLayoutFactory.fillDefaults().numColumns(3).applyTo(parameters);
        GridDataFactory.fillDefaults().span(3, 1).grab(true, false).applyTo(parameters);
        advancedToggle = WidgetIds.name(new Button(controls, SWT.PUSH | SWT.FLAT), "advancedToggle");
        advancedToggle.setToolTipText("The mechanism's rare knobs; their defaults are what the results used");
        GridDataFactory.fillDefaults().span(3, 1).align(SWT.BEGINNING, SWT.CENTER).applyTo(advancedToggle);
        advancedToggle.addListener(SWT.Selection, e -> {
            advancedOpen = !advancedOpen;
            showAdvanced();
        });
        advanced = WidgetIds.name(new Composite(controls, SWT.NONE), "advanced");
        GridLayoutFactory.fillDefaults().numColumns(3).applyTo(advanced);
        GridDataFactory.fillDefaults().span(3, 1).grab(true, false).applyTo(advanced);
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
        build(base);

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

    private static Spinner spinner(Composite c, String label, int min, int max, int digits) {
        new Label(c, SWT.NONE).setText(label);
        Spinner s = new Spinner(c, SWT.BORDER);
        s.setDigits(digits);
        s.setMinimum(min);
        s.setMaximum(max);
        GridDataFactory.fillDefaults().span(2, 1).applyTo(s);
        return s;
    }

    /** eps slider position 0..100 maps to eps 0.1..100 on a log scale, to three significant digits. */
    static double epsOf(int position) {
        double e = Math.pow(10, -1 + 3 * position / 100.0);
        return new BigDecimal(e).round(new MathContext(3)).doubleValue();
    }

    static int positionOf(double epsValue) {
        return (int) Math.round(Math.max(0, Math.min(100, (Math.log10(epsValue) + 1) * 100 / 3)));
    }

    /** Puts settings into the widgets without their change events counting as the user's. */
    void show(MechanismSettings s) {
        updating = true;
        try {
            build(s.spec());
            split.setSelection(s.split());
        } finally {
            updating = false;
        }
    }

    /** A preset's settings into the widgets, its one line under the picker. */
    void showPreset(MechanismPresets.Preset p) {
        show(new MechanismSettings(p.spec(), p.split()));
        presets.show(p.name());
        presetInfo.setText(PresetPicker.describe(p.name()));
        presetInfo.getParent().layout(true);
    }

    /**
     * Another mechanism chosen: its defaults, keeping the common knobs it shares with the last one
     * (n, k, rho, alpha) but not eps, whose scale differs between mechanisms.
     */
    private void mechanismChosen() {
        if (updating || mechanism.getText().equals(spec.name())) {
            return;
        }
        MechanismSpec next = MechanismSpec.defaults(mechanism.getText());
        for (String key : new String[] {"n", "k", "rho", "alpha"}) {
            if (MechanismParameters.has(spec.name(), key)) {
                next = next.with(key, spec.value(key), "noise tuner");
            }
        }
        updating = true;
        try {
            build(next);
        } finally {
            updating = false;
        }
        presets.show(null);
        presetInfo.setText("");
        onChange.run();
    }

    /**
     * The widgets for {@code s}: the mechanism's own parameters (rebuilt when the mechanism
     * changes), each set to the spec's value, the rare ones under Advanced.
     */
    private void build(MechanismSpec s) {
        base = s;
        spec = s;
        touched.clear();
        mechanism.select(Math.max(0, Arrays.asList(MechanismSpec.NAMES).indexOf(s.name())));
        if (!s.name().equals(built)) {
            for (Control c : parameters.getChildren()) {
                c.dispose();
            }
            for (Control c : advanced.getChildren()) {
                c.dispose();
            }
            parameterControls.clear();
            int rare = 0;
            for (MechanismParameter p : MechanismParameters.of(s.name())) {
                parameterControls.put(p.key(), parameterRow(p.advanced() ? advanced : parameters, p));
                rare += p.advanced() ? 1 : 0;
            }
            if (parameterControls.isEmpty()) {
                Label none = new Label(parameters, SWT.WRAP);
                none.setText("no parameters: the representations leave the device as computed");
                GridDataFactory.fillDefaults().span(3, 1).grab(true, false).hint(240, SWT.DEFAULT).applyTo(none);
            }
            advancedToggle.setData("count", rare);
            built = s.name();
        }
        for (MechanismParameter p : MechanismParameters.of(s.name())) {
            setValue(p, parameterControls.get(p.key()), s.value(p.key()));
        }
        showAdvanced();
        updateLabels();
    }

    private void showAdvanced() {
        int rare = advancedToggle.getData("count") instanceof Integer n ? n : 0;
        advancedToggle.setText((advancedOpen ? "\u25be" : "\u25b8") + " Advanced (" + rare + ")");
        advancedToggle.setVisible(rare > 0);
        ((GridData) advancedToggle.getLayoutData()).exclude = rare == 0;
        advanced.setVisible(advancedOpen && rare > 0);
        ((GridData) advanced.getLayoutData()).exclude = !(advancedOpen && rare > 0);
        layout(true, true);
    }

    /** A label and the control of one parameter (the eps slider under its label and value). */
    private Control parameterRow(Composite c, MechanismParameter p) {
        Label label = new Label(c, SWT.NONE);
        label.setText(p.label());
        label.setToolTipText(p.describe());
        Control control;
        switch (p.kind()) {
            case REAL -> {
                if (p.logScale()) {
                    Label value = WidgetIds.name(new Label(c, SWT.RIGHT), p.key() + ".value");
                    GridDataFactory.fillDefaults().span(2, 1).grab(true, false).applyTo(value);
                    PositionSlider slider = new PositionSlider(c, 100);
                    GridDataFactory.fillDefaults().span(3, 1).grab(true, false).applyTo(slider);
                    slider.addListener(SWT.Selection, e -> typed(p.key()));
                    control = slider;
                } else {
                    Spinner sp = new Spinner(c, SWT.BORDER);
                    sp.setDigits(p.digits());
                    double scale = Math.pow(10, p.digits());
                    sp.setMinimum((int) Math.round(p.min() * scale));
                    sp.setMaximum((int) Math.round(p.max() * scale));
                    sp.setIncrement(Math.max(1, (int) Math.round(p.step() * scale)));
                    GridDataFactory.fillDefaults().span(2, 1).applyTo(sp);
                    sp.addListener(SWT.Selection, e -> typed(p.key()));
                    control = sp;
                }
            }
            case INTEGER -> {
                Spinner sp = new Spinner(c, SWT.BORDER);
                sp.setMinimum((int) p.min());
                sp.setMaximum((int) p.max());
                sp.setPageIncrement(Math.max(10, (int) (p.max() - p.min()) / 10));
                GridDataFactory.fillDefaults().span(2, 1).applyTo(sp);
                sp.addListener(SWT.Selection, e -> typed(p.key()));
                control = sp;
            }
            case FLAG -> {
                Button b = new Button(c, SWT.CHECK);
                GridDataFactory.fillDefaults().span(2, 1).applyTo(b);
                b.addListener(SWT.Selection, e -> typed(p.key()));
                control = b;
            }
            case CHOICE -> {
                Combo combo = new Combo(c, SWT.READ_ONLY);
                combo.setItems(p.choices().toArray(String[]::new));
                GridDataFactory.fillDefaults().span(2, 1).applyTo(combo);
                combo.addListener(SWT.Selection, e -> typed(p.key()));
                control = combo;
            }
            case SEED -> {
                Text t = new Text(c, SWT.BORDER);
                t.setMessage("secret");
                GridDataFactory.fillDefaults().span(2, 1).grab(true, false).applyTo(t);
                t.addListener(SWT.Modify, e -> typed(p.key()));
                control = t;
            }
            default -> throw new IllegalStateException(p.kind().toString());
        }
        control.setToolTipText(p.describe());
        control.setData(MechanismParameter.class.getName(), p);
        return WidgetIds.name(control, p.key());
    }

    private void setValue(MechanismParameter p, Control c, String value) {
        switch (c) {
            case PositionSlider s -> s.setSelection(positionOf(Double.parseDouble(value)));
            case Spinner s -> s.setSelection((int) Math.round(Double.parseDouble(value) * Math.pow(10, s.getDigits())));
            case Button b -> b.setSelection("1".equals(value));
            case Combo combo -> combo.select(Math.max(0, p.choices().indexOf(value)));
            case Text t -> t.setText(value);
            default -> throw new IllegalStateException(c.toString());
        }
    }

    /** The value of a parameter control as the text spec writes it. */
    private static String valueOf(Control c) {
        return switch (c) {
            case PositionSlider s -> Double.toString(epsOf(s.getSelection()));
            case Spinner s -> BigDecimal.valueOf(s.getSelection(), s.getDigits()).toPlainString();
            case Button b -> b.getSelection() ? "1" : "0";
            case Combo combo -> combo.getText();
            case Text t -> t.getText().trim();
            default -> throw new IllegalStateException(c.toString());
        };
    }

    /**
     * A parameter control changed: every parameter the user changed since the settings were put
     * in is applied over them (so that a pair such as pool and poolcanon may be set one after the
     * other); a refused combination names the parameter in the status line and changes nothing.
     */
    private void typed(String key) {
        if (updating) {
            return;
        }
        touched.add(key);
        MechanismSpec next = base;
        try {
            for (String k : touched) {
                next = next.with(k, valueOf(parameterControls.get(k)), "noise tuner");
            }
            Mechanisms.validate(next);
        } catch (InvalidInputException e) {
            setStatus("Not applied: " + e.getMessage());
            return;
        }
        spec = next;
        updateLabels();
        onChange.run();
    }

    /** The eps value next to its slider and the spec line, both rounded. */
    void updateLabels() {
        Control epsValue = WidgetIds.find(parameters, "eps.value");
        if (epsValue instanceof Label l) {
            l.setText(MechanismSpec.round(Double.toString(spec.eps())));
        }
        specText.setText(spec.toShortString().replace(",", ", "));
        specText.setToolTipText("As --mechanism takes it; in full: " + spec);
        specText.getParent().layout(true);
    }

    /** The spec the widgets describe. */
    MechanismSpec currentSpec() {
        return spec;
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
