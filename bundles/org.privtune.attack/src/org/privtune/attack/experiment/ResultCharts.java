package org.privtune.attack.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.privtune.charts.LineChartPng;

/**
 * PNG charts of an experiment, drawn by {@link LineChartPng} (off screen, no display needed):
 * utility vs eps, inversion ASR vs eps, and per attack the privacy/utility frontier (attack
 * success against test accuracy, one series per mechanism, one point per eps; means over seeds).
 * {@code none} is drawn as a horizontal reference in the eps charts and a single point in the
 * frontiers.
 */
public final class ResultCharts {

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
        List<ResultFiles.Group> groups = ResultFiles.groups(results);
        List<Path> out = new ArrayList<>();
        out.add(LineChartPng.write(dir.resolve("utility_vs_eps.png"), "Test accuracy vs eps", EPS_AXIS,
                LineChartPng.XAxis.LOG2, "test accuracy", versusEps(groups, Metrics.ACCURACY)));
        out.add(LineChartPng.write(dir.resolve("asr_vs_eps.png"), "Inversion ASR vs eps", EPS_AXIS,
                LineChartPng.XAxis.LOG2, "ASR (top-1)", versusEps(groups, Metrics.INVERSION_ASR)));
        for (Map.Entry<String, String> e : FRONTIERS.entrySet()) {
            out.add(LineChartPng.write(dir.resolve("frontier_" + e.getKey() + ".png"), e.getValue() + " vs utility",
                    "test accuracy (utility)", LineChartPng.XAxis.LINEAR, e.getValue(), frontier(groups, e.getKey())));
        }
        return out;
    }

    private static final String EPS_AXIS = "eps (log scale)";

    /**
     * One series per mechanism, one point per eps; a mechanism without eps ({@code none}) is a
     * horizontal line over the eps range.
     */
    static List<LineChartPng.Series> versusEps(List<ResultFiles.Group> groups, String metric) {
        return toSeries(versusEpsPoints(groups, metric));
    }

    /**
     * The points of {@link #versusEps}: per mechanism its (eps, mean metric) points, in the order
     * of first appearance; what the studio's charts draw.
     */
    public static Map<String, List<double[]>> versusEpsPoints(List<ResultFiles.Group> groups, String metric) {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
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
            List<double[]> s = series.computeIfAbsent(g.mechanism(), k -> new ArrayList<>());
            if (g.eps() > 0) {
                s.add(new double[] {g.eps(), y});
            } else if (minEps <= maxEps) {
                s.add(new double[] {minEps, y});
                s.add(new double[] {maxEps, y});
            }
        }
        return series;
    }

    /** One series per mechanism: attack success against test accuracy, one point per eps. */
    static List<LineChartPng.Series> frontier(List<ResultFiles.Group> groups, String metric) {
        return toSeries(frontierPoints(groups, metric));
    }

    /**
     * The points of {@link #frontier}: per mechanism its (mean test accuracy, mean attack success)
     * points, one per eps; what the studio's charts draw.
     */
    public static Map<String, List<double[]>> frontierPoints(List<ResultFiles.Group> groups, String metric) {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (ResultFiles.Group g : groups) {
            double acc = g.meanStd(Metrics.ACCURACY)[0];
            double y = g.meanStd(metric)[0];
            if (Double.isNaN(acc) || Double.isNaN(y)) {
                continue;
            }
            series.computeIfAbsent(g.mechanism(), k -> new ArrayList<>()).add(new double[] {acc, y});
        }
        return series;
    }

    private static List<LineChartPng.Series> toSeries(Map<String, List<double[]>> series) {
        return series.entrySet().stream().map(e -> new LineChartPng.Series(e.getKey(), e.getValue())).toList();
    }
}
