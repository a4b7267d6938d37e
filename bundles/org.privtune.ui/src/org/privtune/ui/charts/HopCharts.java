package org.privtune.ui.charts;

import java.awt.Color;
import java.awt.Font;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.XYItemLabelGenerator;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The Neighbour-Hop Explorer's neighbourhood plot: hops 1..n, perturbed samples, clean and target. */
public final class HopCharts {

    public static final String SAMPLES = "perturbed samples";
    public static final String CLEAN = "clean";
    public static final String TARGET = "optimal target";
    private static final Color[] HOP_COLOURS = {new Color(0x2ca02c), new Color(0x1f77b4), new Color(0x9467bd),
            new Color(0x8c564b)};

    private HopCharts() {
    }

    public static String hopSeries(int hop) {
        return "hop " + hop;
    }

    /** Series: hop 1..n, then samples, clean, target (in that order). */
    public static XYSeriesCollection dataset(int n, double[][] points, int[] hops, double[][] samples, double[] clean,
            double[] target) {
        XYSeriesCollection c = new XYSeriesCollection();
        XYSeries[] hopSeries = new XYSeries[n];
        for (int h = 1; h <= n; h++) {
            hopSeries[h - 1] = new XYSeries(hopSeries(h), false, true);
            c.addSeries(hopSeries[h - 1]);
        }
        for (int i = 0; i < points.length; i++) {
            hopSeries[hops[i] - 1].add(points[i][0], points[i][1]);
        }
        XYSeries s = new XYSeries(SAMPLES, false, true);
        for (double[] p : samples) {
            s.add(p[0], p[1]);
        }
        c.addSeries(s);
        XYSeries cl = new XYSeries(CLEAN, false, true);
        cl.add(clean[0], clean[1]);
        c.addSeries(cl);
        XYSeries tg = new XYSeries(TARGET, false, true);
        tg.add(target[0], target[1]);
        c.addSeries(tg);
        return c;
    }

    /**
     * The text of each dot, per series in the order of {@link #dataset}: the neighbour tokens of
     * each hop, nothing for the samples, the token for the clean point, "target" for the target.
     */
    public static String[][] labels(int n, int[] hops, String[] tokens, String token) {
        String[][] out = new String[n + 3][];
        for (int h = 1; h <= n; h++) {
            List<String> l = new ArrayList<>();
            for (int i = 0; i < hops.length; i++) {
                if (hops[i] == h) {
                    l.add(tokens[i]);
                }
            }
            out[h - 1] = l.toArray(String[]::new);
        }
        out[n] = new String[0];
        out[n + 1] = new String[] {token};
        out[n + 2] = new String[] {"target"};
        return out;
    }

    /** The neighbourhood plot without dot labels. */
    public static JFreeChart chart(XYSeriesCollection data, String title, int n) {
        return chart(data, title, n, null);
    }

    /** The neighbourhood plot; {@code labels} (from {@link #labels}, may be null) names the dots. */
    public static JFreeChart chart(XYSeriesCollection data, String title, int n, String[][] labels) {
        JFreeChart chart = ChartFactory.createScatterPlot(title, "PC 1", "PC 2", data, PlotOrientation.VERTICAL, true,
                true, false);
        ChartStyle.apply(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        Shape dot = new Ellipse2D.Double(-3, -3, 6, 6);
        for (int h = 0; h < n; h++) {
            r.setSeriesPaint(h, HOP_COLOURS[h % HOP_COLOURS.length]);
            r.setSeriesShape(h, dot);
        }
        r.setSeriesPaint(n, new Color(0xff, 0x7f, 0x0e, 110));
        r.setSeriesShape(n, new Ellipse2D.Double(-2, -2, 4, 4));
        r.setSeriesPaint(n + 1, Color.BLACK);
        r.setSeriesShape(n + 1, new Rectangle2D.Double(-6, -6, 12, 12));
        Path2D diamond = new Path2D.Double();
        diamond.moveTo(0, -8);
        diamond.lineTo(8, 0);
        diamond.lineTo(0, 8);
        diamond.lineTo(-8, 0);
        diamond.closePath();
        r.setSeriesPaint(n + 2, ChartStyle.MARKER);
        r.setSeriesShape(n + 2, diamond);
        if (labels != null) {
            XYItemLabelGenerator text = (dataset, series, item) -> series < labels.length
                    && item < labels[series].length ? labels[series][item] : null;
            r.setDefaultItemLabelGenerator(text);
            r.setDefaultItemLabelsVisible(true);
            r.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            r.setDefaultItemLabelPaint(new Color(0x333333));
            r.setSeriesItemLabelsVisible(n, false);
            r.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT));
            r.setDefaultToolTipGenerator((dataset, series, item) -> {
                String name = String.valueOf(dataset.getSeriesKey(series));
                String label = text.generateLabel(dataset, series, item);
                return label == null ? name : name + ": " + label;
            });
        }
        plot.setRenderer(r);
        // clean and target last, on top of the cloud
        plot.setSeriesRenderingOrder(org.jfree.chart.plot.SeriesRenderingOrder.FORWARD);
        return chart;
    }
}
