package org.privtune.ui.charts;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;

import javax.imageio.ImageIO;

import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGUtils;

/**
 * Draws a chart off screen (AWT only) for the canvas, for PNG and for SVG (JFreeSVG). Before each
 * drawing the axis titles are fitted to the size: a title longer than its axis gets a smaller font
 * (down to {@link #MIN_LABEL_POINTS}), then is shortened with an ellipsis, so no title is cut at
 * the chart's edge.
 */
public final class ChartExport {

    static final int MIN_LABEL_POINTS = 9;
    /**
     * Each axis's own label and font, before any fitting; by identity (an axis's equals and hash
     * follow its label, which fitting changes), weakly (charts come and go).
     */
    private static final Map<AxisKey, Object[]> ORIGINAL = new HashMap<>();

    private ChartExport() {
    }

    /** Draws the chart laid out for width x height points into scale times the pixels. */
    public static BufferedImage draw(JFreeChart chart, int width, int height, double scale, ChartRenderingInfo info) {
        int pw = Math.max(1, (int) Math.round(width * scale));
        int ph = Math.max(1, (int) Math.round(height * scale));
        BufferedImage awt = new BufferedImage(pw, ph, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = awt.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.scale(scale, scale);
            fitAxisLabels(chart, g, width, height);
            chart.draw(g, new Rectangle2D.Double(0, 0, width, height), info);
        } finally {
            g.dispose();
        }
        return awt;
    }

    /** Writes a PNG of the chart at width x height points, scale times the pixels (the screen's zoom). */
    public static void savePng(JFreeChart chart, int width, int height, double scale, Path file) throws IOException {
        BufferedImage image = draw(chart, width, height, scale, null);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this Java runtime");
        }
    }

    /** Writes the chart as an SVG document of width x height. */
    public static void saveSvg(JFreeChart chart, int width, int height, Path file) throws IOException {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        fitAxisLabels(chart, g, width, height);
        chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        SVGUtils.writeToSVG(file.toFile(), g.getSVGElement());
    }

    /**
     * Gives every axis title that does not fit its axis a smaller font, then an ellipsis; a title
     * that fits gets its own font and text back. Changes nothing when nothing needs to change (no
     * chart change event).
     */
    static void fitAxisLabels(JFreeChart chart, Graphics2D g, int width, int height) {
        Plot plot = chart.getPlot();
        boolean vertical = true;
        List<Axis> domain = new ArrayList<>();
        List<Axis> range = new ArrayList<>();
        if (plot instanceof XYPlot xp) {
            vertical = xp.getOrientation() == PlotOrientation.VERTICAL;
            for (int i = 0; i < xp.getDomainAxisCount(); i++) {
                domain.add(xp.getDomainAxis(i));
            }
            for (int i = 0; i < xp.getRangeAxisCount(); i++) {
                range.add(xp.getRangeAxis(i));
            }
        } else if (plot instanceof CategoryPlot cp) {
            vertical = cp.getOrientation() == PlotOrientation.VERTICAL;
            for (int i = 0; i < cp.getDomainAxisCount(); i++) {
                domain.add(cp.getDomainAxis(i));
            }
            for (int i = 0; i < cp.getRangeAxisCount(); i++) {
                range.add(cp.getRangeAxis(i));
            }
        }
        // the room an axis title has: its side of the chart less the other axis and the margins
        int horizontal = Math.max(40, width - 70);
        int upright = Math.max(40, height - 90);
        for (Axis a : domain) {
            fit(a, g, vertical ? horizontal : upright);
        }
        for (Axis a : range) {
            fit(a, g, vertical ? upright : horizontal);
        }
    }

    private static void fit(Axis axis, Graphics2D g, int room) {
        if (axis == null) {
            return;
        }
        Object[] original;
        synchronized (ORIGINAL) {
            if (ORIGINAL.size() > 512) {
                ORIGINAL.keySet().removeIf(k -> k.get() == null);
            }
            original = ORIGINAL.computeIfAbsent(new AxisKey(axis), k -> new Object[] {axis.getLabel(), axis.getLabelFont()});
        }
        String label = (String) original[0];
        Font font = (Font) original[1];
        if (label == null || label.isEmpty()) {
            return;
        }
        FontMetrics fm = g.getFontMetrics(font);
        while (fm.stringWidth(label) > room && font.getSize() > MIN_LABEL_POINTS) {
            font = font.deriveFont((float) font.getSize() - 1);
            fm = g.getFontMetrics(font);
        }
        String text = label;
        if (fm.stringWidth(text) > room) {
            while (text.length() > 1 && fm.stringWidth(text + "\u2026") > room) {
                text = text.substring(0, text.length() - 1);
            }
            text = text.strip() + "\u2026";
        }
        if (!font.equals(axis.getLabelFont())) {
            axis.setLabelFont(font);
        }
        if (!text.equals(axis.getLabel())) {
            axis.setLabel(text);
            // the shortened text must not become the axis's own label
            synchronized (ORIGINAL) {
                ORIGINAL.put(new AxisKey(axis), new Object[] {label, original[1]});
            }
        }
    }

    /** The full title of an axis, as its chart set it (not shortened to fit). */
    public static String fullLabel(Axis axis) {
        synchronized (ORIGINAL) {
            Object[] o = ORIGINAL.get(new AxisKey(axis));
            return o == null ? axis.getLabel() : (String) o[0];
        }
    }

    /** An axis as a map key: by identity, without keeping it alive. */
    private static final class AxisKey extends java.lang.ref.WeakReference<Axis> {
        private final int hash;

        AxisKey(Axis axis) {
            super(axis);
            hash = System.identityHashCode(axis);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof AxisKey k && k.get() != null && k.get() == get();
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
