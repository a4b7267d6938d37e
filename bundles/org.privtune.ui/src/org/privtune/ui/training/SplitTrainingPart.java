package org.privtune.ui.training;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.IJobChangeEvent;
import org.eclipse.core.runtime.jobs.ISchedulingRule;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.jobs.JobChangeAdapter;
import org.eclipse.core.runtime.preferences.IEclipsePreferences;
import org.eclipse.e4.ui.di.Focus;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.ProgressBar;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.privtune.core.CancelledException;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.data.builtin.BuiltinDatasets;
import org.privtune.data.io.RecentImports;
import org.privtune.device.FineTuningRun;
import org.privtune.device.RemoteTopModel;
import org.privtune.protocol.TransportSecurity;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.model.Pooling;
import org.privtune.model.TrainingConfig;
import org.privtune.ui.charts.ChartCanvas;
import org.privtune.ui.charts.TrainingCharts;
import org.privtune.ui.jobs.MonitorProgress;
import org.privtune.ui.jobs.MutexRule;
import org.privtune.ui.prefs.StudioPreferences;
import org.privtune.ui.tuner.MechanismSelection;

import javax.net.ssl.SSLContext;

/**
 * Split Training: the connector that fine-tunes the split model from the studio. The device part
 * (bottom model and mechanism) runs here; the top model trains either in this process or on a
 * remote cloud endpoint ({@code ./privtune cloud} on the other machine). The run is
 * {@link FineTuningRun}, the same code as {@code ./privtune train}, in an Eclipse Job with
 * progress and cancel; the view shows the loss per step as it arrives, the log the command line
 * prints, and exports the trained model into the chosen folder at the end.
 */
public final class SplitTrainingPart {

    public static final String ID = "org.privtune.ui.part.splitTraining";

    /** One training at a time (a second would compete for the same cores and memory). */
    private static final ISchedulingRule RULE = new MutexRule();

    private final IEclipsePreferences prefs = StudioPreferences.node();
    private Display display;
    private Combo data;
    private final List<String> dataNames = new ArrayList<>();
    private Spinner split;
    private Spinner epochs;
    private Spinner batch;
    private Spinner limit;
    private Text learningRate;
    private Text mechanism;
    private Label mechanismCheck;
    private Button inProcess;
    private Button remote;
    private Text endpoint;
    private Text certificate;
    private Text token;
    private Text out;
    private Button start;
    private Button cancel;
    private ProgressBar bar;
    private Label status;
    private Text log;
    private final XYSeriesCollection loss = TrainingCharts.lossDataset();
    private Job job;
    private FineTuningRun.Result result;

    @PostConstruct
    public void createControls(Composite parent) {
        display = parent.getDisplay();
        GridLayoutFactory.fillDefaults().numColumns(2).margins(6, 6).applyTo(parent);

        Group settings = new Group(parent, SWT.NONE);
        settings.setText("Run");
        GridLayoutFactory.swtDefaults().numColumns(3).applyTo(settings);
        GridDataFactory.fillDefaults().grab(false, true).hint(380, SWT.DEFAULT).applyTo(settings);

        label(settings, "data set");
        data = new Combo(settings, SWT.DROP_DOWN);
        data.setToolTipText("A built-in data set, a recent import, or the path of a file the importer reads");
        GridDataFactory.fillDefaults().span(2, 1).grab(true, false).applyTo(data);
        fillData();
        split = spinner(settings, "split layer", 0, 6, 2);
        split.setToolTipText("The device runs MiniLM's embeddings and layers below it; the cloud the rest");
        epochs = spinner(settings, "epochs", 1, 50, prefs.getInt("training.epochs", 3));
        batch = spinner(settings, "batch (sentences)", 1, 256, 32);
        limit = spinner(settings, "training sentences (0: all)", 0, 1_000_000, 0);
        limit.setToolTipText("Use only the first N training sentences, for a quick trial run");
        label(settings, "learning rate");
        learningRate = new Text(settings, SWT.BORDER);
        learningRate.setText("5e-5");
        GridDataFactory.fillDefaults().span(2, 1).grab(true, false).applyTo(learningRate);

        Label mechanismLabel = new Label(settings, SWT.NONE);
        mechanismLabel.setText("mechanism on the device");
        GridDataFactory.fillDefaults().span(2, 1).align(SWT.BEGINNING, SWT.CENTER).applyTo(mechanismLabel);
        Button fromTuner = new Button(settings, SWT.PUSH);
        fromTuner.setText("From tuner");
        fromTuner.setToolTipText("Take the Noise Tuner's current mechanism and split layer");
        fromTuner.addListener(SWT.Selection, e -> fromTuner());
        mechanism = new Text(settings, SWT.BORDER);
        mechanism.setToolTipText("A mechanism spec as --mechanism takes it (e.g. privtune:eps=16,n=2), or none");
        GridDataFactory.fillDefaults().span(3, 1).grab(true, false).hint(200, SWT.DEFAULT).applyTo(mechanism);
        mechanismCheck = new Label(settings, SWT.WRAP);
        GridDataFactory.fillDefaults().span(3, 1).grab(true, false).hint(300, SWT.DEFAULT).applyTo(mechanismCheck);
        mechanism.addListener(SWT.Modify, e -> checkMechanism());

        Group top = new Group(settings, SWT.NONE);
        top.setText("Top model (the cloud's part)");
        GridLayoutFactory.swtDefaults().numColumns(2).applyTo(top);
        GridDataFactory.fillDefaults().span(3, 1).grab(true, false).applyTo(top);
        inProcess = new Button(top, SWT.RADIO);
        inProcess.setText("in this process");
        GridDataFactory.fillDefaults().span(2, 1).applyTo(inProcess);
        remote = new Button(top, SWT.RADIO);
        remote.setText("cloud endpoint");
        remote.setToolTipText("host:port of ./privtune cloud; only perturbed representations, the mask and the labels"
                + " are sent");
        endpoint = new Text(top, SWT.BORDER);
        endpoint.setText(prefs.get("training.endpoint", "localhost:8470"));
        GridDataFactory.fillDefaults().grab(true, false).applyTo(endpoint);
        new Label(top, SWT.NONE).setText("certificate");
        certificate = new Text(top, SWT.BORDER);
        certificate.setMessage("none: plain TCP");
        certificate.setToolTipText("The endpoint's certificate (PEM/DER) for TLS 1.3, as ./privtune cloud --tls serves it;"
                + " only this certificate is trusted");
        certificate.setText(prefs.get("training.certificate", ""));
        GridDataFactory.fillDefaults().grab(true, false).applyTo(certificate);
        new Label(top, SWT.NONE).setText("access token");
        token = new Text(top, SWT.BORDER | SWT.PASSWORD);
        token.setToolTipText("The endpoint's token (./privtune cloud --token-file); not stored");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(token);
        boolean wasRemote = prefs.getBoolean("training.remote", false);
        remote.setSelection(wasRemote);
        inProcess.setSelection(!wasRemote);
        Runnable enable = () -> {
            for (Text t : new Text[] {endpoint, certificate, token}) {
                t.setEnabled(remote.getSelection());
            }
        };
        enable.run();
        remote.addListener(SWT.Selection, e -> enable.run());

        Label outLabel = new Label(settings, SWT.NONE);
        outLabel.setText("export the trained model to");
        GridDataFactory.fillDefaults().span(2, 1).align(SWT.BEGINNING, SWT.CENTER).applyTo(outLabel);
        Button browse = new Button(settings, SWT.PUSH);
        browse.setText("Browse\u2026");
        browse.addListener(SWT.Selection, e -> {
            DirectoryDialog d = new DirectoryDialog(parent.getShell(), SWT.SAVE);
            d.setMessage("Folder to export the trained model into (new or empty)");
            String chosen = d.open();
            if (chosen != null) {
                out.setText(chosen);
            }
        });
        out = new Text(settings, SWT.BORDER);
        out.setMessage("a new or empty folder");
        GridDataFactory.fillDefaults().span(3, 1).grab(true, false).hint(200, SWT.DEFAULT).applyTo(out);

        start = new Button(settings, SWT.PUSH);
        start.setText("Train and export");
        start.addListener(SWT.Selection, e -> start());
        cancel = new Button(settings, SWT.PUSH);
        cancel.setText("Cancel");
        cancel.setEnabled(false);
        cancel.addListener(SWT.Selection, e -> {
            if (job != null) {
                job.cancel();
                setStatus("Cancelling after the current step\u2026", false);
            }
        });

        Composite right = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().applyTo(right);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(right);
        bar = new ProgressBar(right, SWT.HORIZONTAL | SWT.SMOOTH);
        bar.setMaximum(1000);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(bar);
        status = new Label(right, SWT.WRAP);
        GridDataFactory.fillDefaults().grab(true, false).hint(300, SWT.DEFAULT).applyTo(status);
        SashForm sash = new SashForm(right, SWT.VERTICAL);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(sash);
        ChartCanvas chart = new ChartCanvas(sash, SWT.BORDER);
        chart.setChart(TrainingCharts.loss(loss));
        log = new Text(sash, SWT.MULTI | SWT.READ_ONLY | SWT.V_SCROLL | SWT.WRAP | SWT.BORDER);
        log.setFont(org.eclipse.jface.resource.JFaceResources.getTextFont());
        sash.setWeights(62, 38);

        MechanismSelection.Settings s = MechanismSelection.STUDIO.get();
        mechanism.setText(s.spec().toString());
        split.setSelection(s.split());
        checkMechanism();
        setStatus("The device runs the bottom model and the mechanism here; choose where the top model trains.", false);
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

    private void fillData() {
        dataNames.clear();
        for (BuiltinDatasets.Info i : BuiltinDatasets.list()) {
            dataNames.add(i.name());
        }
        try {
            for (RecentImports.Entry e : RecentImports.defaults().list()) {
                if (!dataNames.contains(e.name())) {
                    dataNames.add(e.name());
                }
            }
        } catch (RuntimeException e) {
            // recent imports unreadable: the built-in sets remain, the Dataset Inspector reports it
        }
        data.setItems(dataNames.toArray(String[]::new));
        data.setText(dataNames.contains(BuiltinDatasets.DEFAULT) ? BuiltinDatasets.DEFAULT : dataNames.get(0));
    }

    private void fromTuner() {
        MechanismSelection.Settings s = MechanismSelection.STUDIO.get();
        mechanism.setText(s.spec().toString());
        split.setSelection(s.split());
    }

    /** The mechanism field as a spec (null for none), or the reason it is refused. */
    private MechanismSpec parsedMechanism() {
        String t = mechanism.getText().trim();
        if (t.isEmpty() || t.equals(MechanismSpec.NONE)) {
            return null;
        }
        return MechanismSpec.parse(t);
    }

    private boolean checkMechanism() {
        try {
            MechanismSpec spec = parsedMechanism();
            mechanismCheck.setForeground(null);
            mechanismCheck.setText(spec == null ? "no perturbation: clean representations leave the device"
                    : "perturbs every batch before it leaves the device");
            return true;
        } catch (RuntimeException e) {
            mechanismCheck.setForeground(display.getSystemColor(SWT.COLOR_RED));
            mechanismCheck.setText(e.getMessage());
            return false;
        } finally {
            mechanismCheck.getParent().layout(true);
        }
    }

    /** Checks the fields and starts the run; a refused field is named in the status line. */
    public void start() {
        if (job != null) {
            return;
        }
        FineTuningRun.Request request;
        try {
            request = request();
        } catch (RuntimeException e) {
            setStatus(e.getMessage(), true);
            return;
        }
        prefs.putInt("training.epochs", epochs.getSelection());
        prefs.putBoolean("training.remote", remote.getSelection());
        prefs.put("training.endpoint", endpoint.getText().trim());
        prefs.put("training.certificate", certificate.getText().trim());
        loss.getSeries(0).clear();
        loss.getSeries(1).clear();
        log.setText("");
        bar.setSelection(0);
        result = null;
        setStatus("Starting: " + (request.cloud() == null ? "top model in this process"
                : "top model at " + request.cloud()), false);
        job = Job.create("Split training", monitor -> {
            Progress progress = new BarProgress(new MonitorProgress(monitor));
            try {
                FineTuningRun.Result r = FineTuningRun.run(request, progress, this::appendLog, this::stepArrived);
                ui(() -> finished(r));
                return Status.OK_STATUS;
            } catch (CancelledException e) {
                ui(() -> setStatus("Cancelled; nothing was exported.", false));
                return Status.CANCEL_STATUS;
            } catch (InvalidInputException | RemoteTopModel.RemoteEndpointException e) {
                ui(() -> setStatus("Training failed: " + e.getMessage(), true));
                return new Status(IStatus.WARNING, "org.privtune.ui", "split training failed", e);
            } catch (Exception e) {
                ui(() -> setStatus("Training failed: " + e, true));
                return new Status(IStatus.ERROR, "org.privtune.ui", "split training failed", e);
            }
        });
        job.setRule(RULE);
        job.setUser(true);
        job.addJobChangeListener(new JobChangeAdapter() {
            @Override
            public void done(IJobChangeEvent event) {
                ui(() -> {
                    job = null;
                    start.setEnabled(true);
                    cancel.setEnabled(false);
                });
            }
        });
        start.setEnabled(false);
        cancel.setEnabled(true);
        job.schedule();
    }

    private FineTuningRun.Request request() {
        float lr;
        try {
            lr = Float.parseFloat(learningRate.getText().trim());
        } catch (NumberFormatException e) {
            lr = Float.NaN;
        }
        if (!(lr > 0) || Float.isInfinite(lr)) {
            throw new InvalidInputException("Split Training", 0, "learning rate",
                    "'" + learningRate.getText() + "' is not a positive number");
        }
        if (!checkMechanism()) {
            throw new InvalidInputException("Split Training", 0, "mechanism", mechanismCheck.getText());
        }
        String folder = out.getText().trim();
        if (folder.isEmpty()) {
            throw new InvalidInputException("Split Training", 0, "export to", "name a new or empty folder");
        }
        String name = data.getText().trim();
        if (name.isEmpty()) {
            throw new InvalidInputException("Split Training", 0, "data set", "choose a data set");
        }
        TrainingConfig cfg = TrainingConfig.defaults().withEpochs(epochs.getSelection())
                .withBatchSize(batch.getSelection()).withLearningRate(lr);
        FineTuningRun.Cloud cloud = null;
        if (remote.getSelection()) {
            String cert = certificate.getText().trim();
            SSLContext tls;
            try {
                tls = cert.isEmpty() ? null : TransportSecurity.client(Path.of(cert), new char[0]);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("Split Training", 0, "certificate", e.getMessage(), e);
            }
            cloud = new FineTuningRun.Cloud(endpoint.getText().trim(), tls, token.getText().trim());
        }
        return new FineTuningRun.Request(name, split.getSelection(), Pooling.MEAN, cfg, cfg.maxLength(),
                parsedMechanism(), cloud, limit.getSelection(), Path.of(folder), StudioPreferences.cacheDir());
    }

    private void stepArrived(int step, int total, float l, int correct, int size) {
        ui(() -> {
            XYSeries raw = loss.getSeries(0);
            raw.add(step, l);
            int from = Math.max(0, raw.getItemCount() - 10);
            double sum = 0;
            for (int i = from; i < raw.getItemCount(); i++) {
                sum += raw.getY(i).doubleValue();
            }
            loss.getSeries(1).add(step, sum / (raw.getItemCount() - from));
        });
    }

    private void appendLog(String line) {
        ui(() -> log.append(line + "\n"));
    }

    private void finished(FineTuningRun.Result r) {
        result = r;
        bar.setSelection(bar.getMaximum());
        setStatus(String.format(Locale.ROOT, "Done: test accuracy %.4f (%s, best epoch %d); exported to %s",
                r.test().accuracy(), r.endpoint(), r.report().bestEpoch(), r.exported()), false);
    }

    /** Forwards to the Job's monitor and moves the view's progress bar. */
    private final class BarProgress implements Progress {
        private final Progress inner;
        private int total;
        private int done;
        private long lastUi;

        BarProgress(Progress inner) {
            this.inner = inner;
        }

        @Override
        public void begin(String task, int totalWork) {
            inner.begin(task, totalWork);
            total = totalWork;
            done = 0;
            String t = task;
            ui(() -> setStatus(t + "\u2026", false));
        }

        @Override
        public void worked(int units) {
            inner.worked(units);
            done += units;
            long now = System.nanoTime();
            if (total > 0 && now - lastUi > 100_000_000L) {
                lastUi = now;
                int permille = (int) Math.min(1000, 1000L * done / total);
                ui(() -> bar.setSelection(permille));
            }
        }

        @Override
        public void subTask(String name) {
            inner.subTask(name);
            ui(() -> {
                if (job != null) {
                    setStatus(name, false);
                }
            });
        }

        @Override
        public boolean isCancelled() {
            return inner.isCancelled();
        }

        @Override
        public void done() {
            inner.done();
        }
    }

    private void ui(Runnable r) {
        if (display != null && !display.isDisposed()) {
            display.asyncExec(() -> {
                if (!status.isDisposed()) {
                    r.run();
                }
            });
        }
    }

    private void setStatus(String text, boolean error) {
        if (status.isDisposed()) {
            return;
        }
        status.setForeground(error ? display.getSystemColor(SWT.COLOR_RED) : null);
        status.setText(text);
        status.getParent().layout(true);
    }

    @Focus
    public void focus() {
        data.setFocus();
    }

    @PreDestroy
    public void dispose() {
        if (job != null) {
            job.cancel();
        }
    }

    // for the UI tests: the controls and the state
    public Combo dataCombo() {
        return data;
    }

    public Spinner epochsSpinner() {
        return epochs;
    }

    public Spinner limitSpinner() {
        return limit;
    }

    public Text mechanismText() {
        return mechanism;
    }

    public Button remoteButton() {
        return remote;
    }

    public Button inProcessButton() {
        return inProcess;
    }

    public Text endpointText() {
        return endpoint;
    }

    public Text certificateText() {
        return certificate;
    }

    public Text tokenText() {
        return token;
    }

    public Text outText() {
        return out;
    }

    public Text logText() {
        return log;
    }

    public String statusText() {
        return status.getText();
    }

    public XYSeriesCollection lossData() {
        return loss;
    }

    /** The last finished run, or null. */
    public FineTuningRun.Result result() {
        return result;
    }

    public boolean isBusy() {
        return job != null;
    }
}
