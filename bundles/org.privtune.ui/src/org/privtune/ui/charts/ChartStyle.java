package org.privtune.ui.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.List;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.labels.StandardCategoryToolTipGenerator;
import org.jfree.chart.labels.StandardXYToolTipGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;

/** One look for every chart of the studio: white plot, light grid, flat bars, a small palette. */
public final class ChartStyle {

    /** Series colours, chosen to stay distinguishable for common colour-vision deficiencies. */
    public static final List<Color> PALETTE = List.of(new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x17becf));

    public static final Color GRID = new Color(0xdddddd);
    public static final Color MARKER = new Color(0xc0392b);

    private ChartStyle() {
    }

    /**
     * Gives every renderer of the chart that has none a tooltip generator: series, x and y (or
     * series, category and value), numbers to three significant digits.
     */
    public static JFreeChart tooltips(JFreeChart chart) {
        java.text.NumberFormat number = new java.text.DecimalFormat("#,##0.###");
        if (chart.getPlot() instanceof XYPlot xp) {
            for (int i = 0; i < xp.getRendererCount(); i++) {
                if (xp.getRenderer(i) != null && xp.getRenderer(i).getDefaultToolTipGenerator() == null) {
                    xp.getRenderer(i).setDefaultToolTipGenerator(new StandardXYToolTipGenerator("{0}: {1}, {2}",
                            number, number));
                }
            }
        } else if (chart.getPlot() instanceof CategoryPlot cp) {
            for (int i = 0; i < cp.getRendererCount(); i++) {
                if (cp.getRenderer(i) != null && cp.getRenderer(i).getDefaultToolTipGenerator() == null) {
                    cp.getRenderer(i).setDefaultToolTipGenerator(new StandardCategoryToolTipGenerator("{0}, {1}: {2}",
                            number));
                }
            }
        }
        return chart;
    }

    public static JFreeChart apply(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        if (chart.getTitle() != null) {
            chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        }
        Plot plot = chart.getPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        if (plot instanceof CategoryPlot cp) {
            cp.setRangeGridlinePaint(GRID);
            cp.setRangeGridlineStroke(new BasicStroke(1f));
            if (cp.getRenderer() instanceof BarRenderer br) {
                br.setBarPainter(new StandardBarPainter());
                br.setShadowVisible(false);
                br.setItemMargin(0.02);
                for (int i = 0; i < PALETTE.size(); i++) {
                    br.setSeriesPaint(i, PALETTE.get(i));
                }
            }
        } else if (plot instanceof XYPlot xp) {
            xp.setRangeGridlinePaint(GRID);
            xp.setDomainGridlinePaint(GRID);
            if (xp.getRenderer() instanceof XYBarRenderer br) {
                br.setBarPainter(new StandardXYBarPainter());
                br.setShadowVisible(false);
                br.setDrawBarOutline(true);
                br.setSeriesOutlinePaint(0, Color.WHITE);
            }
            if (xp.getRenderer() != null) {
                for (int i = 0; i < PALETTE.size(); i++) {
                    xp.getRenderer().setSeriesPaint(i, PALETTE.get(i));
                }
            }
        }
        return chart;
    }
}
