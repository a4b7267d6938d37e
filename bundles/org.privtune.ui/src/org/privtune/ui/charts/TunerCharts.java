package org.privtune.ui.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The Noise Tuner's live charts; their datasets are filled by the view as points arrive. */
public final class TunerCharts {

    public static final String TRAIL = "settings tried";
    public static final String CURRENT = "current";
    public static final String ATTACK = "A1 top-1 inversion";
    public static final String UTILITY = "utility (cosine)";

    private TunerCharts() {
    }

    /** x: utility (cosine of sentence embeddings), y: A1 top-1 inversion rate; trail and current point. */
    public static JFreeChart plane(XYSeriesCollection data) {
        JFreeChart chart = ChartFactory.createScatterPlot("Privacy / utility", "utility: cosine clean vs perturbed",
                "A1 top-1 inversion rate", data, PlotOrientation.VERTICAL, true, true, false);
        ChartStyle.apply(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setSeriesPaint(0, new Color(0x9ec5e8));
        r.setSeriesStroke(0, new BasicStroke(1f));
        r.setSeriesShape(0, new Ellipse2D.Double(-3, -3, 6, 6));
        r.setSeriesPaint(1, ChartStyle.MARKER);
        r.setSeriesLinesVisible(1, false);
        r.setSeriesShape(1, new Ellipse2D.Double(-6, -6, 12, 12));
        plot.setRenderer(r);
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.02);
        ((NumberAxis) plot.getDomainAxis()).setRange(0, 1.02);
        return chart;
    }

    public static XYSeriesCollection planeDataset() {
        XYSeriesCollection c = new XYSeriesCollection();
        c.addSeries(new XYSeries(TRAIL, false, true));
        c.addSeries(new XYSeries(CURRENT, false, true));
        return c;
    }

    /** Attack rate and utility against eps (log axis), for the current other settings. */
    public static JFreeChart sweep(XYSeriesCollection data) {
        JFreeChart chart = ChartFactory.createXYLineChart("Against eps (other settings fixed)", "eps", "rate / cosine",
                data, PlotOrientation.VERTICAL, true, true, false);
        ChartStyle.apply(chart);
        XYPlot plot = chart.getXYPlot();
        LogAxis eps = new LogAxis("eps");
        eps.setBase(10);
        eps.setSmallestValue(0.01);
        plot.setDomainAxis(eps);
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.02);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setSeriesPaint(0, ChartStyle.PALETTE.get(3));
        r.setSeriesPaint(1, ChartStyle.PALETTE.get(2));
        r.setSeriesStroke(0, new BasicStroke(2f));
        r.setSeriesStroke(1, new BasicStroke(2f));
        plot.setRenderer(r);
        return chart;
    }

    public static XYSeriesCollection sweepDataset() {
        XYSeriesCollection c = new XYSeriesCollection();
        c.addSeries(new XYSeries(ATTACK, true, false));
        c.addSeries(new XYSeries(UTILITY, true, false));
        return c;
    }

    /** Histogram of per-token noise norms in {@code bins} equal bins from 0 to the largest norm. */
    public static XYIntervalSeriesCollection noiseNorms(float[] norms, int bins) {
        XYIntervalSeries s = new XYIntervalSeries("tokens");
        float max = 0;
        for (float v : norms) {
            max = Math.max(max, v);
        }
        if (norms.length > 0) {
            double width = max > 0 ? max / bins : 1;
            int[] counts = new int[bins];
            for (float v : norms) {
                counts[Math.min(bins - 1, (int) (v / width))]++;
            }
            for (int b = 0; b < bins; b++) {
                double from = b * width;
                s.add(from + width / 2, from, from + width, counts[b], counts[b], counts[b]);
            }
        }
        XYIntervalSeriesCollection c = new XYIntervalSeriesCollection();
        c.addSeries(s);
        return c;
    }

    public static JFreeChart noiseChart(XYIntervalSeriesCollection data, String title) {
        JFreeChart chart = ChartFactory.createXYBarChart(title, "||perturbed - clean||", false, "tokens", data,
                PlotOrientation.VERTICAL, false, true, false);
        return ChartStyle.apply(chart);
    }
}
