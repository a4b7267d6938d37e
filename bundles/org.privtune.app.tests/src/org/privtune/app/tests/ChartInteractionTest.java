package org.privtune.app.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.AttributedCharacterIterator;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Menu;
import org.eclipse.swt.widgets.MenuItem;
import org.eclipse.swt.widgets.Shell;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.LogTick;
import org.jfree.chart.axis.Tick;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.entity.ChartEntity;
import org.jfree.chart.entity.XYItemEntity;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.Range;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;
import org.privtune.ui.charts.ChartCanvas;
import org.privtune.ui.charts.ChartExport;
import org.privtune.ui.charts.TunerCharts;

/**
 * What every chart of the studio offers, on the Noise Tuner's eps sweep (a log axis) and its
 * privacy/utility plane in a shell of their own: tooltips, wheel zoom and reset, the context menu,
 * Save as PNG and SVG, drawing at twice the pixels for a 200% screen, titles that fit, and log-axis
 * ticks that read as plain numbers.
 */
class ChartInteractionTest {

    @Test
    void chartsZoomSaveAndReadWell() throws Exception {
        Display display = Display.getDefault();
        Shell shell = new Shell(display);
        shell.setLayout(new FillLayout());
        shell.setSize(520, 380);
        XYSeriesCollection sweep = TunerCharts.sweepDataset();
        double[] eps = {2.55, 5.1, 10.2, 20.4, 40.8, 81.7, 163.3};
        for (int i = 0; i < eps.length; i++) {
            sweep.getSeries(0).add(eps[i], 0.1 + 0.12 * i);
            sweep.getSeries(1).add(eps[i], 0.2 + 0.1 * i);
        }
        ChartCanvas canvas = new ChartCanvas(shell, SWT.BORDER);
        canvas.setChart(TunerCharts.sweep(sweep));
        shell.open();
        Path dir = Files.createTempDirectory("privtune-charts");
        try {
            paint(display, canvas);

            // tooltips: the item under the pointer names its series and values
            XYItemEntity item = firstItem(canvas);
            assertNotNull(item, "the drawn chart has item entities");
            Rectangle2D r = item.getArea().getBounds2D();
            ChartEntity at = canvas.entityAt((int) r.getCenterX(), (int) r.getCenterY());
            assertNotNull(at, "an entity under the item's centre");
            assertNotNull(at.getToolTipText(), "items have tooltips");
            assertTrue(at.getToolTipText().startsWith(TunerCharts.ATTACK) || at.getToolTipText().startsWith(TunerCharts.UTILITY),
                    at.getToolTipText());

            // log ticks read as plain numbers on powers of two
            LogAxis axis = (LogAxis) canvas.getChart().getXYPlot().getDomainAxis();
            List<String> labels = tickLabels(axis, canvas.dataArea());
            assertFalse(labels.isEmpty(), "ticks");
            for (String l : labels) {
                assertTrue(l.matches("\\d+(\\.\\d+)?"), "a plain number: " + l + " in " + labels);
                double v = Double.parseDouble(l);
                assertEquals(Math.rint(Math.log(v) / Math.log(2)), Math.log(v) / Math.log(2), 1e-9, "a power of two: " + l);
            }

            // wheel zoom around the centre of the data area, then Reset Zoom
            Range before = axis.getRange();
            Rectangle2D area = canvas.dataArea();
            canvas.zoom((int) area.getCenterX(), (int) area.getCenterY(), 0.5, true, true);
            paint(display, canvas);
            assertTrue(canvas.isZoomed(), "zoomed");
            assertTrue(axis.getRange().getLength() < before.getLength() || axis.getUpperBound() / axis.getLowerBound()
                    < before.getUpperBound() / before.getLowerBound(), "the x range shrank: " + axis.getRange());
            Range y = canvas.getChart().getXYPlot().getRangeAxis().getRange();
            assertEquals(1.02 / 2, y.getLength(), 0.02, "the y range halved");
            canvas.resetZoom();
            assertFalse(canvas.isZoomed(), "reset");
            assertEquals(new Range(0, 1.02), canvas.getChart().getXYPlot().getRangeAxis().getRange(),
                    "the chart's own y range is back");

            // the context menu
            Menu menu = canvas.getMenu();
            List<String> items = new ArrayList<>();
            for (MenuItem m : menu.getItems()) {
                if ((m.getStyle() & SWT.SEPARATOR) == 0) {
                    items.add(m.getText());
                }
            }
            assertEquals(List.of(ChartCanvas.SAVE_PNG, ChartCanvas.SAVE_SVG, ChartCanvas.COPY, ChartCanvas.RESET_ZOOM), items);

            // Save as PNG and SVG
            Path png = dir.resolve("sweep.png");
            canvas.save(png);
            BufferedImage read = ImageIO.read(png.toFile());
            assertNotNull(read, "the PNG decodes");
            assertTrue(read.getWidth() >= canvas.getClientArea().width, "PNG width " + read.getWidth());
            Path svg = dir.resolve("sweep.svg");
            canvas.save(svg);
            String text = Files.readString(svg, StandardCharsets.UTF_8);
            assertTrue(text.contains("<svg") && text.trim().endsWith("</svg>"), "an SVG document");
            assertTrue(text.contains(TunerCharts.ATTACK), "the SVG holds the legend text");

            // crisp on HiDPI: at 200% the chart is drawn into twice the pixels, not stretched
            ImageData twice = ChartCanvas.render(canvas.getChart(), 300, 200, 2.0, null);
            assertEquals(600, twice.width);
            assertEquals(400, twice.height);

            // axis titles fit: a narrow chart gets a smaller font or a shortened title, never one wider than it
            JFreeChart plane = TunerCharts.plane(TunerCharts.planeDataset());
            plane.getXYPlot().getDomainAxis().setLabel("a very long title of the utility axis that cannot fit a narrow chart");
            BufferedImage narrow = ChartExport.draw(plane, 180, 160, 1.0, null);
            assertEquals(180, narrow.getWidth());
            ValueAxis x = plane.getXYPlot().getDomainAxis();
            Graphics2D g = narrow.createGraphics();
            int width = g.getFontMetrics(x.getLabelFont()).stringWidth(x.getLabel());
            g.dispose();
            assertTrue(width <= 180, "the x title is " + width + " wide in a 180 chart: " + x.getLabel());
            assertNotEquals("a very long title of the utility axis that cannot fit a narrow chart", x.getLabel());
            assertEquals("a very long title of the utility axis that cannot fit a narrow chart", ChartExport.fullLabel(x));
        } finally {
            shell.dispose();
            StudioWorkbenchTest.deleteTree(dir);
        }
    }

    private static void paint(Display display, ChartCanvas canvas) {
        canvas.redraw();
        canvas.update();
        StudioWorkbenchTest.settle(display);
    }

    private static XYItemEntity firstItem(ChartCanvas canvas) {
        Rectangle2D area = canvas.dataArea();
        for (int x = (int) area.getMinX(); x < area.getMaxX(); x++) {
            for (int y = (int) area.getMinY(); y < area.getMaxY(); y++) {
                if (canvas.entityAt(x, y) instanceof XYItemEntity e) {
                    return e;
                }
            }
        }
        return null;
    }

    private static List<String> tickLabels(LogAxis axis, Rectangle2D area) {
        BufferedImage img = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            List<String> out = new ArrayList<>();
            for (Object o : axis.refreshTicks(g, new AxisState(), area, RectangleEdge.BOTTOM)) {
                Tick t = (Tick) o;
                String text = t.getText();
                if (text == null && t instanceof LogTick lt && lt.getAttributedLabel() != null) {
                    StringBuilder b = new StringBuilder();
                    AttributedCharacterIterator it = lt.getAttributedLabel().getIterator();
                    for (char c = it.first(); c != AttributedCharacterIterator.DONE; c = it.next()) {
                        b.append(c);
                    }
                    text = b.toString();
                }
                if (text != null && !text.isEmpty()) {
                    out.add(text);
                }
            }
            return out;
        } finally {
            g.dispose();
        }
    }
}
