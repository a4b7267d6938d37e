package org.privtune.ui.charts;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.PaletteData;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.event.ChartChangeListener;

/**
 * Shows a JFreeChart in SWT: the chart is drawn into an AWT image of the canvas size and copied
 * into an SWT image (no SWT_AWT bridge, no jfreechart-swt). The image is redrawn only when the
 * chart or the size changes; chart changes must happen on the UI thread (datasets are filled there).
 */
public final class ChartCanvas extends Canvas {

    static {
        // AWT only ever draws into off-screen images here; it must not open its own X connection
        // next to SWT's.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private JFreeChart chart;
    private Image image;
    private boolean stale = true;
    private final ChartChangeListener listener = e -> {
        stale = true;
        if (!isDisposed()) {
            redraw();
        }
    };

    public ChartCanvas(Composite parent, int style) {
        super(parent, style | SWT.DOUBLE_BUFFERED | SWT.NO_BACKGROUND);
        addPaintListener(e -> {
            Point size = getSize();
            if (size.x <= 1 || size.y <= 1) {
                return;
            }
            if (chart == null) {
                e.gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WHITE));
                e.gc.fillRectangle(0, 0, size.x, size.y);
                return;
            }
            if (stale || image == null || image.getBounds().width != size.x || image.getBounds().height != size.y) {
                if (image != null) {
                    image.dispose();
                }
                image = new Image(getDisplay(), render(chart, size.x, size.y));
                stale = false;
            }
            e.gc.drawImage(image, 0, 0);
        });
        addListener(SWT.Resize, e -> redraw());
        addDisposeListener(e -> {
            if (chart != null) {
                chart.removeChangeListener(listener);
            }
            if (image != null) {
                image.dispose();
            }
        });
    }

    public JFreeChart getChart() {
        return chart;
    }

    public void setChart(JFreeChart newChart) {
        if (chart != null) {
            chart.removeChangeListener(listener);
        }
        chart = newChart;
        if (chart != null) {
            chart.addChangeListener(listener);
        }
        stale = true;
        redraw();
    }

    /** Draws the chart into an RGB image of the given size; usable off the UI thread. */
    public static ImageData render(JFreeChart chart, int width, int height) {
        BufferedImage awt = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = awt.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            chart.draw(g, new java.awt.geom.Rectangle2D.Double(0, 0, width, height));
        } finally {
            g.dispose();
        }
        int[] pixels = ((DataBufferInt) awt.getRaster().getDataBuffer()).getData();
        ImageData data = new ImageData(width, height, 24, new PaletteData(0xFF0000, 0x00FF00, 0x0000FF));
        for (int y = 0; y < height; y++) {
            data.setPixels(0, y, width, pixels, y * width);
        }
        return data;
    }
}
