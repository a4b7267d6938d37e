package org.privtune.app.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;

import org.eclipse.e4.core.services.events.IEventBroker;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;
import org.privtune.core.Progress;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.Mechanisms;
import org.privtune.studio.HopAnalyser;
import org.privtune.studio.MechanismSettings;
import org.privtune.studio.NoiseTunerEvaluator;
import org.privtune.studio.NoiseTunerService;
import org.privtune.studio.Vocabulary;
import org.privtune.ui.charts.ChartCanvas;
import org.privtune.ui.charts.HopCharts;
import org.privtune.ui.events.StudioTopics;
import org.privtune.ui.explorer.NeighbourHopExplorerPart;
import org.privtune.ui.prefs.StudioPreferences;
import org.privtune.ui.tuner.NoiseTunerPart;

/**
 * The Neighbour-Hop Explorer: alone in a shell on an evaluator opened through the service, its
 * table and plot against a headless {@link HopAnalyser} on the same evaluator, sentence and spec;
 * then next to the Noise Tuner, each view follows a mechanism chosen in the other.
 */
class NeighbourHopExplorerTest {

    private static final int DRAWS = 60;

    @Test
    void tableAndPlotAreTheAnalysers() throws IOException {
        try (PartHarness ui = new PartHarness("Neighbour-Hop Explorer", 1100, 700)) {
            NoiseTunerService service = ui.context.get(NoiseTunerService.class);
            service.select(MechanismSettings.DEFAULT);
            assertNull(service.current(), "no evaluator is open before the test opens one");
            ui.make(NeighbourHopExplorerPart.class);
            Label status = ui.find(NeighbourHopExplorerPart.class, "status", Label.class);
            assertTrue(status.getText().startsWith("Waiting for the Noise Tuner"), status.getText());
            NoiseTunerEvaluator opened = service.open(StudioPreferences.tunerDataset(), 2, NoiseTunerEvaluator.DEFAULT_GRAPH_K,
                    32, StudioPreferences.cacheDir(), Progress.NONE);
            service.replace(opened);
            ui.context.get(IEventBroker.class).send(StudioTopics.EVALUATOR, Boolean.TRUE);
            try {
                waitAnalysed(ui, service, MechanismSpec.PRIVTUNE);
                compareWithHeadless(ui, service);
                assertRowsOnScreen(ui, ui.screenshot("neighbour-hop-explorer.png"));
                checkColumnsLabelsAndEmptySentence(ui);
            } finally {
                service.replace(null);
                ui.context.get(IEventBroker.class).send(StudioTopics.EVALUATOR, Boolean.FALSE);
                service.closeLater("test: closing", opened);
            }
        }
    }

    /**
     * At the studio's default width of the view (about 760 points) the guess and hop columns are in
     * view; the plot's dots carry their tokens; an empty sentence is answered with a message.
     */
    private static void checkColumnsLabelsAndEmptySentence(PartHarness ui) {
        Table table = ui.find(NeighbourHopExplorerPart.class, "tokens", Table.class);
        org.eclipse.swt.graphics.Point size = ui.shell.getSize();
        ui.shell.setSize(760, size.y);
        ui.shell.layout(true, true);
        StudioWorkbenchTest.settle(ui.display);
        int right = 0;
        for (int i = 0; i < table.getColumnCount(); i++) {
            right += table.getColumn(i).getWidth();
        }
        assertTrue(right <= table.getClientArea().width, "all columns, the guess and hop ones last, fit the table: "
                + right + " in " + table.getClientArea().width);
        ui.shell.setSize(size);
        ui.shell.layout(true, true);

        org.privtune.ui.charts.ChartCanvas plot = ui.find(NeighbourHopExplorerPart.class, "plot",
                org.privtune.ui.charts.ChartCanvas.class);
        org.jfree.chart.plot.XYPlot xy = plot.getChart().getXYPlot();
        org.jfree.data.xy.XYDataset data = xy.getDataset();
        assertTrue(xy.getRenderer().getDefaultItemLabelsVisible(), "the dots are labelled");
        String label = xy.getRenderer().getDefaultItemLabelGenerator().generateLabel(data, 0, 0);
        assertNotNull(label, "a hop-1 dot has a label");
        assertFalse(label.isBlank(), "a hop-1 dot names its token");

        Combo sentence = ui.find(NeighbourHopExplorerPart.class, "sentence", Combo.class);
        String before = sentence.getText();
        sentence.setText("   ");
        PartHarness.select(ui.find(NeighbourHopExplorerPart.class, "analyse", org.eclipse.swt.widgets.Button.class));
        Label status = ui.find(NeighbourHopExplorerPart.class, "status", Label.class);
        assertTrue(status.getText().contains("empty"), "an empty sentence gets a message: " + status.getText());
        sentence.setText(before);
    }

    @Test
    void explorerAndTunerFollowEachOther() {
        try (PartHarness ui = new PartHarness("Noise Tuner and Neighbour-Hop Explorer", 1600, 800)) {
            NoiseTunerService service = ui.context.get(NoiseTunerService.class);
            ui.make(NoiseTunerPart.class);
            ui.make(NeighbourHopExplorerPart.class);
            Combo tunerMechanism = ui.find(NoiseTunerPart.class, "mechanism", Combo.class);
            Combo explorerMechanism = ui.find(NeighbourHopExplorerPart.class, "mechanism", Combo.class);
            select(tunerMechanism, MechanismSpec.PRIVTUNE);
            waitAnalysed(ui, service, MechanismSpec.PRIVTUNE);
            select(explorerMechanism, MechanismSpec.DCHI);
            waitAnalysed(ui, service, MechanismSpec.DCHI);
            assertEquals(MechanismSpec.DCHI, tunerMechanism.getText(), "the tuner follows the explorer");
            Label readout = ui.find(NoiseTunerPart.class, "readout", Label.class);
            assertTrue(readout.getText().startsWith("A1 top-1"), "and evaluates the explorer's mechanism: " + readout.getText());
            compareWithHeadless(ui, service);
            select(tunerMechanism, MechanismSpec.PRIVTUNE);
            waitAnalysed(ui, service, MechanismSpec.PRIVTUNE);
            assertEquals(MechanismSpec.PRIVTUNE, explorerMechanism.getText(), "the explorer follows the tuner");
        }
    }

    private static void select(Combo c, String item) {
        c.select(Arrays.asList(c.getItems()).indexOf(item));
        PartHarness.select(c);
    }

    /** Waits until both views are quiet and the explorer shows an analysis of {@code mechanism}. */
    private static void waitAnalysed(PartHarness ui, NoiseTunerService service, String mechanism) {
        Table table = ui.find(NeighbourHopExplorerPart.class, "tokens", Table.class);
        Label status = ui.find(NeighbourHopExplorerPart.class, "status", Label.class);
        ui.waitUntil("an analysis with " + mechanism, () -> service.current() != null && table.getItemCount() > 0
                && status.getText().startsWith(mechanism + ", split layer")
                && service.settings().spec().name().equals(mechanism));
        ui.waitIdle(NeighbourHopExplorerPart.ID, NoiseTunerPart.ID);
        assertTrue(status.getText().startsWith(mechanism + ", split layer"), status.getText());
    }

    /** The table and plot against a headless analyser on the same evaluator, sentence and spec. */
    private static void compareWithHeadless(PartHarness ui, NoiseTunerService service) {
        NoiseTunerEvaluator evaluator = service.current();
        MechanismSpec spec = service.settings().spec();
        String sentence = ui.find(NeighbourHopExplorerPart.class, "sentence", Combo.class).getText().trim();
        HopAnalyser.Analysis again;
        try (HopAnalyser x = new HopAnalyser(evaluator, Vocabulary.of(evaluator.model()))) {
            again = x.analyse(sentence, spec);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Table table = ui.find(NeighbourHopExplorerPart.class, "tokens", Table.class);
        assertEquals(again.rows().size(), table.getItemCount(), "one row per token");
        for (int i = 0; i < again.rows().size(); i++) {
            HopAnalyser.TokenRow a = again.rows().get(i);
            assertEquals(a.token(), table.getItem(i).getText(0));
            assertEquals(a.guess(), table.getItem(i).getText(4), "guess for " + a.token());
            assertEquals(String.join(" ", a.examples()), table.getItem(i).getText(3), "examples of " + a.token());
            int size = Mechanisms.hops(evaluator.resources(), spec).indirect(a.id()).length;
            assertEquals(size, a.targetSetSize(), "|N_n| of " + a.token());
            assertTrue(table.getItem(i).getText(2).startsWith(Integer.toString(size)));
            assertEquals(a.attackerWins(), a.hop() == 0, "hop 0 exactly when the attacker wins");
            assertEquals(a.attackerWins() ? "0" : a.hop() == HopAnalyser.FAR ? "> " + (spec.n() + 1)
                    : Integer.toString(a.hop()), table.getItem(i).getText(5));
            boolean marked = !table.getItem(i).getBackground().equals(table.getBackground());
            assertEquals(a.attackerWins(), marked, "row of " + a.token() + " marked when the attacker wins");
        }
        XYSeriesCollection plot = (XYSeriesCollection) ui.find(NeighbourHopExplorerPart.class, "plot", ChartCanvas.class).getChart().getXYPlot().getDataset();
        assertEquals(spec.n() + 3, plot.getSeriesCount(), "hops 1..n, samples, clean, target");
        assertTrue(plot.getSeries(HopCharts.hopSeries(1)).getItemCount() > 0, "direct neighbours drawn");
        assertEquals(DRAWS, plot.getSeries(HopCharts.SAMPLES).getItemCount());
        assertEquals(1, plot.getSeries(HopCharts.CLEAN).getItemCount());
    }

    /**
     * The rows are on screen, not only filled: the screenshot (taken after a redraw of the whole
     * window) holds dark text pixels inside the table. Only row text is that dark: the header text
     * is grey and the selected row's white. Under GTK the rows of this table went blank on every
     * redraw of the window (no dark pixel) until the view drew the table off screen after each fill.
     */
    private static void assertRowsOnScreen(PartHarness ui, ImageData shot) {
        Table t = ui.find(NeighbourHopExplorerPart.class, "tokens", Table.class);
        Point origin = t.toDisplay(0, 0);
        Rectangle window = ui.shell.getBounds();
        Point size = t.getSize();
        int x0 = origin.x - window.x;
        int y0 = origin.y - window.y;
        int dark = 0;
        for (int y = Math.max(0, y0); y < Math.min(shot.height, y0 + size.y); y++) {
            for (int x = Math.max(0, x0); x < Math.min(shot.width, x0 + size.x); x++) {
                RGB c = shot.palette.getRGB(shot.getPixel(x, y));
                dark += c.red + c.green + c.blue < 200 ? 1 : 0;
            }
        }
        System.out.println("explorer table in the screenshot: " + dark + " dark pixels");
        assertTrue(dark > 100, "the rows' text is on screen (" + dark + " dark pixels in the table)");
    }
}
