package org.privtune.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Line charts with point markers written as PNG files, drawn by JFreeChart off screen (AWT only,
 * no display: {@code java.awt.headless} is set to true when unset). The y axis runs from 0 to
 * 1.02, for rates and accuracies; the x axis is linear or log base 2. Each series is drawn in the
 * order of increasing x, in a fixed palette of eight colours.
 */
public final class LineChartPng {

    public static final int WIDTH = 800;
    public static final int HEIGHT = 520;

    /** The x axis: linear (not forced to include 0) or log base 2 with whole-number ticks. */
    public enum XAxis {
        LINEAR, LOG2
    }

    /** One line: its name in the legend and its (x, y) points. */
    public record Series(String name, List<double[]> points) {
    }

    private static final Color[] PALETTE = {new Color(0x33, 0x33, 0x33), new Color(0x1f, 0x77, 0xb4),
        new Color(0xff, 0x7f, 0x0e), new Color(0x2c, 0xa0, 0x2c), new Color(0x94, 0x67, 0xbd),
        new Color(0xd6, 0x27, 0x28), new Color(0x8c, 0x56, 0x4b), new Color(0xe3, 0x77, 0xc2)};

    private LineChartPng() {
    }

    /** Draws the chart into {@code file} ({@link #WIDTH} x {@link #HEIGHT}); returns the file. */
    public static Path write(Path file, String title, String xLabel, XAxis xAxis, String yLabel, List<Series> series)
            throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart(title, xLabel, xAxis, yLabel, series), WIDTH, HEIGHT);
        return file;
    }

    static JFreeChart chart(String title, String xLabel, XAxis xAxis, String yLabel, List<Series> series) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Series s : series) {
            XYSeries xy = new XYSeries(s.name(), true, true);
            for (double[] p : s.points()) {
                xy.add(p[0], p[1]);
            }
            data.addSeries(xy);
        }
        ValueAxis x;
        if (xAxis == XAxis.LOG2) {
            LogAxis log = new LogAxis(xLabel);
            log.setBase(2);
            log.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            x = log;
        } else {
            NumberAxis linear = new NumberAxis(xLabel);
            linear.setAutoRangeIncludesZero(false);
            x = linear;
        }
        NumberAxis y = new NumberAxis(yLabel);
        y.setRange(0, 1.02);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < PALETTE.length; i++) {
            r.setSeriesPaint(i, PALETTE[i]);
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        JFreeChart c = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        c.setBackgroundPaint(Color.WHITE);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return c;
    }
}
