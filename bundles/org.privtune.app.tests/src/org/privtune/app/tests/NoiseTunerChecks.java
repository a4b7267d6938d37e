package org.privtune.app.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Shell;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.privtune.core.Progress;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.ui.tuner.NoiseTunerPart;
import org.privtune.mechanism.MechanismPresets;
import org.privtune.attack.studio.TunerEngine;

/**
 * Drives the Noise Tuner like a user (mechanism combo, eps slider), waits for its Job and checks
 * that the charts show exactly what the headless {@link TunerEngine} computes for the same
 * settings and sample, and that the numbers move the way the mechanisms say they must (no noise:
 * utility 1; more noise: less inversion and less utility).
 */
final class NoiseTunerChecks {

    private final IEclipseContext context;
    private final Shell shell;
    private NoiseTunerPart part;
    private int phase;
    private TunerEngine.Point none;
    private TunerEngine.Point dchi;

    NoiseTunerChecks(IEclipseContext context, Shell shell) {
        this.context = context;
        this.shell = shell;
    }

    void start() {
        EPartService parts = context.get(EPartService.class);
        MPart mpart = parts.findPart(NoiseTunerPart.ID);
        assertNotNull(mpart, "the Noise Tuner is in the application model");
        parts.showPart(mpart, EPartService.PartState.ACTIVATE);
        part = (NoiseTunerPart) mpart.getObject();
        assertNotNull(part, "the Noise Tuner was created");
    }

    private void select(String mechanism) {
        Combo c = part.mechanismCombo();
        c.select(Arrays.asList(c.getItems()).indexOf(mechanism));
        c.notifyListeners(SWT.Selection, null);
    }

    /** The point on screen equals a fresh headless evaluation of the same spec on the same sample. */
    /**
     * relevance=imdb|both: the engine asks its source once and keeps the table. The studio's own
     * source counts IMDB (about a minute), so a stand-in table is installed here, last in the checks.
     */
    private static void checkPublicRelevanceSource(TunerEngine engine) {
        MechanismSpec imdb = MechanismSpec.parse("privtune-swap:keep=0.3,pool=200,kept=canon,relevance=imdb");
        org.privtune.mechanism.SpecialTokens tokens = engine.resources().tokens();
        org.privtune.mechanism.TaskRelevance stand = org.privtune.mechanism.TaskRelevance.fromLabelledIds(
                tokens.vocabSize(), java.util.List.of(new int[] {2204}, new int[] {2919}), new int[] {1, 0}, 2, tokens);
        int[] asked = {0};
        engine.setPublicRelevanceSource(p -> {
            asked[0]++;
            return stand;
        });
        assertEquals(stand, engine.resourcesFor(imdb, Progress.NONE).publicRelevance());
        assertEquals(stand, engine.resourcesFor(imdb, Progress.NONE).publicRelevance());
        assertEquals(1, asked[0], "counted once");
        assertEquals(engine.resources().relevance(),
                engine.resourcesFor(MechanismSpec.parse("privtune-swap:keep=0.3"), Progress.NONE).relevance());
    }

    private TunerEngine.Point checkAgainstEngine() {
        TunerEngine.Point shown = part.lastPoint();
        TunerEngine.Point again = part.engine().evaluate(shown.spec(), shown.sentences(), Progress.NONE);
        assertEquals(again.top1(), shown.top1(), 0, "A1 top-1 of " + shown.spec());
        assertEquals(again.top5(), shown.top5(), 0);
        assertEquals(again.cosine(), shown.cosine(), 1e-6);
        assertEquals(again.tokens(), shown.tokens());
        assertEquals(again.probe(), shown.probe(), "label probe of " + shown.spec());
        assertEquals(again.attribute(), shown.attribute(), "length-bucket probe of " + shown.spec());
        String expected = shown.probe().available()
                ? String.format(Locale.ROOT, "label probe %.0f%%", 100 * shown.probe().accuracy())
                : "probes need " + TunerEngine.MIN_PROBE_SENTENCES + " sentences";
        assertTrue(part.readoutText().contains(expected), part.readoutText());
        XYSeries current = part.planeDataset().getSeries(1);
        assertEquals(1, current.getItemCount());
        assertEquals(shown.cosine(), current.getX(0).doubleValue(), 0);
        assertEquals(shown.top1(), current.getY(0).doubleValue(), 0);
        XYIntervalSeriesCollection noise = part.noiseDataset();
        double total = 0;
        for (int i = 0; i < noise.getItemCount(0); i++) {
            total += noise.getYValue(0, i);
        }
        assertEquals(shown.tokens(), (int) total, "one noise norm per attacked token");
        System.out.printf(Locale.ROOT, "noise tuner: %s -> top1 %.3f top5 %.3f cos %.4f (%d tokens, %d sentences, %d ms, "
                + "shown %d ms after the change; %s)%n", shown.spec(), shown.top1(), shown.top5(), shown.cosine(),
                shown.tokens(), shown.sentences(), shown.millis(), part.lastLatencyMs(), shown.timing());
        return shown;
    }

    boolean checked() {
        if (part.isPointPending()) {
            return false;
        }
        switch (phase) {
            case 0 -> {
                select(MechanismSpec.NONE);
                phase = 1;
            }
            case 1 -> {
                none = checkAgainstEngine();
                assertEquals(MechanismSpec.NONE, none.spec().name());
                assertEquals(1.0, none.cosine(), 1e-4, "no noise: the sentence embedding is unchanged");
                assertTrue(none.top1() > 0.3, "clean representations invert easily: " + none.top1());
                // The probes on the whole sample: the clean sentence embeddings carry the label.
                TunerEngine.Point all = part.engine().evaluate(none.spec(), part.engine().sampleSentences(), Progress.NONE);
                assertTrue(all.probe().available() && all.attribute().available(), "probes on the whole sample");
                assertTrue(all.probe().accuracy() > all.probe().majority(),
                        "label probe on clean embeddings beats the majority: " + all.probe());
                System.out.println("noise tuner probes on the whole sample (none): " + all.probe() + ", length bucket "
                        + all.attribute());
                select(MechanismSpec.DCHI);
                phase = 2;
            }
            case 2 -> {
                dchi = checkAgainstEngine();
                assertEquals(MechanismSpec.DCHI, dchi.spec().name());
                assertTrue(dchi.cosine() < none.cosine(), "noise costs utility");
                // ten times less eps: ten times the noise radius
                part.epsScale().setSelection(part.epsScale().getSelection() - 33);
                part.epsScale().notifyListeners(SWT.Selection, null);
                phase = 3;
            }
            case 3 -> {
                TunerEngine.Point p = checkAgainstEngine();
                assertEquals(dchi.spec().eps() / 10, p.spec().eps(), dchi.spec().eps() * 0.03);
                assertTrue(p.top1() <= dchi.top1(), "more noise, no easier inversion: " + p.top1() + " vs " + dchi.top1());
                assertTrue(p.cosine() < dchi.cosine(), "more noise, less utility");
                assertTrue(part.planeDataset().getSeries(0).getItemCount() >= 3, "the trail keeps the settings tried");
                select(MechanismSpec.PRIVTUNE);
                phase = 4;
            }
            case 4 -> {
                if (part.isBusy()) {
                    return false; // the eps sweep fills in
                }
                TunerEngine.Point p = checkAgainstEngine();
                assertEquals(MechanismSpec.PRIVTUNE, p.spec().name());
                XYSeries attack = part.sweepDataset().getSeries(0);
                assertEquals(7, attack.getItemCount(), "eps/8 .. 8 eps");
                int middle = attack.indexOf(p.spec().eps());
                assertTrue(middle >= 0, "the sweep contains the current eps");
                assertEquals(p.top1(), attack.getY(middle).doubleValue(), 0);
                // "Use for training" stores the settings where ./privtune train --mechanism @training reads them.
                Path presets = null;
                try {
                    presets = Files.createTempDirectory("privtune-presets");
                    System.setProperty("privtune.presets.dir", presets.toString());
                    part.useForTrainingButton().notifyListeners(SWT.Selection, null);
                    MechanismPresets.Preset saved = MechanismPresets.user().load(MechanismPresets.TRAINING);
                    assertEquals(p.spec(), saved.spec());
                    assertEquals(part.splitLayer(), saved.split());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } finally {
                    System.clearProperty("privtune.presets.dir");
                    StudioWorkbenchTest.deleteTree(presets);
                }
                StudioWorkbenchTest.settle(shell.getDisplay());
                StudioWorkbenchTest.screenshot(shell.getDisplay(), shell, "noise-tuner.png");
                System.out.println("noise tuner refresh latencies (ms, change to point on screen): " + part.latencies());
                checkPublicRelevanceSource(part.engine());
                return true;
            }
            default -> throw new IllegalStateException();
        }
        return false;
    }
}
