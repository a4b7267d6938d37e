package org.privtune.ui.charts;

import java.awt.BasicStroke;
import java.awt.Font;
import java.util.List;
import java.util.Map;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.privtune.data.DatasetSplit;
import org.privtune.data.describe.DatasetDescription;
import org.privtune.data.describe.Histogram;

/**
 * The Dataset Inspector's charts, built from a {@link DatasetDescription} (the same object
 * {@code privtune data describe} prints), so GUI and command line show the same numbers.
 */
public final class DatasetCharts {

    private DatasetCharts() {
    }

    /** Rows: split parts (train, dev, test); columns: labels; values: records. */
    public static DefaultCategoryDataset labelSplitDataset(DatasetDescription d) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        if (d.countsPerSplit().isEmpty()) {
            d.countsPerLabel().forEach((label, n) -> ds.addValue(n, "all", label));
            return ds;
        }
        for (DatasetSplit.Part part : DatasetSplit.Part.values()) {
            Map<String, Integer> counts = d.countsPerSplit().get(part);
            if (counts != null) {
                counts.forEach((label, n) -> ds.addValue(n, part.displayName(), label));
            }
        }
        return ds;
    }

    public static JFreeChart labelSplitChart(DatasetDescription d) {
        JFreeChart chart = ChartFactory.createStackedBarChart("Records per label and split", null, "records",
                labelSplitDataset(d), PlotOrientation.VERTICAL, true, true, false);
        CategoryPlot plot = chart.getCategoryPlot();
        if (d.labels().size() > 4) {
            plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        return ChartStyle.apply(chart);
    }

    /**
     * One interval per histogram bin, x from the bin's lower to its upper bound; the open last bin
     * (the long tail) is drawn as wide as the others and its count is that of the whole tail.
     */
    public static XYIntervalSeriesCollection tokenLengthDataset(Histogram h) {
        XYIntervalSeries s = new XYIntervalSeries("texts");
        int width = h.bins().isEmpty() ? 1 : h.bins().get(0).to() - h.bins().get(0).from();
        for (Histogram.Bin b : h.bins()) {
            int to = b.openEnded() ? b.from() + width : b.to();
            s.add((b.from() + to) / 2.0, b.from(), to, b.count(), b.count(), b.count());
        }
        XYIntervalSeriesCollection ds = new XYIntervalSeriesCollection();
        ds.addSeries(s);
        return ds;
    }

    public static JFreeChart tokenLengthChart(DatasetDescription d) {
        Histogram h = d.tokenLength();
        JFreeChart chart = ChartFactory.createXYBarChart(String.format(java.util.Locale.ROOT,
                "Word pieces per text (median %d, p95 %d, %.1f%% cut at %d)", h.median(), h.p95(),
                100 * d.truncatedShare(), d.maxTokens()), "word pieces", false, "texts", tokenLengthDataset(h),
                PlotOrientation.VERTICAL, false, true, false);
        XYPlot plot = chart.getXYPlot();
        ValueMarker cut = new ValueMarker(d.maxTokens(), ChartStyle.MARKER, new BasicStroke(2f,
                BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        cut.setLabel("max length " + d.maxTokens());
        cut.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        cut.setLabelPaint(ChartStyle.MARKER);
        // the label left of the line: the cut often sits at the right edge of the chart
        cut.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        cut.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
        plot.addDomainMarker(cut);
        // keep the cut visible when every text is shorter than the max length
        int width = h.bins().isEmpty() ? 1 : h.bins().get(0).to() - h.bins().get(0).from();
        double dataEnd = h.bins().isEmpty() ? 0 : h.bins().get(h.bins().size() - 1).from() + width;
        plot.getDomainAxis().setRange(0, Math.max(dataEnd, d.maxTokens() * 1.08));
        ChartStyle.apply(chart);
        return chart;
    }

    /** Most frequent (or most distinctive) tokens of one label, most frequent first. */
    public static DefaultCategoryDataset topTokensDataset(DatasetDescription d, String label, boolean distinctive) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        Map<String, List<DatasetDescription.TokenCount>> source = distinctive ? d.distinctiveTokens() : d.topTokens();
        for (DatasetDescription.TokenCount t : source.getOrDefault(label, List.of())) {
            ds.addValue(t.count(), label, t.token());
        }
        return ds;
    }

    public static JFreeChart topTokensChart(DatasetDescription d, String label, boolean distinctive) {
        JFreeChart chart = ChartFactory.createBarChart((distinctive ? "Most distinctive" : "Most frequent")
                + " word pieces: " + label, null, "occurrences", topTokensDataset(d, label, distinctive),
                PlotOrientation.HORIZONTAL, false, true, false);
        ChartStyle.apply(chart);
        int index = Math.max(0, d.labels().indexOf(label));
        chart.getCategoryPlot().getRenderer().setSeriesPaint(0, ChartStyle.PALETTE.get(index % ChartStyle.PALETTE.size()));
        return chart;
    }
}
