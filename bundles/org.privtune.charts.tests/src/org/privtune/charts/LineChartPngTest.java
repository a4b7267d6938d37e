package org.privtune.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineChartPngTest {

    @TempDir
    Path dir;

    private static final List<LineChartPng.Series> SERIES = List.of(
            new LineChartPng.Series("none", List.of(new double[] {2, 0.9}, new double[] {32, 0.9})),
            new LineChartPng.Series("dchi", List.of(new double[] {16, 0.7}, new double[] {4, 0.1},
                    new double[] {8, 0.3})));

    @Test
    void writesAPngIntoAFolderItCreates() throws IOException {
        Path file = dir.resolve("charts/asr.png");
        assertEquals(file, LineChartPng.write(file, "ASR vs eps", "eps", LineChartPng.XAxis.LOG2, "ASR", SERIES));
        byte[] png = Files.readAllBytes(file);
        assertTrue(png.length > 1000, "only " + png.length + " bytes");
        assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void seriesAreDrawnInOrderOfXOnTheChosenAxis() {
        JFreeChart log = LineChartPng.chart("t", "eps", LineChartPng.XAxis.LOG2, "y", SERIES);
        assertEquals(2.0, ((LogAxis) log.getXYPlot().getDomainAxis()).getBase());
        XYDataset data = log.getXYPlot().getDataset();
        assertEquals(2, data.getSeriesCount());
        assertEquals("dchi", data.getSeriesKey(1));
        assertEquals(List.of(4.0, 8.0, 16.0), List.of(data.getXValue(1, 0), data.getXValue(1, 1), data.getXValue(1, 2)));
        assertEquals(1.02, log.getXYPlot().getRangeAxis().getUpperBound());

        JFreeChart linear = LineChartPng.chart("t", "accuracy", LineChartPng.XAxis.LINEAR, "y", SERIES);
        NumberAxis x = (NumberAxis) linear.getXYPlot().getDomainAxis();
        assertFalse(x.getAutoRangeIncludesZero());
    }
}
