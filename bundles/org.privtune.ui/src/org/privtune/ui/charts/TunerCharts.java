package org.privtune.ui.charts;

import java.awt.BasicStroke;
import java.awt.geom.Ellipse2D;
import java.text.DecimalFormat;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.StandardXYToolTipGenerator;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The Noise Tuner's live charts; their datasets are filled by the view as points arrive. */
public final class TunerCharts {

    public static final String CURRENT = "current";
    public static final String ATTACK = "A1 top-1 inversion";
    public static final String UTILITY = "utility (cosine)";

    private TunerCharts() {
    }

    /** The series key of a mechanism's trail: the settings tried with that mechanism, in order. */
    public static String trail(String mechanism) {
        return mechanism;
    }

    /**
     * x: utility (cosine of sentence embeddings), y: A1 top-1 inversion rate. Series 0 is the current
     * point (drawn on top); each mechanism gets a trail of its own ({@link #trailSeries}), so points of
     * different mechanisms are never joined.
     */
    public static JFreeChart plane(XYSeriesCollection data) {
        JFreeChart chart = ChartFactory.createScatterPlot("Privacy / utility", "utility (cosine)",
                "A1 top-1 inversion", data, PlotOrientation.VERTICAL, true, true, false);
        ChartStyle.apply(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setSeriesPaint(0, ChartStyle.MARKER);
        r.setSeriesLinesVisible(0, false);
        r.setSeriesShape(0, new Ellipse2D.Double(-6, -6, 12, 12));
        r.setDefaultToolTipGenerator(new StandardXYToolTipGenerator("{0}: utility {1}, A1 top-1 {2}",
                new DecimalFormat("0.000"), new DecimalFormat("0.0%")));
        plot.setRenderer(r);
        plot.setSeriesRenderingOrder(SeriesRenderingOrder.REVERSE);
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.02);
        ((NumberAxis) plot.getDomainAxis()).setRange(0, 1.02);
        return chart;
    }

    public static XYSeriesCollection planeDataset() {
        XYSeriesCollection c = new XYSeriesCollection();
        c.addSeries(new XYSeries(CURRENT, false, true));
        return c;
    }

    /**
     * Widens the plane's utility axis to the left when a point has a negative cosine (heavy noise),
     * so that every point stays on screen; never narrows it.
     */
    public static void keepInView(JFreeChart plane, double utility) {
        NumberAxis x = (NumberAxis) plane.getXYPlot().getDomainAxis();
        if (utility < x.getLowerBound()) {
            x.setRange(Math.floor((utility - 0.02) * 10) / 10, Math.max(x.getUpperBound(), 1.02));
        }
    }

    /** The trail of a mechanism in the plane, made (with the mechanism's colour) on first use. */
    public static XYSeries trailSeries(JFreeChart plane, String mechanism) {
        XYSeriesCollection data = (XYSeriesCollection) plane.getXYPlot().getDataset();
        int index = data.getSeriesIndex(trail(mechanism));
        if (index >= 0) {
            return data.getSeries(index);
        }
        XYSeries s = new XYSeries(trail(mechanism), false, true);
        data.addSeries(s);
        int colour = Math.max(0, java.util.Arrays.asList(org.privtune.mechanism.MechanismSpec.NAMES).indexOf(mechanism));
        XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) plane.getXYPlot().getRenderer();
        int i = data.getSeriesCount() - 1;
        r.setSeriesPaint(i, ChartStyle.PALETTE.get(colour % ChartStyle.PALETTE.size()));
        r.setSeriesStroke(i, new BasicStroke(1f));
        r.setSeriesShape(i, new Ellipse2D.Double(-3.5, -3.5, 7, 7));
        return s;
    }

    /** Attack rate and utility against eps (log axis), for the current other settings. */
    public static JFreeChart sweep(XYSeriesCollection data) {
        JFreeChart chart = ChartFactory.createXYLineChart("Against eps (other settings fixed)", "eps", "rate / cosine",
                data, PlotOrientation.VERTICAL, true, true, false);
        ChartStyle.apply(chart);
        XYPlot plot = chart.getXYPlot();
        plot.setDomainAxis(logAxis("eps (log scale)"));
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.02);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setSeriesPaint(0, ChartStyle.PALETTE.get(3));
        r.setSeriesPaint(1, ChartStyle.PALETTE.get(2));
        r.setSeriesStroke(0, new BasicStroke(2f));
        r.setSeriesStroke(1, new BasicStroke(2f));
        plot.setRenderer(r);
        return chart;
    }

    /**
     * A base-2 log axis whose ticks sit on whole powers of two and read as plain numbers (0.5, 1,
     * 2, 4, ...), never as a fractional exponent.
     */
    public static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setBase(2);
        axis.setSmallestValue(1e-3);
        // whole exponents only: every power of two, or every second or third when the chart is narrow
        org.jfree.chart.axis.TickUnits exponents = new org.jfree.chart.axis.TickUnits();
        for (int step : new int[] {1, 2, 3, 4, 5, 10}) {
            exponents.add(new org.jfree.chart.axis.NumberTickUnit(step));
        }
        axis.setStandardTickUnits(exponents);
        axis.setMinorTickCount(0);
        axis.setNumberFormatOverride(new DecimalFormat("0.###", java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT)));
        return axis;
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
