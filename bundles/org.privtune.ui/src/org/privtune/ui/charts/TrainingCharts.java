package org.privtune.ui.charts;

import java.awt.BasicStroke;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The Split Training view's chart: the top's loss per optimiser step, as the steps arrive. */
public final class TrainingCharts {

    public static final String LOSS = "training loss (batch)";
    public static final String SMOOTHED = "mean of the last 10 steps";

    private TrainingCharts() {
    }

    public static XYSeriesCollection lossDataset() {
        XYSeriesCollection c = new XYSeriesCollection();
        c.addSeries(new XYSeries(LOSS, false, true));
        c.addSeries(new XYSeries(SMOOTHED, false, true));
        return c;
    }

    public static JFreeChart loss(XYSeriesCollection data) {
        JFreeChart chart = ChartFactory.createXYLineChart("Top model training (cross-entropy per step)",
                "optimiser step", "loss", data, PlotOrientation.VERTICAL, true, true, false);
        ChartStyle.apply(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setSeriesPaint(0, new java.awt.Color(0x9ec5e8));
        r.setSeriesStroke(0, new BasicStroke(1f));
        r.setSeriesPaint(1, ChartStyle.PALETTE.get(0));
        r.setSeriesStroke(1, new BasicStroke(2.5f));
        plot.setRenderer(r);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true);
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return chart;
    }
}
