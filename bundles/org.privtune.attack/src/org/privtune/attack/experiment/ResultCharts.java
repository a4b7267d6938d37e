package org.privtune.attack.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * PNG charts of an experiment, drawn with JFreeChart off screen (needs
 * {@code java.awt.headless=true} on machines without a display; set here when unset):
 * utility vs eps, inversion ASR vs eps, and per attack the privacy/utility frontier (attack
 * success against test accuracy, one series per mechanism, one point per eps; means over seeds).
 * {@code none} is drawn as a horizontal reference in the eps charts and a single point in the
 * frontiers.
 */
public final class ResultCharts {

    public static final int WIDTH = 800;
    public static final int HEIGHT = 520;

    /** Attack metrics that get a frontier chart, with their titles. */
    public static final Map<String, String> FRONTIERS = new LinkedHashMap<>();

    static {
        FRONTIERS.put(Metrics.INVERSION_ASR, "Inversion ASR (max top-1 of A0-A4)");
        FRONTIERS.put(Metrics.A1_TOP1, "A1 nearest neighbour (strongest variant) top-1");
        FRONTIERS.put(Metrics.A2_TOP1, "A2 learned inversion top-1");
        FRONTIERS.put(Metrics.A3_TOP1, "A3 optimisation inversion top-1");
        FRONTIERS.put(Metrics.B1_ACC, "B1 source inference accuracy");
    }

    private ResultCharts() {
    }

    /** Writes every chart into {@code dir}; returns the files written. */
    public static List<Path> write(List<SettingResult> results, Path dir) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        Files.createDirectories(dir);
        List<ResultFiles.Group> groups = ResultFiles.groups(results);
        List<Path> out = new ArrayList<>();
        out.add(save(versusEps(groups, Metrics.ACCURACY, "Test accuracy vs eps", "test accuracy"),
                dir.resolve("utility_vs_eps.png")));
        out.add(save(versusEps(groups, Metrics.INVERSION_ASR, "Inversion ASR vs eps", "ASR (top-1)"),
                dir.resolve("asr_vs_eps.png")));
        for (Map.Entry<String, String> e : FRONTIERS.entrySet()) {
            out.add(save(frontier(groups, e.getKey(), e.getValue()), dir.resolve("frontier_" + e.getKey() + ".png")));
        }
        return out;
    }

    private static Path save(JFreeChart chart, Path file) throws IOException {
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        return file;
    }

    static JFreeChart versusEps(List<ResultFiles.Group> groups, String metric, String title, String yLabel) {
        Map<String, XYSeries> series = new LinkedHashMap<>();
        double minEps = Double.POSITIVE_INFINITY;
        double maxEps = 0;
        for (ResultFiles.Group g : groups) {
            if (g.eps() > 0) {
                minEps = Math.min(minEps, g.eps());
                maxEps = Math.max(maxEps, g.eps());
            }
        }
        for (ResultFiles.Group g : groups) {
            double y = g.meanStd(metric)[0];
            if (Double.isNaN(y)) {
                continue;
            }
            XYSeries s = series.computeIfAbsent(g.mechanism(), XYSeries::new);
            if (g.eps() > 0) {
                s.add(g.eps(), y);
            } else if (minEps <= maxEps) {
                s.add(minEps, y);
                s.add(maxEps, y);
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        LogAxis x = new LogAxis("eps (log scale)");
        x.setBase(2);
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis yAxis = new NumberAxis(yLabel);
        yAxis.setRange(0, 1.02);
        XYPlot plot = new XYPlot(data, x, yAxis, renderer(true));
        return style(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true));
    }

    static JFreeChart frontier(List<ResultFiles.Group> groups, String metric, String title) {
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (ResultFiles.Group g : groups) {
            double acc = g.meanStd(Metrics.ACCURACY)[0];
            double y = g.meanStd(metric)[0];
            if (Double.isNaN(acc) || Double.isNaN(y)) {
                continue;
            }
            series.computeIfAbsent(g.mechanism(), k -> new XYSeries(k, true, true)).add(acc, y);
        }
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        NumberAxis x = new NumberAxis("test accuracy (utility)");
        x.setAutoRangeIncludesZero(false);
        NumberAxis yAxis = new NumberAxis(title);
        yAxis.setRange(0, 1.02);
        XYPlot plot = new XYPlot(data, x, yAxis, renderer(true));
        return style(new JFreeChart(title + " vs utility", JFreeChart.DEFAULT_TITLE_FONT, plot, true));
    }

    private static XYLineAndShapeRenderer renderer(boolean lines) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(lines, true);
        Color[] palette = {new Color(0x33, 0x33, 0x33), new Color(0x1f, 0x77, 0xb4), new Color(0xff, 0x7f, 0x0e),
            new Color(0x2c, 0xa0, 0x2c), new Color(0x94, 0x67, 0xbd), new Color(0xd6, 0x27, 0x28),
            new Color(0x8c, 0x56, 0x4b), new Color(0xe3, 0x77, 0xc2)};
        for (int i = 0; i < palette.length; i++) {
            r.setSeriesPaint(i, palette[i]);
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        return r;
    }

    private static JFreeChart style(JFreeChart c) {
        c.setBackgroundPaint(Color.WHITE);
        XYPlot p = c.getXYPlot();
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(Color.LIGHT_GRAY);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return c;
    }
}
