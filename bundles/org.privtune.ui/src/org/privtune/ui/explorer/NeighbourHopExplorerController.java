package org.privtune.ui.explorer;

import java.util.Locale;

import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.e4.core.services.events.IEventBroker;
import org.eclipse.swt.SWT;
import org.osgi.service.event.EventHandler;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.model.EncoderSource;
import org.privtune.studio.HopAnalyser;
import org.privtune.studio.HopExplorerService;
import org.privtune.studio.MechanismSettings;
import org.privtune.studio.NoiseTunerEvaluator;
import org.privtune.studio.NoiseTunerService;
import org.privtune.ui.events.StudioTopics;
import org.privtune.ui.jobs.ViewJobs;
import org.privtune.ui.prefs.StudioPreferences;

/**
 * The Neighbour-Hop Explorer's behaviour: analyses the sentence with the shared settings on the
 * Noise Tuner's evaluator in a Job (holding the evaluator's rule), then plots the selected token's
 * neighbourhood. Mechanism and n are shared with the Noise Tuner through {@link StudioTopics#MECHANISM}.
 */
final class NeighbourHopExplorerController {

    /** Perturbed samples drawn per plotted token. */
    static final int DRAWS = 60;
    /** Preference of the last sentence analysed, shown again at the next start. */
    static final String PREF_SENTENCE = "explorer.sentence";
    /** Shown instead of an analysis when the sentence box is empty. */
    static final String EMPTY = "Type a sentence (or pick an example) and press Enter or Analyse: the box is empty.";

    private final NeighbourHopExplorerControls controls;
    private final NoiseTunerService tuner;
    private final HopExplorerService hops;
    private final IEventBroker broker;
    private final ViewJobs jobs;
    private final EventHandler settingsListener = e -> follow((MechanismSettings.Change) e.getProperty(IEventBroker.DATA));
    private final EventHandler evaluatorListener = e -> evaluatorChanged((Boolean) e.getProperty(IEventBroker.DATA));
    private HopAnalyser.Analysis analysis;
    private Job analyseJob;
    private Job plotJob;
    private long draws = 1;

    NeighbourHopExplorerController(NeighbourHopExplorerControls controls, NoiseTunerService tuner,
            HopExplorerService hops, IEventBroker broker) {
        this.controls = controls;
        this.tuner = tuner;
        this.hops = hops;
        this.broker = broker;
        this.jobs = new ViewJobs(controls, tuner.rule(), NeighbourHopExplorerPart.ID, controls::setStatus);
    }

    void start() {
        String remembered = StudioPreferences.node().get(PREF_SENTENCE, "").trim();
        if (!remembered.isEmpty()) {
            controls.sentence.setText(remembered);
        }
        controls.sentence.addListener(SWT.Selection, e -> analyse());
        controls.sentence.addListener(SWT.DefaultSelection, e -> analyse());
        controls.analyse.addListener(SWT.Selection, e -> analyse());
        controls.resample.addListener(SWT.Selection, e -> {
            draws++;
            plotSelected();
        });
        controls.mechanism.addListener(SWT.Selection, e -> settingsChanged());
        controls.n.addListener(SWT.Selection, e -> settingsChanged());
        controls.table.addListener(SWT.Selection, e -> plotSelected());
        controls.show(tuner.settings().spec());
        broker.subscribe(StudioTopics.MECHANISM, settingsListener);
        broker.subscribe(StudioTopics.EVALUATOR, evaluatorListener);
        if (tuner.current() != null) {
            analyse();
        } else {
            controls.setStatus(waiting());
        }
    }

    /** Settings another view made: into the widgets and analysed. */
    private void follow(MechanismSettings.Change change) {
        if (NeighbourHopExplorerPart.ID.equals(change.source()) || controls.isDisposed()) {
            return;
        }
        controls.show(change.settings().spec());
        analyse();
    }

    /** The Noise Tuner's evaluator is ready (analyse again) or gone (wait). */
    private void evaluatorChanged(boolean ready) {
        if (controls.isDisposed()) {
            return;
        }
        if (ready) {
            analyse();
        } else {
            controls.setStatus(waiting());
        }
    }

    /** The waiting text, naming the model the Noise Tuner prepares (else the one chosen in the preferences). */
    private String waiting() {
        EncoderSource m = tuner.preparingModel();
        return "Waiting for the Noise Tuner to prepare " + (m != null ? m.name() : StudioPreferences.defaultModel())
                + "\u2026";
    }

    private void settingsChanged() {
        if (controls.updating) {
            return;
        }
        MechanismSettings s = tuner.settings();
        MechanismSpec spec = s.spec();
        String name = controls.mechanism.getText();
        if (!spec.name().equals(name)) {
            // another mechanism: its own defaults (eps scale differs), keeping the shared n, k, rho, alpha
            spec = MechanismSpec.defaults(name).with("k", Integer.toString(spec.k()), "explorer")
                    .with("rho", Double.toString(spec.rho()), "explorer")
                    .with("alpha", Double.toString(spec.alpha()), "explorer");
        }
        spec = spec.with("n", Integer.toString(controls.n.getSelection()), "explorer");
        MechanismSettings next = new MechanismSettings(spec, s.split());
        if (tuner.select(next)) {
            broker.send(StudioTopics.MECHANISM, new MechanismSettings.Change(next, NeighbourHopExplorerPart.ID));
        }
        analyse();
    }

    /** Analyses the sentence in the box with the shared settings. */
    private void analyse() {
        if (controls.isDisposed()) {
            return;
        }
        String text = controls.sentence.getText().trim();
        if (text.isEmpty()) {
            ViewJobs.cancel(analyseJob, plotJob);
            controls.setStatus(EMPTY);
            return;
        }
        StudioPreferences.node().put(PREF_SENTENCE, text);
        NoiseTunerEvaluator evaluator = tuner.current();
        if (evaluator == null) {
            return;
        }
        MechanismSpec spec = tuner.settings().spec();
        ViewJobs.cancel(analyseJob, plotJob);
        controls.setStatus("Analysing with " + spec.name() + "\u2026");
        analyseJob = jobs.schedule("Neighbour-Hop Explorer: " + spec.name(), 0, progress -> {
            HopAnalyser.Analysis a = hops.analyse(evaluator, text, spec);
            return () -> showAnalysis(a);
        });
    }

    private void showAnalysis(HopAnalyser.Analysis a) {
        analysis = a;
        int wins = (int) a.rows().stream().filter(HopAnalyser.TokenRow::attackerWins).count();
        controls.showRows(a);
        controls.setStatus(String.format(Locale.ROOT, "%s, split layer %d: the attacker recovers %d of %d tokens (marked). "
                + "N_n from the k = %d graph, n = %d.", a.spec().name(), a.split(), wins, a.rows().size(), a.spec().k(),
                a.spec().n()));
        if (!a.rows().isEmpty()) {
            plotSelected();
        }
    }

    private void plotSelected() {
        NoiseTunerEvaluator evaluator = tuner.current();
        int row = controls.table.getSelectionIndex();
        HopAnalyser.Analysis a = analysis;
        if (evaluator == null || a == null || row < 0 || row >= a.rows().size()) {
            return;
        }
        HopAnalyser.TokenRow r = a.rows().get(row);
        long seed = draws;
        ViewJobs.cancel(plotJob);
        plotJob = jobs.schedule("Neighbour-Hop Explorer: neighbourhood of " + r.token(), 0, progress -> {
            HopAnalyser.Neighbourhood nb = hops.neighbourhood(evaluator, a.sentence(), r.position(), a.spec(), DRAWS, seed);
            return () -> controls.showNeighbourhood(nb, a.spec());
        });
    }

    void dispose() {
        try {
            StudioPreferences.node().flush();
        } catch (org.osgi.service.prefs.BackingStoreException e) {
            // remembering the sentence is a convenience
        }
        broker.unsubscribe(settingsListener);
        broker.unsubscribe(evaluatorListener);
        ViewJobs.cancel(analyseJob, plotJob);
    }
}
