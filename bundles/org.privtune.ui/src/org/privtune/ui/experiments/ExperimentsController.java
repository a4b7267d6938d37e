package org.privtune.ui.experiments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.ISchedulingRule;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.preferences.IEclipsePreferences;
import org.eclipse.e4.core.services.events.IEventBroker;
import org.eclipse.swt.SWT;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.program.Program;
import org.eclipse.swt.widgets.TableItem;
import org.osgi.service.event.EventHandler;
import org.privtune.attack.experiment.Metrics;
import org.privtune.attack.experiment.ResultCharts;
import org.privtune.attack.experiment.ResultFiles;
import org.privtune.attack.experiment.SettingResult;
import org.privtune.core.CancelledException;
import org.privtune.core.ForwardingProgress;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.studio.ExperimentService;
import org.privtune.studio.MutexRule;
import org.privtune.studio.RunHistory;
import org.privtune.studio.RunRecord;
import org.privtune.ui.charts.ExperimentCharts;
import org.privtune.ui.events.StudioTopics;
import org.privtune.ui.jobs.MonitorProgress;
import org.privtune.ui.jobs.ViewJobs;

/**
 * The Experiments view's behaviour: checks the settings, runs the experiment through
 * {@link ExperimentService} (the runner of {@code ./privtune experiment}) in a user Job with
 * progress and cancel, fills the results table as settings finish, lists the runs history and
 * shows the selected run (or two compared) as a table and a chart.
 */
final class ExperimentsController {

    /** One experiment at a time (a second would compete for the same cores and memory). */
    private static final ISchedulingRule RULE = new MutexRule();
    private static final DateTimeFormatter STARTED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneId.systemDefault());
    /** The metrics of the results table (name, column title), after the setting and its seeds. */
    private static final String[][] COLUMNS = {{Metrics.ACCURACY, "accuracy"}, {Metrics.INVERSION_ASR, "inversion ASR"},
        {Metrics.A1_TOP1, "A1"}, {Metrics.A2_TOP1, "A2"}, {Metrics.A3_TOP1, "A3"}, {Metrics.B1_ACC, "B1 source"},
        {Metrics.NOISE_NORM, "noise norm"}};

    /** A run's finished settings as shown: its label in a comparison ("" alone) and its results. */
    private record Shown(String label, List<SettingResult> results) {
    }

    private final ExperimentsControls controls;
    private final ExperimentService service;
    private final IEventBroker broker;
    private final IEclipsePreferences prefs;
    private final ViewJobs jobs;
    /** The id of the run this view last told the others about. */
    private String posted;
    private final EventHandler runsListener = e -> {
        RunRecord r = e.getProperty(IEventBroker.DATA) instanceof RunRecord rec ? rec : null;
        if (r == null || !r.id().equals(this.posted)) { // this view's own runs are listed already
            refreshRuns(r == null ? null : r.id());
        }
    };
    private Job job;
    private Job readJob;
    private List<RunRecord> listed = List.of();
    private List<Shown> shown = List.of();

    ExperimentsController(ExperimentsControls controls, ExperimentService service, IEventBroker broker,
            IEclipsePreferences prefs) {
        this.controls = controls;
        this.service = service;
        this.broker = broker;
        this.prefs = prefs;
        this.jobs = new ViewJobs(controls, null, ExperimentsPart.ID, message -> controls.setStatus(message, true));
    }

    void start() {
        controls.run.addListener(SWT.Selection, e -> {
            try {
                startRun(service.newRun(request()));
            } catch (RuntimeException ex) {
                controls.setStatus(ex.getMessage(), true);
            }
        });
        controls.cancel.addListener(SWT.Selection, e -> {
            if (job != null) {
                job.cancel();
                controls.setStatus("Cancelling\u2026 (finished settings are kept)", false);
            }
        });
        controls.mechanisms.addListener(SWT.Selection, e -> describeGrid());
        controls.eps.addListener(SWT.Modify, e -> describeGrid());
        controls.seeds.addListener(SWT.Selection, e -> describeGrid());
        controls.quick.addListener(SWT.Selection, e -> describeGrid());
        controls.data.addListener(SWT.Modify, e -> describeGrid());
        controls.model.onRefused(message -> controls.setStatus("model: " + message, true));
        controls.runs.addListener(SWT.Selection, e -> selectionChanged());
        controls.refresh.setEnabled(true);
        controls.refresh.addListener(SWT.Selection, e -> refreshRuns(null));
        controls.openFolder.addListener(SWT.Selection, e -> openFolder());
        controls.copyPath.addListener(SWT.Selection, e -> copyPath());
        controls.resume.addListener(SWT.Selection, e -> resume());
        controls.chartChoice.addListener(SWT.Selection, e -> drawChart());
        describeGrid();
        controls.setStatus("Runs the privacy/utility experiment of ./privtune experiment; its folder goes to "
                + service.experimentsDir(), false);
        broker.subscribe(StudioTopics.RUNS, runsListener);
        refreshRuns(null);
    }

    /** The request the fields describe; a refused field is named. */
    private ExperimentService.Request request() {
        List<Double> eps = new ArrayList<>();
        for (String t : controls.eps.getText().split("[,;\\s]+")) {
            if (t.isBlank()) {
                continue;
            }
            try {
                eps.add(Double.valueOf(t));
            } catch (NumberFormatException e) {
                throw new InvalidInputException("Experiments", 0, "eps", "'" + t + "' is not a number");
            }
        }
        return new ExperimentService.Request(controls.data.getText().trim(), controls.model.selectionText(),
                controls.split.getSelection(), controls.quick.getSelection(), controls.checkedMechanisms(), eps,
                controls.seeds.getSelection(), controls.sample.getSelection(),
                org.privtune.ui.prefs.StudioPreferences.cacheDir());
    }

    /** Says under the fields how many settings the grid has, or in red what is refused. */
    private void describeGrid() {
        try {
            ExperimentService.Request r = request();
            int n = r.settingsCount();
            controls.grid.setForeground(null);
            controls.grid.setText(String.format(Locale.ROOT, "%d setting%s, each fine-tuned and attacked (%s)", n,
                    n == 1 ? "" : "s", r.quick() ? "quick: minutes each" : "full: up to an hour each"));
        } catch (RuntimeException e) {
            controls.grid.setForeground(controls.getDisplay().getSystemColor(SWT.COLOR_RED));
            controls.grid.setText(e instanceof InvalidInputException ie ? ie.field() + ": " + ie.problem() : e.getMessage());
        }
        controls.grid.getParent().layout(true);
    }

    private void remember(ExperimentService.Request r) {
        prefs.put("experiments.data", r.data());
        prefs.put("experiments.model", controls.model.selectionText());
        prefs.putInt("experiments.split", r.split());
        prefs.putBoolean("experiments.quick", r.quick());
        prefs.putInt("experiments.sample", r.sample());
        prefs.putInt("experiments.seeds", r.seeds());
        prefs.put("experiments.mechanisms", String.join(",", controls.checkedMechanisms()));
        prefs.put("experiments.eps", controls.eps.getText().trim());
    }

    private void startRun(ExperimentService.Run run) {
        if (job != null) {
            return;
        }
        remember(run.request());
        controls.log.setText("");
        controls.bar.setSelection(0);
        controls.setStatus("Starting " + run.id() + " in " + run.folder(), false);
        job = jobs.userJob("Experiment " + run.id(), RULE, monitor -> execute(run, monitor), () -> {
            job = null;
            controls.run.setEnabled(true);
            controls.cancel.setEnabled(false);
            selectionChanged();
        });
        controls.run.setEnabled(false);
        controls.resume.setEnabled(false);
        controls.cancel.setEnabled(true);
        job.schedule();
    }

    private IStatus execute(ExperimentService.Run run, IProgressMonitor monitor) {
        Progress progress = new ViewProgress(new MonitorProgress(monitor), run);
        try {
            RunRecord r = service.run(run, RunRecord.STUDIO, progress, this::appendLog);
            jobs.ui(() -> {
                controls.bar.setSelection(controls.bar.getMaximum());
                controls.setStatus(r == null ? "Done; the runs history could not be written (see the log)"
                        : (RunRecord.FINISHED.equals(r.status()) ? "Done: " : "Stopped: ") + r.message() + "; folder "
                                + run.folder(), r == null || !RunRecord.FINISHED.equals(r.status()));
                recorded(r, run.id());
            });
            return Status.OK_STATUS;
        } catch (CancelledException e) {
            RunRecord r = recordOf(run);
            jobs.ui(() -> {
                controls.bar.setSelection(0);
                controls.setStatus(r == null ? "Cancelled before any setting finished; nothing was written."
                        : "Cancelled: " + r.message(), false);
                recorded(r, run.id());
            });
            return Status.CANCEL_STATUS;
        } catch (Exception e) {
            jobs.ui(() -> {
                controls.setStatus("Experiment failed: " + e.getMessage(), true);
                recorded(recordOf(run), run.id());
            });
            return new Status(IStatus.WARNING, "org.privtune.ui", "experiment failed", e);
        }
    }

    /** The history's record of the run, or null when it has none. */
    private RunRecord recordOf(ExperimentService.Run run) {
        Path f = service.history().file(run.id());
        try {
            return Files.isRegularFile(f) ? RunHistory.read(f) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Lists and selects the run, and tells the other views about it when it was recorded. */
    private void recorded(RunRecord r, String id) {
        refreshRuns(id);
        if (r != null) {
            posted = r.id();
            broker.post(StudioTopics.RUNS, r);
        }
    }

    private void appendLog(String line) {
        jobs.ui(() -> controls.log.append(line + "\n"));
    }

    /** Reads the history in a Job; then selects {@code selectId} (or keeps the selection). */
    void refreshRuns(String selectId) {
        List<String> keep = new ArrayList<>();
        for (TableItem i : controls.runs.getSelection()) {
            keep.add(((RunRecord) i.getData()).id());
        }
        ViewJobs.cancel(readJob);
        readJob = jobs.schedule("Reading the runs history", 0, p -> {
            RunHistory.Listing l;
            try {
                l = service.history().list();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return () -> showRuns(l, selectId != null ? List.of(selectId) : keep);
        });
    }

    private void showRuns(RunHistory.Listing l, List<String> select) {
        listed = l.runs();
        controls.runs.setRedraw(false);
        controls.runs.removeAll();
        List<Integer> chosen = new ArrayList<>();
        for (RunRecord r : listed) {
            TableItem item = new TableItem(controls.runs, SWT.NONE);
            item.setData(r);
            item.setText(new String[] {STARTED.format(r.started()), r.kind(), r.status(), what(r), r.message(),
                r.source()});
            if (select.contains(r.id())) {
                chosen.add(controls.runs.getItemCount() - 1);
            }
        }
        if (chosen.isEmpty() && !listed.isEmpty()) {
            chosen.add(0);
        }
        controls.runs.setSelection(chosen.stream().mapToInt(Integer::intValue).toArray());
        controls.runs.setRedraw(true);
        if (!l.problems().isEmpty()) {
            controls.setStatus(l.problems().size() + " file(s) of the runs history could not be read: "
                    + l.problems().get(0), true);
        }
        selectionChanged();
    }

    /** What a run ran, in a few words. */
    static String what(RunRecord r) {
        if (RunRecord.EXPERIMENT.equals(r.kind())) {
            String eps = r.setting(ExperimentService.EPS);
            String mechanisms = r.setting(ExperimentService.MECHANISMS);
            boolean noEps = eps.isEmpty() || java.util.Arrays.stream(mechanisms.split(","))
                    .allMatch(org.privtune.mechanism.MechanismSpec.NONE::equals);
            return r.setting(ExperimentService.DATA) + ", " + r.setting(ExperimentService.CONFIGURATION) + ": "
                    + mechanisms + (noEps ? "" : " at eps " + eps);
        }
        return r.setting("data") + ": " + r.setting("mechanism") + ", " + r.setting("epochs") + " epoch(s)";
    }

    private List<RunRecord> selected() {
        List<RunRecord> out = new ArrayList<>();
        for (TableItem i : controls.runs.getSelection()) {
            out.add((RunRecord) i.getData());
        }
        return out;
    }

    /** Shows the selected run (its results, or a training's settings and metrics), or two experiments compared. */
    private void selectionChanged() {
        if (controls.isDisposed()) {
            return;
        }
        List<RunRecord> sel = selected();
        RunRecord one = sel.size() == 1 ? sel.get(0) : null;
        controls.openFolder.setEnabled(one != null && one.folder() != null);
        controls.copyPath.setEnabled(one != null && one.folder() != null);
        controls.resume.setEnabled(job == null && one != null && RunRecord.EXPERIMENT.equals(one.kind())
                && !RunRecord.FINISHED.equals(one.status()));
        if (one != null && RunRecord.TRAINING.equals(one.kind())) {
            showTraining(one);
        } else if (!sel.isEmpty() && sel.size() <= 2 && sel.stream().allMatch(r -> RunRecord.EXPERIMENT.equals(r.kind()))) {
            readResults(sel);
        } else if (!sel.isEmpty()) {
            shown = List.of();
            controls.showResults(new String[] {"select one run, or two experiments to compare them"}, List.of());
            drawChart();
        }
    }

    private void showTraining(RunRecord r) {
        List<String[]> rows = new ArrayList<>();
        r.settings().forEach((k, v) -> rows.add(new String[] {k, v}));
        r.metrics().forEach((k, v) -> rows.add(new String[] {k, number(v, "%.4g")}));
        rows.add(new String[] {"exported to", r.folder() == null ? "" : r.folder().toString()});
        shown = List.of();
        controls.showResults(new String[] {"training " + r.id(), "value"}, rows);
        drawChart();
    }

    /** Reads the finished settings of the runs in a Job and shows them. */
    private void readResults(List<RunRecord> runs) {
        jobs.schedule("Reading experiment results", 0, p -> {
            List<Shown> read = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                try {
                    read.add(new Shown(runs.size() == 1 ? "" : String.valueOf((char) ('A' + i)),
                            service.results(runs.get(i).folder())));
                } catch (IOException e) {
                    throw new UncheckedIOException(runs.get(i).folder().toString(), e);
                }
            }
            return () -> show(read);
        });
    }

    /** The results table (one row per mechanism and eps: mean, and +- std over seeds) and the chart. */
    private void show(List<Shown> runs) {
        shown = runs;
        boolean compare = runs.size() > 1;
        List<String> columns = new ArrayList<>();
        if (compare) {
            columns.add("run");
        }
        columns.add("setting");
        columns.add("seeds");
        for (String[] c : COLUMNS) {
            columns.add(c[1]);
        }
        List<String[]> rows = new ArrayList<>();
        for (Shown s : runs) {
            for (ResultFiles.Group g : ExperimentService.groups(s.results())) {
                List<String> row = new ArrayList<>();
                if (compare) {
                    row.add(s.label());
                }
                row.add(g.members().get(0).setting().group());
                row.add(Integer.toString(g.members().size()));
                for (String[] c : COLUMNS) {
                    String k = c[0];
                    double[] ms = g.meanStd(k);
                    String fmt = Metrics.NOISE_NORM.equals(k) ? "%.1f" : "%.3f";
                    row.add(number(ms[0], fmt) + (g.members().size() > 1 && !Double.isNaN(ms[1])
                            ? " \u00b1 " + number(ms[1], fmt) : ""));
                }
                rows.add(row.toArray(String[]::new));
            }
        }
        controls.showResults(columns.toArray(String[]::new), rows);
        drawChart();
    }

    /** Draws the chosen chart of the shown runs (one line per run and mechanism). */
    private void drawChart() {
        int which = Math.max(0, controls.chartChoice.getSelectionIndex());
        String[] metrics = {Metrics.INVERSION_ASR, Metrics.A1_TOP1, Metrics.A2_TOP1, Metrics.A3_TOP1, Metrics.B1_ACC,
            Metrics.ACCURACY, Metrics.INVERSION_ASR};
        boolean versusEps = which >= 5;
        Map<String, List<double[]>> lines = new LinkedHashMap<>();
        for (Shown s : shown) {
            List<ResultFiles.Group> groups = ExperimentService.groups(s.results());
            Map<String, List<double[]>> points = versusEps ? ResultCharts.versusEpsPoints(groups, metrics[which])
                    : ResultCharts.frontierPoints(groups, metrics[which]);
            points.forEach((m, p) -> lines.put(s.label().isEmpty() ? m : s.label() + ": " + m, p));
        }
        String title = ExperimentsControls.CHARTS[which];
        String yLabel = versusEps ? (which == 5 ? "test accuracy" : "ASR (top-1)") : ResultCharts.FRONTIERS.get(metrics[which]);
        controls.chart.setChart(ExperimentCharts.chart(title, versusEps ? "eps (log scale)" : "test accuracy (utility)",
                yLabel, lines, versusEps));
        controls.chart.setDefaultFileName(title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
    }

    private static String number(Double v, String fmt) {
        return v == null || v.isNaN() ? "-" : String.format(Locale.ROOT, fmt, v);
    }

    private Path selectedFolder() {
        List<RunRecord> sel = selected();
        return sel.size() == 1 ? sel.get(0).folder() : null;
    }

    private void openFolder() {
        Path f = selectedFolder();
        if (f == null) {
            return;
        }
        if (!Files.isDirectory(f)) {
            controls.setStatus("The folder " + f + " is gone (moved or deleted)", true);
        } else if (Program.launch(f.toString())) {
            controls.setStatus("Opened " + f, false);
        } else {
            copy(f);
            controls.setStatus("No program here opens folders; the path is copied: " + f, false);
        }
    }

    private void copyPath() {
        Path f = selectedFolder();
        if (f != null) {
            copy(f);
            controls.setStatus("Copied " + f, false);
        }
    }

    private void copy(Path f) {
        Clipboard cb = new Clipboard(controls.getDisplay());
        try {
            cb.setContents(new Object[] {f.toString()}, new Transfer[] {TextTransfer.getInstance()});
        } finally {
            cb.dispose();
        }
    }

    private void resume() {
        List<RunRecord> sel = selected();
        if (sel.size() != 1) {
            return;
        }
        try {
            startRun(service.resume(sel.get(0)));
        } catch (RuntimeException e) {
            controls.setStatus(e.getMessage(), true);
        }
    }

    /** Forwards to the Job's monitor, moves the view's bar, and shows each finished setting at once. */
    private final class ViewProgress extends ForwardingProgress {
        private final ExperimentService.Run run;
        private String task = "";
        private int total;
        private int done;

        ViewProgress(Progress inner, ExperimentService.Run run) {
            super(inner);
            this.run = run;
        }

        @Override
        public void begin(String name, int totalWork) {
            super.begin(name, totalWork);
            task = name;
            total = totalWork;
            done = 0;
            jobs.ui(() -> controls.setStatus(name + "\u2026", false));
        }

        @Override
        public void worked(int units) {
            super.worked(units);
            done += units;
            if (total > 0) {
                int permille = (int) Math.min(1000, 1000L * done / total);
                jobs.ui(() -> controls.bar.setSelection(permille));
            }
            if (task.startsWith("Experiment:")) { // a setting finished: its row appears
                try {
                    List<SettingResult> now = service.results(run.folder());
                    jobs.ui(() -> show(List.of(new Shown("", now))));
                } catch (IOException e) {
                    appendLog("results not read: " + e.getMessage());
                }
            }
        }

        @Override
        public void subTask(String name) {
            super.subTask(name);
            jobs.ui(() -> {
                if (job != null && !isCancelled()) {
                    controls.setStatus(name, false);
                }
            });
        }
    }

    void dispose() {
        broker.unsubscribe(runsListener);
        ViewJobs.cancel(job, readJob);
    }
}
