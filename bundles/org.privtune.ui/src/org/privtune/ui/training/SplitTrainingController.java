package org.privtune.ui.training;

import java.nio.file.Path;
import java.util.Locale;

import javax.net.ssl.SSLContext;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.IJobChangeEvent;
import org.eclipse.core.runtime.jobs.ISchedulingRule;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.jobs.JobChangeAdapter;
import org.eclipse.core.runtime.preferences.IEclipsePreferences;
import org.eclipse.swt.SWT;
import org.jfree.data.xy.XYSeries;
import org.privtune.core.CancelledException;
import org.privtune.core.ForwardingProgress;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.device.FineTuningRun;
import org.privtune.device.RemoteTopModel;
import org.privtune.model.Pooling;
import org.privtune.model.TrainingConfig;
import org.privtune.protocol.TransportSecurity;
import org.privtune.studio.MechanismSettings;
import org.privtune.studio.NoiseTunerEvaluator;
import org.privtune.studio.MutexRule;
import org.privtune.studio.NoiseTunerService;
import org.privtune.studio.RunHistory;
import org.privtune.studio.RunRecord;
import org.privtune.ui.jobs.MonitorProgress;
import org.privtune.ui.prefs.StudioPreferences;

/**
 * Split Training's behaviour: checks the fields, runs {@link FineTuningRun} (the code of
 * {@code ./privtune train}) in a user Job with progress and cancel, and shows the loss per step,
 * the log and the result as they arrive.
 */
final class SplitTrainingController {

    /** One training at a time (a second would compete for the same cores and memory). */
    private static final ISchedulingRule RULE = new MutexRule();

    private final SplitTrainingControls controls;
    private final NoiseTunerService tuner;
    private final IEclipsePreferences prefs;
    private Job job;
    private java.util.function.Consumer<RunRecord> recorded = r -> { };

    SplitTrainingController(SplitTrainingControls controls, NoiseTunerService tuner, IEclipsePreferences prefs) {
        this.controls = controls;
        this.tuner = tuner;
        this.prefs = prefs;
    }

    /** Told (on the UI thread) of each finished run, once it is in the runs history. */
    void onRecorded(java.util.function.Consumer<RunRecord> listener) {
        recorded = listener;
    }

    /** Takes the Noise Tuner's settings and wires the buttons. */
    void start() {
        fromTuner();
        controls.checkMechanism();
        controls.setStatus("The device runs the bottom model and the mechanism here; choose where the top model trains.",
                false);
        controls.fromTuner.addListener(SWT.Selection, e -> fromTuner());
        controls.model.onRefused(message -> controls.setStatus("model: " + message, true));
        controls.start.addListener(SWT.Selection, e -> startRun());
        controls.cancel.addListener(SWT.Selection, e -> {
            if (job != null) {
                job.cancel();
                controls.setStatus("Cancelling\u2026", false);
            }
        });
    }

    private void fromTuner() {
        MechanismSettings s = tuner.settings();
        controls.mechanism.setText(s.spec().toShortString());
        controls.presets.show(null);
        NoiseTunerEvaluator open = tuner.current();
        if (open != null) { // the tuner's split layer belongs to the tuner's model
            controls.model.choose(open.model().name());
        }
        controls.split.setSelection(s.split());
    }

    /** Checks the fields and starts the run; a refused field is named in the status line. */
    private void startRun() {
        if (job != null) {
            return;
        }
        FineTuningRun.Request request;
        try {
            request = request();
        } catch (RuntimeException e) {
            controls.setStatus(e.getMessage(), true);
            return;
        }
        prefs.putInt("training.epochs", controls.epochs.getSelection());
        prefs.putBoolean("training.remote", controls.remote.getSelection());
        prefs.put("training.endpoint", controls.endpoint.getText().trim());
        prefs.put("training.certificate", controls.certificate.getText().trim());
        controls.loss.getSeries(0).clear();
        controls.loss.getSeries(1).clear();
        controls.log.setText("");
        controls.bar.setSelection(0);
        controls.setStatus("Starting: " + (request.cloud() == null ? "top model in this process"
                : "top model at " + request.cloud()), false);
        job = new Job("Split training") {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                return train(request, monitor);
            }

            @Override
            public boolean belongsTo(Object family) {
                return SplitTrainingPart.ID.equals(family);
            }
        };
        job.setRule(RULE);
        job.setUser(true);
        job.addJobChangeListener(new JobChangeAdapter() {
            @Override
            public void done(IJobChangeEvent event) {
                ui(() -> {
                    job = null;
                    controls.start.setEnabled(true);
                    controls.cancel.setEnabled(false);
                });
            }
        });
        controls.start.setEnabled(false);
        controls.cancel.setEnabled(true);
        job.schedule();
    }

    private IStatus train(FineTuningRun.Request request, IProgressMonitor monitor) {
        Progress progress = new BarProgress(new MonitorProgress(monitor));
        java.time.Instant started = java.time.Instant.now();
        try {
            FineTuningRun.Result r = FineTuningRun.run(request, progress, this::appendLog, this::stepArrived);
            RunRecord rec = RunHistory.defaults().recordTraining(RunRecord.STUDIO, started, request, r, this::appendLog);
            ui(() -> {
                finished(r);
                if (rec != null) {
                    recorded.accept(rec);
                }
            });
            return Status.OK_STATUS;
        } catch (CancelledException e) {
            ui(() -> {
                controls.bar.setSelection(0);
                controls.setStatus("Cancelled; nothing was exported.", false);
            });
            return Status.CANCEL_STATUS;
        } catch (InvalidInputException | RemoteTopModel.RemoteEndpointException e) {
            ui(() -> controls.setStatus("Training failed: " + e.getMessage(), true));
            return new Status(IStatus.WARNING, "org.privtune.ui", "split training failed", e);
        } catch (Exception e) {
            ui(() -> controls.setStatus("Training failed: " + e, true));
            return new Status(IStatus.ERROR, "org.privtune.ui", "split training failed", e);
        }
    }

    private FineTuningRun.Request request() {
        float lr;
        try {
            lr = Float.parseFloat(controls.learningRate.getText().trim());
        } catch (NumberFormatException e) {
            lr = Float.NaN;
        }
        if (!(lr > 0) || Float.isInfinite(lr)) {
            throw new InvalidInputException("Split Training", 0, "learning rate",
                    "'" + controls.learningRate.getText() + "' is not a positive number");
        }
        if (!controls.checkMechanism()) {
            throw new InvalidInputException("Split Training", 0, "mechanism", controls.mechanismCheck.getText());
        }
        String folder = controls.out.getText().trim();
        if (folder.isEmpty()) {
            throw new InvalidInputException("Split Training", 0, "export to", "name a new or empty folder");
        }
        String name = controls.data.getText().trim();
        if (name.isEmpty()) {
            throw new InvalidInputException("Split Training", 0, "data set", "choose a data set");
        }
        TrainingConfig cfg = TrainingConfig.defaults().withEpochs(controls.epochs.getSelection())
                .withBatchSize(controls.batch.getSelection()).withLearningRate(lr);
        FineTuningRun.Cloud cloud = null;
        if (controls.remote.getSelection()) {
            String cert = controls.certificate.getText().trim();
            SSLContext tls;
            try {
                tls = cert.isEmpty() ? null : TransportSecurity.client(Path.of(cert), new char[0]);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("Split Training", 0, "certificate", e.getMessage(), e);
            }
            cloud = new FineTuningRun.Cloud(controls.endpoint.getText().trim(), tls, controls.token.getText().trim());
        }
        return new FineTuningRun.Request(name, controls.split.getSelection(), Pooling.MEAN, cfg, cfg.maxLength(),
                controls.parsedMechanism(), cloud, controls.limit.getSelection(), Path.of(folder),
                StudioPreferences.cacheDir(), controls.model.selection());
    }

    private void stepArrived(int step, int total, float l, int correct, int size) {
        ui(() -> {
            XYSeries raw = controls.loss.getSeries(0);
            raw.add(step, l);
            int from = Math.max(0, raw.getItemCount() - 10);
            double sum = 0;
            for (int i = from; i < raw.getItemCount(); i++) {
                sum += raw.getY(i).doubleValue();
            }
            controls.loss.getSeries(1).add(step, sum / (raw.getItemCount() - from));
        });
    }

    private void appendLog(String line) {
        ui(() -> controls.log.append(line + "\n"));
    }

    private void finished(FineTuningRun.Result r) {
        controls.bar.setSelection(controls.bar.getMaximum());
        controls.setStatus(String.format(Locale.ROOT, "Done: test accuracy %.4f (%s, best epoch %d); exported to %s",
                r.test().accuracy(), r.endpoint(), r.report().bestEpoch(), r.exported()), false);
    }

    /** Forwards to the Job's monitor and moves the view's progress bar. */
    private final class BarProgress extends ForwardingProgress {
        private int total;
        private int done;
        private long lastUi;

        BarProgress(Progress inner) {
            super(inner);
        }

        @Override
        public void begin(String task, int totalWork) {
            super.begin(task, totalWork);
            total = totalWork;
            done = 0;
            ui(() -> controls.setStatus(task + "\u2026", false));
        }

        @Override
        public void worked(int units) {
            super.worked(units);
            done += units;
            long now = System.nanoTime();
            if (total > 0 && now - lastUi > 100_000_000L) {
                lastUi = now;
                int permille = (int) Math.min(1000, 1000L * done / total);
                ui(() -> controls.bar.setSelection(permille));
            }
        }

        @Override
        public void subTask(String name) {
            super.subTask(name);
            ui(() -> {
                if (job != null && !isCancelled()) {
                    controls.setStatus(name, false);
                }
            });
        }
    }

    private void ui(Runnable r) {
        if (!controls.isDisposed()) {
            controls.getDisplay().asyncExec(() -> {
                if (!controls.isDisposed()) {
                    r.run();
                }
            });
        }
    }

    void dispose() {
        if (job != null) {
            job.cancel();
        }
    }
}
