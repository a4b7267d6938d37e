package org.privtune.ui.experiments;

import java.util.List;

import org.eclipse.core.runtime.preferences.IEclipsePreferences;
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
import org.eclipse.swt.widgets.ProgressBar;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.privtune.mechanism.MechanismPresets;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.ui.charts.ChartCanvas;
import org.privtune.ui.jobs.ViewJobs;
import org.privtune.ui.prefs.StudioPreferences;
import org.privtune.ui.widgets.ModelPicker;
import org.privtune.ui.widgets.WidgetIds;

/**
 * The Experiments view's widgets: the experiment's settings, Run and Cancel, progress and log on
 * the left; the runs history, then the selected run's results table and chart on the right.
 */
final class ExperimentsControls extends Composite {

    /** The charts the view offers: a frontier per attack, and two metrics against eps. */
    static final String[] CHARTS = {"Inversion ASR vs utility", "A1 nearest neighbour vs utility",
        "A2 learned inversion vs utility", "A3 optimisation inversion vs utility", "B1 source inference vs utility",
        "Test accuracy vs eps", "Inversion ASR vs eps"};

    final Combo data;
    final ModelPicker model;
    final Spinner split;
    final Button quick;
    final Button full;
    final Spinner sample;
    final Spinner seeds;
    final Table mechanisms;
    final Text eps;
    final Label grid;
    final Button run;
    final Button cancel;
    final ProgressBar bar;
    private final Label status;
    final Text log;
    final Table runs;
    final Button openFolder;
    final Button copyPath;
    final Button resume;
    final Button refresh;
    final Table results;
    final Combo chartChoice;
    final ChartCanvas chart;

    ExperimentsControls(Composite parent, IEclipsePreferences prefs, List<String> dataNames, String dataDefault) {
        super(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(2).margins(6, 6).applyTo(this);
        Composite left = new Composite(this, SWT.NONE);
        GridLayoutFactory.fillDefaults().applyTo(left);
        GridDataFactory.fillDefaults().grab(false, true).hint(340, SWT.DEFAULT).applyTo(left);
        Group settings = new Group(left, SWT.NONE);
        settings.setText("Experiment");
        GridLayoutFactory.swtDefaults().numColumns(2).applyTo(settings);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(settings);

        label(settings, "data set");
        data = WidgetIds.name(new Combo(settings, SWT.DROP_DOWN), "data");
        data.setToolTipText("The victim's labelled data: a built-in set, a recent import or a file the importer reads");
        data.setItems(dataNames.toArray(String[]::new));
        data.setText(prefs.get("experiments.data", dataDefault));
        GridDataFactory.fillDefaults().grab(true, false).applyTo(data);
        label(settings, "model");
        model = new ModelPicker(settings, "model", prefs.get("experiments.model", StudioPreferences.defaultModel()));
        GridDataFactory.fillDefaults().grab(true, false).applyTo(model.combo());
        split = spinner(settings, "split layer", "split", 0, model.selection().config().layers(),
                prefs.getInt("experiments.split", 2));
        split.setToolTipText("The device runs the model's embeddings and the layers below it");
        model.onChange(m -> split.setMaximum(m.config().layers()));

        label(settings, "configuration");
        Composite which = new Composite(settings, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(2).applyTo(which);
        quick = WidgetIds.name(new Button(which, SWT.RADIO), "quick");
        quick.setText("quick");
        quick.setToolTipText("400 training sentences, 1 epoch, 150 test sentences, smaller attacks: minutes per setting");
        full = WidgetIds.name(new Button(which, SWT.RADIO), "full");
        full.setText("full");
        full.setToolTipText("Every sentence, 3 epochs, 3,000 auxiliary sentences for the attacker: the published tables");
        boolean wasQuick = prefs.getBoolean("experiments.quick", true);
        quick.setSelection(wasQuick);
        full.setSelection(!wasQuick);
        sample = spinner(settings, "sample (records, 0: all)", "sample", 0, 1_000_000,
                prefs.getInt("experiments.sample", 0));
        sample.setToolTipText("The victim's data as a fixed sample of this many records of the data set (--sample)");
        seeds = spinner(settings, "seeds per setting", "seeds", 1, 10, prefs.getInt("experiments.seeds", 1));

        Label mechLabel = new Label(settings, SWT.NONE);
        mechLabel.setText("mechanisms and presets");
        GridDataFactory.fillDefaults().span(2, 1).applyTo(mechLabel);
        mechanisms = WidgetIds.name(new Table(settings, SWT.CHECK | SWT.BORDER | SWT.V_SCROLL | SWT.FULL_SELECTION),
                "mechanisms");
        mechanisms.setToolTipText("Each checked entry runs per eps and seed (none once per seed); a preset brings its"
                + " parameters, its eps comes from the eps field");
        GridDataFactory.fillDefaults().span(2, 1).grab(true, false).hint(SWT.DEFAULT, 150).applyTo(mechanisms);
        mechanisms.setHeaderVisible(true);
        new TableColumn(mechanisms, SWT.LEFT).setText("entry");
        new TableColumn(mechanisms, SWT.LEFT).setText("what it is");
        List<String> checked = List.of(prefs.get("experiments.mechanisms", "none,dchi,privtune").split(","));
        for (String name : MechanismSpec.NAMES) {
            TableItem item = new TableItem(mechanisms, SWT.NONE);
            item.setText(new String[] {name, "the mechanism with its default parameters"});
            item.setChecked(checked.contains(name));
        }
        for (MechanismPresets.BuiltIn b : MechanismPresets.BUILT_IN) {
            if (!MechanismSpec.NONE.equals(b.name())) {
                TableItem item = new TableItem(mechanisms, SWT.NONE);
                item.setText(new String[] {"@" + b.name(), "preset: " + b.description()});
                item.setChecked(checked.contains("@" + b.name()));
            }
        }
        for (TableColumn c : mechanisms.getColumns()) {
            c.pack();
        }
        label(settings, "eps");
        eps = WidgetIds.name(new Text(settings, SWT.BORDER), "eps");
        eps.setText(prefs.get("experiments.eps", "8, 32"));
        eps.setToolTipText("Eps values of every mechanism but none, separated by ','");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(eps);
        grid = WidgetIds.name(new Label(settings, SWT.WRAP), "grid");
        GridDataFactory.fillDefaults().span(2, 1).grab(true, false).hint(300, SWT.DEFAULT).applyTo(grid);
        Composite buttons = new Composite(settings, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(2).applyTo(buttons);
        GridDataFactory.fillDefaults().span(2, 1).applyTo(buttons);
        run = WidgetIds.name(new Button(buttons, SWT.PUSH), "run");
        run.setText("Run");
        run.setToolTipText("Runs the grid as ./privtune experiment does, into a new folder of the state folder");
        cancel = WidgetIds.name(new Button(buttons, SWT.PUSH), "cancel");
        cancel.setText("Cancel");
        cancel.setEnabled(false);

        bar = WidgetIds.name(new ProgressBar(left, SWT.HORIZONTAL | SWT.SMOOTH), "progress");
        bar.setMaximum(1000);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(bar);
        status = WidgetIds.name(new Label(left, SWT.WRAP), "status");
        GridDataFactory.fillDefaults().grab(true, false).hint(300, SWT.DEFAULT).applyTo(status);
        log = WidgetIds.name(new Text(left, SWT.MULTI | SWT.READ_ONLY | SWT.V_SCROLL | SWT.WRAP | SWT.BORDER), "log");
        log.setFont(JFaceResources.getTextFont());
        GridDataFactory.fillDefaults().grab(true, true).hint(300, 80).applyTo(log);

        SashForm right = new SashForm(this, SWT.VERTICAL);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(right);
        Group history = new Group(right, SWT.NONE);
        history.setText("Runs (select two experiments to compare them)");
        GridLayoutFactory.swtDefaults().numColumns(5).applyTo(history);
        runs = WidgetIds.name(new Table(history, SWT.MULTI | SWT.BORDER | SWT.FULL_SELECTION | SWT.V_SCROLL), "runs");
        runs.setHeaderVisible(true);
        runs.setLinesVisible(true);
        GridDataFactory.fillDefaults().span(5, 1).grab(true, true).applyTo(runs);
        for (String[] c : new String[][] {{"started", "125"}, {"kind", "90"}, {"status", "80"}, {"what", "220"},
            {"result", "420"}, {"from", "90"}}) {
            TableColumn col = new TableColumn(runs, SWT.LEFT);
            col.setText(c[0]);
            col.setWidth(Integer.parseInt(c[1]));
        }
        openFolder = WidgetIds.name(button(history, "Open Folder", "Opens the run's folder (the exported model, or"
                + " the experiment's tables and charts) with the desktop's file manager"), "openFolder");
        copyPath = WidgetIds.name(button(history, "Copy Path", "Copies the run's folder to the clipboard"), "copyPath");
        resume = WidgetIds.name(button(history, "Resume", "Runs the settings a cancelled or failed experiment did not"
                + " finish, in its folder"), "resume");
        refresh = WidgetIds.name(button(history, "Refresh", "Reads the runs history again"), "refresh");

        SashForm lower = new SashForm(right, SWT.HORIZONTAL);
        results = WidgetIds.name(new Table(lower, SWT.BORDER | SWT.FULL_SELECTION | SWT.V_SCROLL | SWT.H_SCROLL),
                "results");
        results.setHeaderVisible(true);
        results.setLinesVisible(true);
        Composite chartSide = new Composite(lower, SWT.NONE);
        GridLayoutFactory.fillDefaults().applyTo(chartSide);
        chartChoice = WidgetIds.name(new Combo(chartSide, SWT.DROP_DOWN | SWT.READ_ONLY), "chart");
        chartChoice.setItems(CHARTS);
        chartChoice.select(0);
        chart = WidgetIds.name(new ChartCanvas(chartSide, SWT.BORDER), "frontierChart");
        chart.setDefaultFileName("frontier");
        GridDataFactory.fillDefaults().grab(true, true).applyTo(chart);
        lower.setWeights(55, 45);
        right.setWeights(38, 62);
    }

    private static void label(Composite c, String text) {
        new Label(c, SWT.NONE).setText(text);
    }

    /** A labelled spinner named {@code id}, its value clamped into [min, max]. */
    private static Spinner spinner(Composite c, String text, String id, int min, int max, int value) {
        label(c, text);
        Spinner s = WidgetIds.name(new Spinner(c, SWT.BORDER), id);
        s.setMinimum(min);
        s.setMaximum(max);
        s.setSelection(Math.max(min, Math.min(max, value)));
        s.setPageIncrement(10);
        return s;
    }

    private static Button button(Composite c, String text, String tip) {
        Button b = new Button(c, SWT.PUSH);
        b.setText(text);
        b.setToolTipText(tip);
        b.setEnabled(false);
        return b;
    }

    /** The checked entries of the mechanism table, in its order. */
    List<String> checkedMechanisms() {
        List<String> out = new java.util.ArrayList<>();
        for (TableItem i : mechanisms.getItems()) {
            if (i.getChecked()) {
                out.add(i.getText());
            }
        }
        return out;
    }

    /** Replaces the results table's columns and rows. */
    void showResults(String[] columns, List<String[]> rows) {
        results.setRedraw(false);
        try {
            results.removeAll();
            for (TableColumn c : results.getColumns()) {
                c.dispose();
            }
            for (String c : columns) {
                TableColumn col = new TableColumn(results, SWT.LEFT);
                col.setText(c);
            }
            for (String[] r : rows) {
                new TableItem(results, SWT.NONE).setText(r);
            }
            for (TableColumn c : results.getColumns()) {
                c.pack();
                c.setWidth(Math.max(c.getWidth(), 60));
            }
        } finally {
            results.setRedraw(true);
        }
    }

    void setStatus(String text, boolean error) {
        if (!status.isDisposed()) {
            status.setForeground(error ? getDisplay().getSystemColor(SWT.COLOR_RED) : null);
            ViewJobs.showStatus(status, text);
        }
    }

    String statusText() {
        return status.getText();
    }
}
