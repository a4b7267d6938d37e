package org.privtune.ui.training;

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
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.ProgressBar;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;
import org.jfree.data.xy.XYSeriesCollection;
import org.privtune.mechanism.MechanismPresets;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.Mechanisms;
import org.privtune.ui.charts.ChartCanvas;
import org.privtune.ui.charts.TrainingCharts;
import org.privtune.ui.prefs.StudioPreferences;
import org.privtune.ui.widgets.ModelPicker;
import org.privtune.ui.widgets.PresetPicker;
import org.privtune.ui.widgets.WidgetIds;

/**
 * Split Training's widgets: the run's settings, where the top model trains and the export folder on
 * the left; progress, status, the loss chart and the log on the right.
 */
final class SplitTrainingControls extends Composite {

    final Combo data;
    final ModelPicker model;
    final Spinner split;
    final Spinner epochs;
    final Spinner batch;
    final Spinner limit;
    final Text learningRate;
    final Button fromTuner;
    /** The presets; picking one fills the mechanism (short) and the split layer. */
    final PresetPicker presets;
    final Text mechanism;
    final Label mechanismCheck;
    final Button inProcess;
    final Button remote;
    final Text endpoint;
    final Text certificate;
    final Text token;
    Text out;
    final Button start;
    final Button cancel;
    final ProgressBar bar;
    private final Label status;
    final Text log;
    final XYSeriesCollection loss = TrainingCharts.lossDataset();

    SplitTrainingControls(Composite parent, IEclipsePreferences prefs, List<String> dataNames, String dataDefault) {
        super(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(2).margins(6, 6).applyTo(this);
        Group settings = new Group(this, SWT.NONE);
        settings.setText("Run");
        GridLayoutFactory.swtDefaults().numColumns(3).applyTo(settings);
        GridDataFactory.fillDefaults().grab(false, true).hint(380, SWT.DEFAULT).applyTo(settings);

        label(settings, "data set");
        data = WidgetIds.name(new Combo(settings, SWT.DROP_DOWN), "data");
        data.setToolTipText("A built-in data set, a recent import, or the path of a file the importer reads");
        GridDataFactory.fillDefaults().span(2, 1).grab(true, false).applyTo(data);
        data.setItems(dataNames.toArray(String[]::new));
        data.setText(dataDefault);
        label(settings, "model");
        model = new ModelPicker(settings, "model", StudioPreferences.defaultModel());
        GridDataFactory.fillDefaults().span(2, 1).grab(true, false).applyTo(model.combo());
        split = WidgetIds.name(spinner(settings, "split layer", 0, model.selection().config().layers(), 2), "split");
        split.setToolTipText("The device runs the model's embeddings and layers below it; the cloud the rest");
        model.onChange(m -> split.setMaximum(m.config().layers()));
        epochs = WidgetIds.name(spinner(settings, "epochs", 1, 50, prefs.getInt("training.epochs", 3)), "epochs");
        batch = WidgetIds.name(spinner(settings, "batch (sentences)", 1, 256, 32), "batch");
        limit = WidgetIds.name(spinner(settings, "training sentences (0: all)", 0, 1_000_000, 0), "limit");
        limit.setToolTipText("Use only the first N training sentences, for a quick trial run");
        label(settings, "learning rate");
        learningRate = WidgetIds.name(new Text(settings, SWT.BORDER), "learningRate");
        learningRate.setText("5e-5");
        GridDataFactory.fillDefaults().span(2, 1).grab(true, false).applyTo(learningRate);

        Label mechanismLabel = new Label(settings, SWT.NONE);
        mechanismLabel.setText("mechanism on the device");
        GridDataFactory.fillDefaults().span(2, 1).align(SWT.BEGINNING, SWT.CENTER).applyTo(mechanismLabel);
        fromTuner = WidgetIds.name(new Button(settings, SWT.PUSH), "fromTuner");
        fromTuner.setText("From tuner");
        fromTuner.setToolTipText("Take the Noise Tuner's current mechanism and split layer");
        presets = new PresetPicker(settings, "preset");
        GridDataFactory.fillDefaults().span(3, 1).grab(true, false).hint(200, SWT.DEFAULT).applyTo(presets.combo());
        mechanism = WidgetIds.name(new Text(settings, SWT.BORDER), "mechanism");
        mechanism.setToolTipText("A mechanism spec as --mechanism takes it (e.g. privtune:eps=16,n=2), a preset"
                + " (@privtune-swap, @training), or none");
        GridDataFactory.fillDefaults().span(3, 1).grab(true, false).hint(200, SWT.DEFAULT).applyTo(mechanism);
        mechanismCheck = WidgetIds.name(new Label(settings, SWT.WRAP), "mechanismCheck");
        GridDataFactory.fillDefaults().span(3, 1).grab(true, false).hint(300, SWT.DEFAULT).applyTo(mechanismCheck);
        mechanism.addListener(SWT.Modify, e -> checkMechanism());
        presets.onPick(p -> {
            mechanism.setText(p.spec().toShortString());
            split.setSelection(p.split());
            mechanismCheck.setText(PresetPicker.describe(p.name()));
            mechanismCheck.getParent().layout(true);
        });

        Group top = new Group(settings, SWT.NONE);
        top.setText("Top model (the cloud's part)");
        GridLayoutFactory.swtDefaults().numColumns(2).applyTo(top);
        GridDataFactory.fillDefaults().span(3, 1).grab(true, false).applyTo(top);
        inProcess = WidgetIds.name(new Button(top, SWT.RADIO), "inProcess");
        inProcess.setText("in this process");
        GridDataFactory.fillDefaults().span(2, 1).applyTo(inProcess);
        remote = WidgetIds.name(new Button(top, SWT.RADIO), "remote");
        remote.setText("cloud endpoint");
        remote.setToolTipText("host:port of ./privtune cloud; only perturbed representations, the mask and the labels"
                + " are sent");
        endpoint = WidgetIds.name(new Text(top, SWT.BORDER), "endpoint");
        endpoint.setText(prefs.get("training.endpoint", "localhost:8470"));
        GridDataFactory.fillDefaults().grab(true, false).applyTo(endpoint);
        new Label(top, SWT.NONE).setText("certificate");
        certificate = WidgetIds.name(new Text(top, SWT.BORDER), "certificate");
        certificate.setMessage("none: plain TCP");
        certificate.setToolTipText("The endpoint's certificate (PEM/DER) for TLS 1.3, as ./privtune cloud --tls serves it;"
                + " only this certificate is trusted");
        certificate.setText(prefs.get("training.certificate", ""));
        GridDataFactory.fillDefaults().grab(true, false).applyTo(certificate);
        new Label(top, SWT.NONE).setText("access token");
        token = WidgetIds.name(new Text(top, SWT.BORDER | SWT.PASSWORD), "token");
        token.setToolTipText("The endpoint's token (./privtune cloud --token-file); not stored");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(token);
        boolean wasRemote = prefs.getBoolean("training.remote", false);
        remote.setSelection(wasRemote);
        inProcess.setSelection(!wasRemote);
        enableRemote();
        remote.addListener(SWT.Selection, e -> enableRemote());

        Label outLabel = new Label(settings, SWT.NONE);
        outLabel.setText("export the trained model to");
        GridDataFactory.fillDefaults().span(2, 1).align(SWT.BEGINNING, SWT.CENTER).applyTo(outLabel);
        Button browse = WidgetIds.name(new Button(settings, SWT.PUSH), "browse");
        browse.setText("Browse\u2026");
        browse.addListener(SWT.Selection, e -> {
            DirectoryDialog d = new DirectoryDialog(getShell(), SWT.SAVE);
            d.setMessage("Folder to export the trained model into (new or empty)");
            String chosen = d.open();
            if (chosen != null) {
                out.setText(chosen);
            }
        });
        out = WidgetIds.name(new Text(settings, SWT.BORDER), "out");
        out.setMessage("a new or empty folder");
        GridDataFactory.fillDefaults().span(3, 1).grab(true, false).hint(200, SWT.DEFAULT).applyTo(out);
        start = WidgetIds.name(new Button(settings, SWT.PUSH), "start");
        start.setText("Train and export");
        cancel = WidgetIds.name(new Button(settings, SWT.PUSH), "cancel");
        cancel.setText("Cancel");
        cancel.setEnabled(false);

        Composite right = new Composite(this, SWT.NONE);
        GridLayoutFactory.fillDefaults().applyTo(right);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(right);
        bar = WidgetIds.name(new ProgressBar(right, SWT.HORIZONTAL | SWT.SMOOTH), "progress");
        bar.setMaximum(1000);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(bar);
        status = WidgetIds.name(new Label(right, SWT.WRAP), "status");
        GridDataFactory.fillDefaults().grab(true, false).hint(300, SWT.DEFAULT).applyTo(status);
        SashForm sash = new SashForm(right, SWT.VERTICAL);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(sash);
        ChartCanvas chart = WidgetIds.name(new ChartCanvas(sash, SWT.BORDER), "lossChart");
        chart.setChart(TrainingCharts.loss(loss));
        log = WidgetIds.name(new Text(sash, SWT.MULTI | SWT.READ_ONLY | SWT.V_SCROLL | SWT.WRAP | SWT.BORDER), "log");
        log.setFont(JFaceResources.getTextFont());
        sash.setWeights(62, 38);
    }

    private static void label(Composite c, String text) {
        new Label(c, SWT.NONE).setText(text);
    }

    private static Spinner spinner(Composite c, String label, int min, int max, int value) {
        label(c, label);
        Spinner s = new Spinner(c, SWT.BORDER);
        s.setValues(value, min, max, 0, 1, 10);
        GridDataFactory.fillDefaults().span(2, 1).applyTo(s);
        return s;
    }

    private void enableRemote() {
        for (Text t : new Text[] {endpoint, certificate, token}) {
            t.setEnabled(remote.getSelection());
        }
    }

    /** The mechanism field as a spec (null for none); throws the reason it is refused. */
    MechanismSpec parsedMechanism() {
        String t = mechanism.getText().trim();
        if (t.isEmpty() || t.equals(MechanismSpec.NONE)) {
            return null;
        }
        MechanismSpec spec = MechanismPresets.resolve(t, MechanismPresets.user());
        Mechanisms.validate(spec);
        return spec.name().equals(MechanismSpec.NONE) ? null : spec;
    }

    /** Says under the mechanism field what it does, or in red why it is refused; false if refused. */
    boolean checkMechanism() {
        try {
            MechanismSpec spec = parsedMechanism();
            mechanismCheck.setForeground(null);
            String t = mechanism.getText().trim();
            MechanismPresets.BuiltIn same = spec == null ? null : MechanismPresets.BUILT_IN.stream()
                    .filter(b -> b.spec().equals(spec)).findFirst().orElse(null);
            mechanismCheck.setText(spec == null ? "no perturbation: clean representations leave the device"
                    : t.startsWith("@") ? PresetPicker.describe(t.substring(1)) + " (" + spec.toShortString() + ")"
                    : same != null ? PresetPicker.describe(same.name())
                    : "perturbs every batch before it leaves the device");
            return true;
        } catch (RuntimeException e) {
            mechanismCheck.setForeground(getDisplay().getSystemColor(SWT.COLOR_RED));
            mechanismCheck.setText(e.getMessage());
            return false;
        } finally {
            mechanismCheck.getParent().layout(true);
        }
    }

    void setStatus(String text, boolean error) {
        if (status.isDisposed()) {
            return;
        }
        status.setForeground(error ? getDisplay().getSystemColor(SWT.COLOR_RED) : null);
        status.setText(text);
        status.getParent().layout(true);
    }
}
