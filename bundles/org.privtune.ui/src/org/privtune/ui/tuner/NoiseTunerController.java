package org.privtune.ui.tuner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.Function;

import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.preferences.IEclipsePreferences;
import org.eclipse.e4.core.services.events.IEventBroker;
import org.eclipse.jface.dialogs.InputDialog;
import org.eclipse.jface.window.Window;
import org.eclipse.swt.SWT;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.widgets.Control;
import org.jfree.data.xy.XYSeries;
import org.osgi.service.event.EventHandler;
import org.privtune.core.Progress;
import org.privtune.mechanism.MechanismPresets;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.model.EncoderSource;
import org.privtune.studio.MechanismSettings;
import org.privtune.studio.NoiseTunerEvaluator;
import org.privtune.studio.NoiseTunerService;
import org.privtune.ui.charts.TunerCharts;
import org.privtune.ui.events.StudioTopics;
import org.privtune.ui.jobs.ViewJobs;
import org.privtune.ui.prefs.StudioPreferences;

/**
 * The Noise Tuner's behaviour: on every change of its widgets a Job evaluates the setting with the
 * {@link NoiseTunerService}'s evaluator and the charts follow. To answer within the refresh target
 * (Window > Preferences) the first point of a change uses as many sentences as the last points
 * allowed (shown as "quick"); the same setting on the whole sample (with the probes) then replaces
 * it, and the eps sweep runs on the whole sample too. Stale Jobs are cancelled; all evaluator work
 * holds the service's rule. Settings changes go to the other views on {@link StudioTopics#MECHANISM}.
 */
final class NoiseTunerController implements PresetActions {

    private static final int TRAIL = 40;
    /**
     * Delay before a point's Job starts: a dragged slider fires many changes, and a Job that has
     * not started yet is cancelled for free, one that runs only at its next checkpoint.
     */
    private static final long DEBOUNCE_MS = 25;
    /** Fewest sentences of a quick point. */
    private static final int MIN_BUDGET = 2;
    private static final double[] SWEEP = {0.125, 0.25, 0.5, 1, 2, 4, 8};

    private final NoiseTunerControls controls;
    private final NoiseTunerService service;
    private final IEventBroker broker;
    private final IEclipsePreferences prefs;
    private final ViewJobs jobs;
    /** Re-opens the evaluator when the data set or the cache folder changes in the preferences. */
    private final IEclipsePreferences.IPreferenceChangeListener prefListener;
    /** Settings another view made: into the widgets, and evaluated. */
    private final EventHandler settingsListener = e -> settingsArrived((MechanismSettings.Change) e.getProperty(IEventBroker.DATA));
    /** Data set of the evaluator's sample (Window > Preferences). */
    private String dataset = StudioPreferences.tunerDataset();
    private int evaluatorSample;
    private Job setupJob;
    private Job pointJob;
    private Job refineJob;
    private Job sweepJob;
    private int budget;
    private long changedAt;
    private long lastLatency = -1;
    private NoiseTunerEvaluator.Point last;
    /** Split layer of {@link #last}. */
    private int lastSplit;
    /** Per mechanism, the settings of each point of its trail in the plane, oldest first. */
    private final Map<String, List<MechanismSettings>> trails = new HashMap<>();

    NoiseTunerController(NoiseTunerControls controls, NoiseTunerService service, IEventBroker broker,
            IEclipsePreferences prefs) {
        this.controls = controls;
        this.service = service;
        this.broker = broker;
        this.prefs = prefs;
        this.jobs = new ViewJobs(controls, service.rule(), NoiseTunerPart.ID, controls::setStatus);
        this.prefListener = e -> {
            if (StudioPreferences.TUNER_DATASET.equals(e.getKey()) || StudioPreferences.CACHE_DIR.equals(e.getKey())) {
                jobs.ui(this::setupEvaluator);
            }
        };
    }

    /** Restores the last settings, wires the widgets and opens the evaluator. */
    void start() {
        MechanismSpec initial = MechanismSpec.defaults(MechanismSpec.PRIVTUNE);
        try {
            initial = MechanismSpec.parse(prefs.get("tuner.spec", initial.toString()));
        } catch (RuntimeException e) {
            // a preference from an older version: keep the defaults
        }
        controls.sample.setSelection(prefs.getInt("tuner.sample", 32));
        budget = Math.min(8, controls.sample.getSelection()); // the first point adapts it
        select(new MechanismSettings(initial, prefs.getInt("tuner.split", 2)));
        controls.show(service.settings());
        prefs.addPreferenceChangeListener(prefListener);
        broker.subscribe(StudioTopics.MECHANISM, settingsListener);
        controls.onChange = () -> changed();
        for (Control c : new Control[] {controls.split, controls.sample}) {
            c.addListener(SWT.Selection, e -> changed());
        }
        controls.presets.onPick(p -> {
            controls.showPreset(p);
            controls.setStatus("Preset @" + p.name() + ": " + p.spec().toShortString() + " at split layer " + p.split());
            changed();
        });
        controls.presets.onRefused(message -> controls.setStatus("preset: " + message));
        controls.model.onChange(m -> changed());
        controls.model.onRefused(message -> controls.setStatus("model: " + message));
        controls.save.addListener(SWT.Selection, e -> savePreset());
        controls.use.addListener(SWT.Selection, e -> useForTraining());
        controls.copy.addListener(SWT.Selection, e -> {
            Clipboard cb = new Clipboard(controls.getDisplay());
            cb.setContents(new Object[] {controls.currentSpec().toShortString()},
                    new Transfer[] {TextTransfer.getInstance()});
            cb.dispose();
        });
        controls.planeChart.addItemClickListener(item -> restore(
                (String) controls.plane.getSeriesKey(item.getSeriesIndex()), item.getItem()));
        setupEvaluator();
    }

    /**
     * A click on a trail point: its settings go back into the widgets and are evaluated again (the
     * point shown so far joins its trail, as after any change).
     */
    void restore(String series, int item) {
        List<MechanismSettings> tried = trails.get(series);
        if (tried == null || item < 0 || item >= tried.size()) {
            return;
        }
        MechanismSettings s = tried.get(item);
        controls.show(s);
        controls.setStatus("Restored " + s.spec().name() + " as tried before: " + s.spec().toShortString());
        changed();
    }

    /** The settings of each point of a mechanism's trail, oldest first (empty when none). */
    List<MechanismSettings> trail(String mechanism) {
        return List.copyOf(trails.getOrDefault(mechanism, List.of()));
    }

    private void settingsArrived(MechanismSettings.Change change) {
        if (NoiseTunerPart.ID.equals(change.source()) || controls.isDisposed()) {
            return;
        }
        controls.show(change.settings());
        if (service.current() != null) {
            changed();
        }
    }

    private void select(MechanismSettings s) {
        if (service.select(s)) {
            broker.send(StudioTopics.MECHANISM, new MechanismSettings.Change(s, NoiseTunerPart.ID));
        }
    }

    private void changed() {
        if (controls.updating) {
            return;
        }
        controls.updateLabels();
        MechanismSpec spec = controls.currentSpec();
        int split = controls.split.getSelection();
        prefs.put("tuner.spec", spec.toString());
        prefs.putInt("tuner.split", split);
        prefs.putInt("tuner.sample", controls.sample.getSelection());
        select(new MechanismSettings(spec, split));
        NoiseTunerEvaluator e = service.current();
        if (e == null || e.split() != split || spec.k() > e.graphK() || evaluatorSample != controls.sample.getSelection()
                || e.model() != controls.model.selection()) {
            setupEvaluator();
        } else {
            budget = Math.min(budget, controls.sample.getSelection());
            schedulePoint();
        }
    }

    /** (Re)opens the evaluator for the split layer, graph degree and sample size of the widgets. */
    private void setupEvaluator() {
        if (controls.isDisposed()) {
            return;
        }
        ViewJobs.cancel(setupJob, pointJob, refineJob, sweepJob);
        int layer = controls.split.getSelection();
        EncoderSource model = controls.model.selection();
        int graphK = Math.max(NoiseTunerEvaluator.DEFAULT_GRAPH_K, controls.currentSpec().k());
        int sentences = controls.sample.getSelection();
        String dataName = StudioPreferences.tunerDataset();
        Path cacheDir = StudioPreferences.cacheDir();
        NoiseTunerEvaluator old = service.replace(null);
        service.preparing(model);
        broker.send(StudioTopics.EVALUATOR, Boolean.FALSE);
        controls.setStatus("Preparing " + model.name() + " at split layer " + layer + " (reference space and neighbour graph from the "
                + "cache, computed on first use)\u2026");
        setupJob = background("Noise Tuner: preparing split layer " + layer, 0, progress -> {
            if (old != null) {
                old.close();
            }
            NoiseTunerEvaluator opened = service.open(model, dataName, layer, graphK, sentences, cacheDir, progress);
            return () -> {
                service.replace(opened);
                evaluatorSample = sentences;
                dataset = dataName;
                budget = Math.min(Math.max(budget, MIN_BUDGET), sentences);
                controls.setStatus(String.format(Locale.ROOT, "%s split after layer %d; sample: %d dev sentences of %s",
                        model.name(), layer, opened.sampleSentences(), dataName));
                controls.showEvaluated(dataName, opened.sampleSentences(), sentences);
                broker.send(StudioTopics.EVALUATOR, Boolean.TRUE);
                schedulePoint();
            };
        });
    }

    private void schedulePoint() {
        NoiseTunerEvaluator e = service.current();
        if (e == null) {
            return;
        }
        ViewJobs.cancel(pointJob, refineJob, sweepJob);
        changedAt = System.nanoTime();
        MechanismSpec spec = controls.currentSpec();
        int sentences = budget;
        pointJob = background("Noise Tuner: evaluating " + spec.name(), DEBOUNCE_MS, progress -> {
            NoiseTunerEvaluator.Point p = e.evaluate(spec, sentences, progress);
            return () -> showPoint(p);
        });
    }

    /**
     * The quick point (the sentences the latency budget allows) enters the plane and the readout at
     * once; then the whole sample refines it (probes included), then the eps sweep fills in.
     */
    private void showPoint(NoiseTunerEvaluator.Point p) {
        lastLatency = (System.nanoTime() - changedAt) / 1_000_000;
        XYSeries current = controls.plane.getSeries(TunerCharts.CURRENT);
        if (current.getItemCount() > 0 && last != null) {
            // the point shown so far joins the trail of its own mechanism
            String mechanism = last.spec().name();
            XYSeries trail = TunerCharts.trailSeries(controls.planeChart.getChart(), mechanism);
            List<MechanismSettings> tried = trails.computeIfAbsent(mechanism, m -> new ArrayList<>());
            trail.add(current.getX(0), current.getY(0));
            tried.add(new MechanismSettings(last.spec(), lastSplit));
            if (trail.getItemCount() > TRAIL) {
                trail.remove(0);
                tried.remove(0);
            }
        }
        lastSplit = controls.split.getSelection();
        showCurrent(p);
        // hold the target on what the user sees (change to point on screen: debounce, waiting for
        // a running evaluation to stop, the evaluation itself): fewer sentences when slow, more
        // (up to the chosen sample) when fast
        long target = StudioPreferences.targetMs();
        if (lastLatency > target && budget > MIN_BUDGET) {
            budget = Math.max(MIN_BUDGET, (int) (budget * 0.8 * target / lastLatency));
        } else if (lastLatency < target / 2 && budget < evaluatorSample) {
            budget = Math.min(evaluatorSample, budget * 2);
        }
        NoiseTunerEvaluator e = service.current();
        if (e != null && p.sentences() < e.sampleSentences()) {
            scheduleRefine(e, p.spec());
        } else {
            scheduleSweep(p);
        }
    }

    /** The current point on the plane, the noise chart and the readout (no trail entry). */
    private void showCurrent(NoiseTunerEvaluator.Point p) {
        last = p;
        XYSeries current = controls.plane.getSeries(TunerCharts.CURRENT);
        current.clear();
        TunerCharts.keepInView(controls.planeChart.getChart(), p.cosine());
        current.add(p.cosine(), p.top1());
        controls.showNoise(p.noiseNorms(), String.format(Locale.ROOT, "Per-token noise norms (mean %.2f over %d tokens)",
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
        String probes = estimates.isEmpty() ? "probes need " + NoiseTunerEvaluator.MIN_PROBE_SENTENCES + " sentences"
                : String.join("   ", estimates);
        NoiseTunerEvaluator e = service.current();
        String sample = e != null && p.sentences() < e.sampleSentences()
                ? String.format(Locale.ROOT, "quick: %d sentences, refining on %d\u2026", p.sentences(), e.sampleSentences())
                : p.sentences() + " sentences";
        controls.readout.setText(String.format(Locale.ROOT,
                "A1 top-1 %.1f%%   top-5 %.1f%%   utility: cosine %.3f, %s   [%s]", 100 * p.top1(), 100 * p.top5(),
                p.cosine(), probes, sample));
        controls.setStatus(String.format(Locale.ROOT, "%s \u00b7 plain NN top-1 %.1f%%, mechanism-aware %.1f%% \u00b7 %d "
                + "tokens of %d dev sentences \u00b7 computed in %d ms (%s); quick point shown %d ms after the change",
                p.spec().name(), 100 * p.top1Plain(), 100 * p.top1Aware(), p.tokens(), p.sentences(), p.millis(),
                p.timing(), lastLatency));
        controls.readout.getParent().layout(true);
    }

    /** The same setting on the whole sample; it replaces the quick point, then the sweep starts. */
    private void scheduleRefine(NoiseTunerEvaluator e, MechanismSpec spec) {
        refineJob = background("Noise Tuner: refining " + spec.name() + " on the whole sample", 0, progress -> {
            NoiseTunerEvaluator.Point p = e.evaluate(spec, e.sampleSentences(), progress);
            return () -> {
                if (last != null && last.spec().equals(spec)) {
                    showCurrent(p);
                    scheduleSweep(p);
                }
            };
        });
    }

    /**
     * Attack and utility for eps/8 .. 8 eps, the other settings fixed, on the sentences of
     * {@code center} (the eps-times-1 point); points appear as they come.
     */
    private void scheduleSweep(NoiseTunerEvaluator.Point center) {
        NoiseTunerEvaluator e = service.current();
        MechanismSpec spec = center.spec();
        controls.sweep.getSeries(0).clear();
        controls.sweep.getSeries(1).clear();
        if (e == null || spec.name().equals(MechanismSpec.NONE)) {
            return;
        }
        sweepJob = background("Noise Tuner: eps sweep", 0, progress -> {
            progress.begin("eps sweep", SWEEP.length);
            for (double f : SWEEP) {
                progress.checkCancelled();
                MechanismSpec s = spec.with("eps", Double.toString(spec.eps() * f), "eps sweep");
                NoiseTunerEvaluator.Point p = f == 1 ? center : e.evaluate(s, center.sentences(), progress);
                jobs.ui(() -> {
                    if (last != null && last.spec().equals(spec)) {
                        controls.sweep.getSeries(0).addOrUpdate(p.spec().eps(), p.top1());
                        controls.sweep.getSeries(1).addOrUpdate(p.spec().eps(), p.cosine());
                    }
                });
                progress.worked(1);
            }
            return () -> {
            };
        });
    }

    @Override
    public void savePreset() {
        MechanismSpec spec = controls.currentSpec();
        InputDialog d = new InputDialog(controls.getShell(), "Save as preset",
                "Name of the preset (letters, digits, - and _):", spec.name().replace('+', 'p') + "-"
                        + String.format(Locale.ROOT, "eps%.3g", spec.eps()).replace('.', '_'),
                v -> MechanismPresets.NAME.matcher(v).matches() ? null : "1-64 letters, digits, - and _ only");
        if (d.open() != Window.OK) {
            return;
        }
        storePreset(d.getValue());
    }

    @Override
    public void useForTraining() {
        Path file = storePreset(MechanismPresets.TRAINING);
        if (file != null) {
            controls.setStatus("Saved " + file + " \u2014 train with: ./privtune train --data " + dataset
                    + " --mechanism @" + MechanismPresets.TRAINING + " --out <folder>");
        }
    }

    private Path storePreset(String name) {
        try {
            Path file = MechanismPresets.user().save(name, controls.currentSpec(), controls.split.getSelection());
            controls.presets.refresh();
            controls.setStatus("Saved preset " + file + " (use it as --mechanism @" + name + ")");
            return file;
        } catch (IOException | RuntimeException e) {
            controls.setStatus("Could not save the preset: " + e.getMessage());
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

    private Job background(String name, long delayMs, Function<Progress, Runnable> work) {
        return jobs.schedule(name, delayMs, work);
    }

    /** Cancels the Jobs, stores the preferences and closes the evaluator after running work. */
    void dispose() {
        prefs.removePreferenceChangeListener(prefListener);
        broker.unsubscribe(settingsListener);
        ViewJobs.cancel(setupJob, pointJob, refineJob, sweepJob);
        try {
            prefs.flush();
        } catch (org.osgi.service.prefs.BackingStoreException e) {
            // preferences are a convenience
        }
        NoiseTunerEvaluator e = service.replace(null);
        broker.send(StudioTopics.EVALUATOR, Boolean.FALSE);
        if (e != null) {
            service.closeLater("Noise Tuner: closing", e);
        }
    }
}
