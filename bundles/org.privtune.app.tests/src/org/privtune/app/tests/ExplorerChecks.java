package org.privtune.app.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.jfree.data.xy.XYSeriesCollection;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.Mechanisms;
import org.privtune.ui.charts.HopCharts;
import org.privtune.ui.explorer.NeighbourHopExplorerPart;
import org.privtune.attack.studio.HopExplorer;
import org.privtune.ui.tuner.MechanismSelection;
import org.privtune.ui.tuner.NoiseTunerPart;
import org.privtune.ui.tuner.StudioEngine;
import org.privtune.attack.studio.Vocabulary;

/**
 * Drives the Neighbour-Hop Explorer: its table and plot against a headless {@link HopExplorer} on
 * the same engine, sentence and spec; then switches the mechanism in the explorer and checks that
 * the Noise Tuner follows, and back from the tuner to the explorer.
 */
final class ExplorerChecks {

    private final IEclipseContext context;
    private final Shell shell;
    private NeighbourHopExplorerPart part;
    private NoiseTunerPart tuner;
    private int phase;

    ExplorerChecks(IEclipseContext context, Shell shell) {
        this.context = context;
        this.shell = shell;
    }

    void start() {
        EPartService parts = context.get(EPartService.class);
        tuner = (NoiseTunerPart) parts.findPart(NoiseTunerPart.ID).getObject();
        MPart mpart = parts.findPart(NeighbourHopExplorerPart.ID);
        assertNotNull(mpart, "the Neighbour-Hop Explorer is in the application model");
        parts.showPart(mpart, EPartService.PartState.ACTIVATE);
        part = (NeighbourHopExplorerPart) mpart.getObject();
        assertNotNull(part, "the Neighbour-Hop Explorer was created");
    }

    private boolean settled(String mechanism) {
        return !part.isBusy() && !tuner.isBusy() && StudioEngine.current() != null && part.analysis() != null
                && part.neighbourhood() != null && part.analysis().spec().name().equals(mechanism)
                && part.analysis().spec().equals(MechanismSelection.STUDIO.get().spec());
    }

    private static void select(Combo c, String item) {
        c.select(Arrays.asList(c.getItems()).indexOf(item));
        c.notifyListeners(SWT.Selection, null);
    }

    private void compareWithHeadless() {
        HopExplorer.Analysis shown = part.analysis();
        HopExplorer.Analysis again;
        try (HopExplorer x = new HopExplorer(StudioEngine.current(), Vocabulary.miniLm())) {
            again = x.analyse(shown.sentence(), shown.spec());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals(again.rows().size(), shown.rows().size());
        Table table = part.table();
        assertEquals(again.rows().size(), table.getItemCount(), "one row per token");
        int[] hopsSize = new int[again.rows().size()];
        for (int i = 0; i < again.rows().size(); i++) {
            HopExplorer.TokenRow a = again.rows().get(i);
            assertEquals(a.token(), table.getItem(i).getText(0));
            assertEquals(a.guess(), table.getItem(i).getText(4), "guess for " + a.token());
            assertEquals(a.examples(), shown.rows().get(i).examples());
            hopsSize[i] = Mechanisms.hops(StudioEngine.current().resources(), shown.spec()).indirect(a.id()).length;
            assertEquals(hopsSize[i], a.targetSetSize(), "|N_n| of " + a.token());
            assertTrue(table.getItem(i).getText(2).startsWith(Integer.toString(hopsSize[i])));
            assertEquals(a.attackerWins(), a.hop() == 0, "hop 0 exactly when the attacker wins");
            assertEquals(a.attackerWins() ? "0" : a.hop() == HopExplorer.FAR ? "> " + (shown.spec().n() + 1)
                    : Integer.toString(a.hop()), table.getItem(i).getText(5));
            boolean marked = !table.getItem(i).getBackground().equals(table.getBackground());
            assertEquals(a.attackerWins(), marked, "row of " + a.token() + " marked when the attacker wins");
        }
        XYSeriesCollection plot = (XYSeriesCollection) part.plot().getChart().getXYPlot().getDataset();
        int n = shown.spec().n();
        assertEquals(n + 3, plot.getSeriesCount(), "hops 1..n, samples, clean, target");
        assertTrue(plot.getSeries(HopCharts.hopSeries(1)).getItemCount() > 0, "direct neighbours drawn");
        assertEquals(NeighbourHopExplorerPart.DRAWS, plot.getSeries(HopCharts.SAMPLES).getItemCount());
        assertEquals(1, plot.getSeries(HopCharts.CLEAN).getItemCount());
    }

    /**
     * The rows are on screen, not only filled: the screenshot (taken after a redraw of the whole
     * window) holds dark text pixels inside the table. Only row text is that dark: the header text
     * is grey and the selected row's white. Under GTK the rows of this table went blank on every
     * redraw of the window (no dark pixel) until the view drew the table off screen after each fill.
     */
    private void assertRowsOnScreen(org.eclipse.swt.graphics.ImageData shot) {
        Table t = part.table();
        org.eclipse.swt.graphics.Point origin = t.toDisplay(0, 0);
        org.eclipse.swt.graphics.Rectangle window = shell.getBounds();
        org.eclipse.swt.graphics.Point size = t.getSize();
        int x0 = origin.x - window.x;
        int y0 = origin.y - window.y;
        int dark = 0;
        for (int y = Math.max(0, y0); y < Math.min(shot.height, y0 + size.y); y++) {
            for (int x = Math.max(0, x0); x < Math.min(shot.width, x0 + size.x); x++) {
                org.eclipse.swt.graphics.RGB c = shot.palette.getRGB(shot.getPixel(x, y));
                dark += c.red + c.green + c.blue < 200 ? 1 : 0;
            }
        }
        System.out.println("explorer table in the screenshot: " + dark + " dark pixels");
        assertTrue(dark > 100, "the rows' text is on screen (" + dark + " dark pixels in the table)");
    }

    boolean checked() {
        switch (phase) {
            case 0 -> {
                if (!settled(MechanismSpec.PRIVTUNE)) {
                    return false;
                }
                compareWithHeadless();
                StudioWorkbenchTest.settle(shell.getDisplay());
                assertRowsOnScreen(StudioWorkbenchTest.screenshot(shell.getDisplay(), shell,
                        "neighbour-hop-explorer.png"));
                select(part.mechanismCombo(), MechanismSpec.DCHI);
                phase = 1;
            }
            case 1 -> {
                if (!settled(MechanismSpec.DCHI)) {
                    return false;
                }
                assertEquals(MechanismSpec.DCHI, tuner.mechanismCombo().getText(), "the tuner follows the explorer");
                assertTrue(tuner.lastPoint() != null && tuner.lastPoint().spec().name().equals(MechanismSpec.DCHI),
                        "and evaluates the explorer's mechanism");
                compareWithHeadless();
                select(tuner.mechanismCombo(), MechanismSpec.PRIVTUNE);
                phase = 2;
            }
            case 2 -> {
                if (!settled(MechanismSpec.PRIVTUNE)) {
                    return false;
                }
                assertEquals(MechanismSpec.PRIVTUNE, part.mechanismCombo().getText(), "the explorer follows the tuner");
                return true;
            }
            default -> throw new IllegalStateException();
        }
        return false;
    }
}
