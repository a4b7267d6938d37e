package org.privtune.app.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.eclipse.swt.widgets.Event;
import org.jfree.chart.entity.XYItemEntity;
import org.junit.jupiter.api.Test;
import org.privtune.core.Progress;
import org.privtune.mechanism.MechanismPresets;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.SpecialTokens;
import org.privtune.mechanism.TaskRelevance;
import org.privtune.studio.NoiseTunerEvaluator;
import org.privtune.studio.NoiseTunerService;
import org.privtune.ui.charts.ChartCanvas;
import org.privtune.ui.charts.TunerCharts;
import org.privtune.ui.prefs.StudioPreferences;
import org.privtune.ui.tuner.NoiseTunerPart;
import org.privtune.ui.tuner.PositionSlider;
import org.privtune.ui.tuner.PresetActions;
import org.privtune.ui.widgets.WidgetIds;

/**
 * The Noise Tuner alone in a shell, driven like a user (mechanism combo, eps slider, the
 * mechanism's own parameter controls, presets):
 * the charts and the readout show exactly what the headless {@link NoiseTunerEvaluator} computes
 * for the same settings and sample, and the numbers move the way the mechanisms say they must (no
 * noise: utility 1; more noise: less inversion and less utility).
 */
class NoiseTunerTest {

    private static final Pattern WHOLE_SAMPLE = Pattern.compile("\\[(\\d+) sentences\\]$");

    @Test
    void pointsAreTheEvaluatorsAndMoveWithTheNoise() throws Exception {
        try (PartHarness ui = new PartHarness("Noise Tuner", 1280, 800)) {
            NoiseTunerService service = ui.context.get(NoiseTunerService.class);
            assertNotNull(service, "the Noise Tuner service is registered");
            long opened = System.nanoTime();
            ui.make(NoiseTunerPart.class);
            assertNotNull(ui.partContext(NoiseTunerPart.class).getLocal(PresetActions.class),
                    "the part context offers the Mechanism menu's actions");
            Combo mechanism = ui.find("mechanism", Combo.class);
            long firstMs = TunerLatency.untilPainted(ui, opened);
            shownPoint(ui, service); // the settings the view starts with
            select(mechanism, MechanismSpec.NONE);
            NoiseTunerEvaluator.Point none = shownPoint(ui, service);
            assertEquals(MechanismSpec.NONE, none.spec().name());
            assertEquals(1.0, none.cosine(), 1e-4, "no noise: the sentence embedding is unchanged");
            assertTrue(none.top1() > 0.3, "clean representations invert easily: " + none.top1());
            NoiseTunerEvaluator evaluator = service.current();
            NoiseTunerEvaluator.Point all = evaluator.evaluate(none.spec(), evaluator.sampleSentences(), Progress.NONE);
            assertTrue(all.probe().available() && all.attribute().available(), "probes on the whole sample");
            assertTrue(all.probe().accuracy() > all.probe().majority(),
                    "label probe on clean embeddings beats the majority: " + all.probe());

            select(mechanism, MechanismSpec.DCHI);
            NoiseTunerEvaluator.Point dchi = shownPoint(ui, service);
            assertEquals(MechanismSpec.DCHI, dchi.spec().name());
            assertTrue(dchi.cosine() < none.cosine(), "noise costs utility");

            // ten times less eps: ten times the noise radius
            PositionSlider eps = ui.find("eps", PositionSlider.class);
            eps.setSelection(eps.getSelection() - 33);
            PartHarness.select(eps);
            NoiseTunerEvaluator.Point p = shownPoint(ui, service);
            assertEquals(dchi.spec().eps() / 10, p.spec().eps(), dchi.spec().eps() * 0.03);
            assertTrue(p.top1() <= dchi.top1(), "more noise, no easier inversion: " + p.top1() + " vs " + dchi.top1());
            assertTrue(p.cosine() < dchi.cosine(), "more noise, less utility");
            checkTrails(ui, dchi);

            select(mechanism, MechanismSpec.PRIVTUNE);
            NoiseTunerEvaluator.Point privtune = shownPoint(ui, service);
            assertEquals(MechanismSpec.PRIVTUNE, privtune.spec().name());
            XYSeries attack = ((XYSeriesCollection) dataset(ui, "sweepChart")).getSeries(0);
            assertEquals(7, attack.getItemCount(), "eps/8 .. 8 eps");
            int middle = attack.indexOf(privtune.spec().eps());
            assertTrue(middle >= 0, "the sweep contains the current eps");
            assertEquals(privtune.top1(), attack.getY(middle).doubleValue(), 0);
            restoreFromTrail(ui, service, p);
            select(mechanism, MechanismSpec.PRIVTUNE);
            shownPoint(ui, service);
            TunerLatency.measure(ui, service, firstMs, 7);
            checkEvaluatedLine(ui, service);
            saveCharts(ui);
            useForTraining(ui, service.settings().spec()); // privtune, at the eps the latency moves left
            checkParameterControls(ui, service);
            checkPublicRelevanceSource(service.current()); // before the recommended preset asks for it
            checkPresets(ui, service);
            ui.screenshot("noise-tuner.png");
            System.out.println("noise tuner: " + ui.find("status", Label.class).getText());
        }
    }

    /** One trail per mechanism: none and dchi each have theirs, and no series mixes mechanisms. */
    private static void checkTrails(PartHarness ui, NoiseTunerEvaluator.Point dchi) {
        XYSeriesCollection plane = plane(ui);
        List<String> names = Arrays.asList(MechanismSpec.NAMES);
        for (int i = 0; i < plane.getSeriesCount(); i++) {
            String key = (String) plane.getSeriesKey(i);
            assertTrue(key.equals(TunerCharts.CURRENT) || names.contains(key), "a series per mechanism: " + key);
        }
        XYSeries none = plane.getSeries(TunerCharts.trail(MechanismSpec.NONE));
        XYSeries trail = plane.getSeries(TunerCharts.trail(MechanismSpec.DCHI));
        assertTrue(none.getItemCount() >= 1, "none's trail");
        int last = trail.getItemCount() - 1;
        assertTrue(last >= 0, "dchi's trail");
        assertEquals(dchi.cosine(), trail.getX(last).doubleValue(), 1e-9, "dchi's trail ends at its first point");
        assertEquals(dchi.top1(), trail.getY(last).doubleValue(), 0);
        for (int i = 0; i < none.getItemCount(); i++) {
            assertEquals(1.0, none.getX(i).doubleValue(), 1e-4, "none's trail holds only points without noise");
        }
    }

    /**
     * A click on dchi's trail point (after the eps change and a switch to privtune) puts that
     * point's settings back: dchi at its first eps.
     */
    private static void restoreFromTrail(PartHarness ui, NoiseTunerService service, NoiseTunerEvaluator.Point lower) {
        select(ui.find("mechanism", Combo.class), MechanismSpec.PRIVTUNE);
        shownPoint(ui, service);
        ChartCanvas canvas = ui.find("planeChart", ChartCanvas.class);
        canvas.redraw();
        canvas.update();
        StudioWorkbenchTest.settle(ui.display);
        XYSeriesCollection plane = plane(ui);
        int dchi = plane.getSeriesIndex(TunerCharts.trail(MechanismSpec.DCHI));
        int last = plane.getSeries(dchi).getItemCount() - 1;
        double eps = lower.spec().eps();
        org.eclipse.swt.graphics.Point at = null;
        java.awt.geom.Rectangle2D area = canvas.dataArea();
        for (int x = (int) area.getMinX(); x < area.getMaxX() && at == null; x++) {
            for (int y = (int) area.getMinY(); y < area.getMaxY() && at == null; y++) {
                if (canvas.entityAt(x, y) instanceof XYItemEntity e && e.getSeriesIndex() == dchi && e.getItem() == last) {
                    at = new org.eclipse.swt.graphics.Point(x, y);
                }
            }
        }
        assertNotNull(at, "dchi's last trail point is drawn");
        Event down = new Event();
        down.button = 1;
        down.x = at.x;
        down.y = at.y;
        canvas.notifyListeners(SWT.MouseDown, down);
        Event up = new Event();
        up.button = 1;
        up.x = at.x;
        up.y = at.y;
        canvas.notifyListeners(SWT.MouseUp, up);
        NoiseTunerEvaluator.Point restored = shownPoint(ui, service);
        assertEquals(MechanismSpec.DCHI, restored.spec().name(), "the click restored dchi");
        assertEquals(eps, restored.spec().eps(), eps * 1e-9, "at the eps of the clicked point");
    }

    /** The view names its data set and the sentences of its sample. */
    private static void checkEvaluatedLine(PartHarness ui, NoiseTunerService service) {
        String text = ui.find("evaluated", Label.class).getText();
        assertTrue(text.startsWith("Data set: " + StudioPreferences.tunerDataset()), text);
        assertTrue(text.contains("sample: " + service.current().sampleSentences() + " dev sentences"), text);
    }

    /** The plane saved as PNG (decodes) and as SVG (an SVG document) through the chart's own save. */
    private static void saveCharts(PartHarness ui) throws Exception {
        Path dir = Files.createTempDirectory("privtune-tuner-charts");
        try {
            ChartCanvas canvas = ui.find("planeChart", ChartCanvas.class);
            canvas.save(dir.resolve("plane.png"));
            java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(dir.resolve("plane.png").toFile());
            assertNotNull(png, "the PNG decodes");
            assertTrue(png.getWidth() > 100 && png.getHeight() > 100, png.getWidth() + "x" + png.getHeight());
            canvas.save(dir.resolve("plane.svg"));
            String svg = Files.readString(dir.resolve("plane.svg"));
            assertTrue(svg.contains("<svg") && svg.contains("Privacy / utility"), "an SVG of the plane, with its title as text");
        } finally {
            StudioWorkbenchTest.deleteTree(dir);
        }
    }

    private static void select(Combo c, String item) {
        c.select(Arrays.asList(c.getItems()).indexOf(item));
        PartHarness.select(c);
    }

    private static XYSeriesCollection plane(PartHarness ui) {
        return (XYSeriesCollection) dataset(ui, "planeChart");
    }

    private static XYDataset dataset(PartHarness ui, String chart) {
        return ui.find(chart, ChartCanvas.class).getChart().getXYPlot().getDataset();
    }

    /**
     * Waits for the point of the view's settings on the whole sample (and its sweep), then checks
     * that the plane, the noise chart and the readout show a fresh headless evaluation of the same
     * spec on the same sentences; returns that evaluation.
     */
    private static NoiseTunerEvaluator.Point shownPoint(PartHarness ui, NoiseTunerService service) {
        Label readout = ui.find("readout", Label.class);
        ui.waitUntil("the point on the whole sample", () -> service.current() != null
                && WHOLE_SAMPLE.matcher(readout.getText()).find());
        ui.waitIdle(NoiseTunerPart.ID);
        Matcher m = WHOLE_SAMPLE.matcher(readout.getText());
        assertTrue(m.find(), readout.getText());
        // the spec the widgets describe, shown short and rounded under the controls
        MechanismSpec spec = service.settings().spec();
        assertEquals(spec.toShortString(), ui.find("spec", Label.class).getText().replace(", ", ","));
        NoiseTunerEvaluator.Point again = service.current().evaluate(spec, Integer.parseInt(m.group(1)), Progress.NONE);
        XYSeries current = plane(ui).getSeries(TunerCharts.CURRENT);
        assertEquals(1, current.getItemCount());
        assertEquals(again.cosine(), current.getX(0).doubleValue(), 1e-6, "utility of " + spec);
        assertEquals(again.top1(), current.getY(0).doubleValue(), 0, "A1 top-1 of " + spec);
        String text = readout.getText();
        assertTrue(text.contains(String.format(Locale.ROOT, "A1 top-1 %.1f%%   top-5 %.1f%%   utility: cosine %.3f",
                100 * again.top1(), 100 * again.top5(), again.cosine())), text);
        String probe = again.probe().available()
                ? String.format(Locale.ROOT, "label probe %.0f%%", 100 * again.probe().accuracy())
                : "probes need " + NoiseTunerEvaluator.MIN_PROBE_SENTENCES + " sentences";
        assertTrue(text.contains(probe), text);
        if (again.attribute().available()) {
            assertTrue(text.contains(String.format(Locale.ROOT, "length-bucket probe %.0f%%",
                    100 * again.attribute().accuracy())), text);
        }
        XYIntervalSeriesCollection noise = (XYIntervalSeriesCollection) dataset(ui, "noiseChart");
        double total = 0;
        for (int i = 0; i < noise.getItemCount(0); i++) {
            total += noise.getYValue(0, i);
        }
        assertEquals(again.tokens(), (int) total, "one noise norm per attacked token");
        System.out.printf(Locale.ROOT, "noise tuner: %s -> top1 %.3f top5 %.3f cos %.4f (%d tokens, %d sentences)%n", spec,
                again.top1(), again.top5(), again.cosine(), again.tokens(), again.sentences());
        return again;
    }

    /** "Use for training" stores the settings where ./privtune train --mechanism @training reads them. */
    private static void useForTraining(PartHarness ui, MechanismSpec spec) throws Exception {
        Path presets = Files.createTempDirectory("privtune-presets");
        try {
            System.setProperty("privtune.presets.dir", presets.toString());
            PartHarness.select(ui.find("useForTraining", Button.class));
            MechanismPresets.Preset saved = MechanismPresets.user().load(MechanismPresets.TRAINING);
            assertEquals(spec, saved.spec());
            assertEquals(ui.find("split", Spinner.class).getSelection(), saved.split());
        } finally {
            System.clearProperty("privtune.presets.dir");
            StudioWorkbenchTest.deleteTree(presets);
        }
    }

    /**
     * Only the selected mechanism's parameters have controls, each with its tooltip, the rare ones
     * under Advanced; changing them changes the evaluated spec, and a refused combination (poolcanon
     * without a pool) names the parameter and changes nothing.
     */
    private static void checkParameterControls(PartHarness ui, NoiseTunerService service) {
        select(ui.find("mechanism", Combo.class), MechanismSpec.DCHI);
        assertVisible(ui, "eps", true);
        for (String foreign : new String[] {"n", "k", "rho", "alpha", "keep", "kept", "pool"}) {
            assertNull(WidgetIds.find(ui.shell, foreign), "dchi shows no " + foreign);
        }
        Button toggle = ui.find("advancedToggle", Button.class);
        assertTrue(toggle.getText().endsWith("Advanced (3)"), toggle.getText());
        assertVisible(ui, "specials", false);
        PartHarness.select(toggle);
        assertVisible(ui, "specials", true);
        PartHarness.select(toggle);
        assertVisible(ui, "specials", false);

        select(ui.find("mechanism", Combo.class), MechanismSpec.PRIVTUNE_SWAP);
        for (String own : new String[] {"eps", "keep", "kept", "n", "shuffle", "relevance", "pool", "poolcanon"}) {
            assertVisible(ui, own, true);
            String tip = ui.find(own, org.eclipse.swt.widgets.Control.class).getToolTipText();
            assertTrue(tip != null && tip.startsWith(own + ": "), own + " has its tooltip: " + tip);
        }
        for (String rare : new String[] {"k", "prior", "clusters", "tiers", "window", "specials", "lengths", "seed"}) {
            assertVisible(ui, rare, false);
        }
        for (String foreign : new String[] {"rho", "alpha", "tau", "mix", "clip"}) {
            assertNull(WidgetIds.find(ui.shell, foreign), "privtune-swap shows no " + foreign);
        }
        Spinner pool = ui.find("pool", Spinner.class);
        pool.setSelection(200);
        PartHarness.select(pool);
        Combo kept = ui.find("kept", Combo.class);
        select(kept, "tier");
        Button shuffle = ui.find("shuffle", Button.class);
        shuffle.setSelection(true);
        PartHarness.select(shuffle);
        MechanismSpec swap = service.settings().spec();
        assertEquals(MechanismSpec.PRIVTUNE_SWAP, swap.name());
        assertEquals(200, swap.pool());
        assertEquals("tier", swap.kept());
        assertTrue(swap.shuffle());
        Spinner keep = ui.find("keep", Spinner.class);
        keep.setSelection(30);
        PartHarness.select(keep);
        assertEquals(0.3, service.settings().spec().keep(), 1e-12, "the kept share in hundredths");
        pool.setSelection(0);
        PartHarness.select(pool);
        MechanismSpec before = service.settings().spec();
        assertEquals(0, before.pool());
        Button poolcanon = ui.find("poolcanon", Button.class);
        poolcanon.setSelection(true);
        PartHarness.select(poolcanon);
        String status = ui.find("status", Label.class).getText();
        assertTrue(status.contains("poolcanon") && status.contains("needs a pool"), status);
        assertEquals(before, service.settings().spec(), "a refused combination changes nothing");
        pool.setSelection(30000);
        PartHarness.select(pool);
        assertTrue(service.settings().spec().poolCanon(), "with a pool, poolcanon is applied");
        assertEquals(30000, service.settings().spec().pool());
        assertEquals(service.settings().spec().toShortString(), ui.find("spec", Label.class).getText().replace(", ", ","));
        ui.waitIdle(NoiseTunerPart.ID);
    }

    /**
     * A preset picked in the tuner fills the controls (mechanism, parameters, split layer) and is
     * the spec evaluated; its one line says what it protects and costs.
     */
    private static void checkPresets(PartHarness ui, NoiseTunerService service) {
        Combo presets = ui.find("preset", Combo.class);
        for (MechanismPresets.BuiltIn b : MechanismPresets.BUILT_IN) {
            assertTrue(Arrays.asList(presets.getItems()).contains("@" + b.name()), "listed: @" + b.name());
        }
        MechanismPresets.BuiltIn eps8 = MechanismPresets.builtIn("privtune-eps8");
        select(presets, "@privtune-eps8");
        assertEquals(MechanismSpec.PRIVTUNE, ui.find("mechanism", Combo.class).getText());
        assertEquals(eps8.spec(), service.settings().spec(), "the preset is the spec the tuner evaluates");
        assertEquals(eps8.split(), service.settings().split());
        assertEquals("8", ui.find("eps.value", Label.class).getText(), "eps shown rounded");
        assertTrue(ui.find("presetInfo", Label.class).getText().contains(eps8.description()),
                ui.find("presetInfo", Label.class).getText());
        NoiseTunerEvaluator.Point p = shownPoint(ui, service);
        assertEquals(eps8.spec(), p.spec(), "the evaluated point is the preset's");

        MechanismPresets.BuiltIn swap = MechanismPresets.builtIn(MechanismPresets.RECOMMENDED);
        select(presets, "@" + MechanismPresets.RECOMMENDED);
        assertEquals(swap.spec(), service.settings().spec());
        assertEquals(30, ui.find("keep", Spinner.class).getSelection(), "keep=0.3 in the kept share control");
        assertEquals("canon", ui.find("kept", Combo.class).getText());
        assertTrue(ui.find("shuffle", Button.class).getSelection());
        assertEquals(30000, ui.find("pool", Spinner.class).getSelection());
        assertNull(WidgetIds.find(ui.shell, "rho"), "only the preset mechanism's parameters");
        assertEquals(swap.spec().toShortString(), ui.find("spec", Label.class).getText().replace(", ", ","));
        // back to the paper's PrivTune for the screenshot (the swap preset counts IMDB relevance first)
        select(presets, "@privtune-eps16");
        shownPoint(ui, service);
    }

    private static void assertVisible(PartHarness ui, String id, boolean visible) {
        org.eclipse.swt.widgets.Control c = WidgetIds.find(ui.shell, id);
        assertNotNull(c, "a control for " + id);
        assertEquals(visible, c.isVisible(), id + (visible ? " shown" : " hidden under Advanced"));
    }

    /**
     * relevance=imdb|both: the evaluator asks its source once and keeps the table. The studio's own
     * source counts IMDB (about a minute), so a stand-in table is installed here, last in the checks.
     */
    private static void checkPublicRelevanceSource(NoiseTunerEvaluator evaluator) {
        MechanismSpec imdb = MechanismSpec.parse("privtune-swap:keep=0.3,pool=200,kept=canon,relevance=imdb");
        SpecialTokens tokens = evaluator.resources().tokens();
        TaskRelevance stand = TaskRelevance.fromLabelledIds(tokens.vocabSize(), List.of(new int[] {2204}, new int[] {2919}),
                new int[] {1, 0}, 2, tokens);
        int[] asked = {0};
        evaluator.setPublicRelevanceSource(p -> {
            asked[0]++;
            return stand;
        });
        assertEquals(stand, evaluator.resourcesFor(imdb, Progress.NONE).publicRelevance());
        assertEquals(stand, evaluator.resourcesFor(imdb, Progress.NONE).publicRelevance());
        assertEquals(1, asked[0], "counted once");
        assertEquals(evaluator.resources().relevance(),
                evaluator.resourcesFor(MechanismSpec.parse("privtune-swap:keep=0.3"), Progress.NONE).relevance());
    }
}
