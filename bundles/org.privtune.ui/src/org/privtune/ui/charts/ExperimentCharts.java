package org.privtune.ui.charts;

import java.util.List;
import java.util.Map;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The Experiments view's charts: the privacy/utility frontier of an attack (its success against
 * test accuracy, one line per mechanism, one point per eps) or a metric against eps, for one run
 * or for two runs in one chart (their lines named after the run).
 */
public final class ExperimentCharts {

    private ExperimentCharts() {
    }

    /**
     * One line per run and mechanism.
     *
     * @param lines  by line name (e.g. "privtune", or "A: privtune" when two runs are compared)
     *               its (x, y) points
     * @param logEps whether x is eps (log base 2) rather than test accuracy
     */
    public static JFreeChart chart(String title, String xLabel, String yLabel, Map<String, List<double[]>> lines,
            boolean logEps) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, List<double[]>> e : lines.entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), true, true);
            for (double[] p : e.getValue()) {
                s.add(p[0], p[1]);
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true,
                true, false);
        ChartStyle.apply(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesPaint(i, ChartStyle.PALETTE.get(i % ChartStyle.PALETTE.size()));
        }
        plot.setRenderer(r);
        if (logEps) {
            LogAxis x = new LogAxis(xLabel);
            x.setBase(2);
            x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            x.setNumberFormatOverride(new java.text.DecimalFormat("0.##"));
            plot.setDomainAxis(x);
        } else {
            NumberAxis x = (NumberAxis) plot.getDomainAxis();
            x.setAutoRangeIncludesZero(false);
            x.setAutoRangeMinimumSize(0.05); // one point, or points close together, still get readable ticks
            x.setNumberFormatOverride(new java.text.DecimalFormat("0.###"));
        }
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setRange(0, 1.02);
        return ChartStyle.tooltips(chart);
    }
}
