package org.privtune.ui.charts;

import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.eclipse.swt.SWT;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.ImageTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Menu;
import org.eclipse.swt.widgets.MenuItem;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.entity.ChartEntity;
import org.jfree.chart.entity.EntityCollection;
import org.jfree.chart.entity.XYItemEntity;
import org.jfree.chart.event.ChartChangeListener;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Pannable;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.plot.Zoomable;
import org.jfree.data.Range;

/**
 * Shows a JFreeChart in SWT: the chart is drawn into an AWT image at the monitor's zoom (crisp on
 * HiDPI) and copied into an SWT image (no SWT_AWT bridge). The image is redrawn only when the chart
 * or the size changes; chart changes must happen on the UI thread (datasets are filled there).
 *
 * <p>What a user can do with every chart: hover an item for its tooltip; turn the mouse wheel over
 * the plot to zoom around the pointer (Shift: the x axis only, Ctrl: the y axis only); drag to pan;
 * double-click or "Reset Zoom" to get the chart's own ranges back; the context menu saves the
 * chart as PNG or SVG ({@link ChartExport}) and copies it as an image. A click on an item is passed
 * to the listeners of {@link #addItemClickListener}.
 */
public final class ChartCanvas extends Canvas {

    static {
        // AWT only ever draws into off-screen images here; it must not open its own X connection
        // next to SWT's.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Zoom factor of one wheel notch (in: the range shrinks to this share). */
    static final double WHEEL_ZOOM = 0.8;
    /** Labels of the context menu items, in order (the tests find them by these). */
    public static final String SAVE_PNG = "Save as PNG\u2026";
    public static final String SAVE_SVG = "Save as SVG\u2026";
    public static final String COPY = "Copy";
    public static final String RESET_ZOOM = "Reset Zoom";

    private JFreeChart chart;
    private Image image;
    private boolean stale = true;
    /** True while this canvas renders: the axis-label fitting it does is no change of the chart. */
    private boolean rendering;
    private ChartRenderingInfo info = new ChartRenderingInfo();
    /** Each value axis's own range and auto-range flag, recorded before the first zoom or pan. */
    private final Map<ValueAxis, Range> savedRanges = new IdentityHashMap<>();
    private final Map<ValueAxis, Boolean> savedAuto = new IdentityHashMap<>();
    private final List<Consumer<XYItemEntity>> clickListeners = new ArrayList<>();
    private int dragX = -1;
    private int dragY = -1;
    private boolean dragged;
    private String defaultName = "chart";
    private final ChartChangeListener listener = e -> {
        if (rendering) {
            return;
        }
        stale = true;
        if (!isDisposed()) {
            redraw();
        }
    };

    public ChartCanvas(Composite parent, int style) {
        super(parent, style | SWT.DOUBLE_BUFFERED | SWT.NO_BACKGROUND);
        addPaintListener(e -> {
            Rectangle area = getClientArea();
            if (area.width <= 1 || area.height <= 1) {
                return;
            }
            if (chart == null) {
                e.gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WHITE));
                e.gc.fillRectangle(area);
                return;
            }
            if (stale || image == null || image.getBounds().width != area.width
                    || image.getBounds().height != area.height) {
                if (image != null) {
                    image.dispose();
                }
                image = renderImage(area.width, area.height);
                stale = false;
            }
            e.gc.drawImage(image, 0, 0);
        });
        addListener(SWT.Resize, e -> redraw());
        addListener(SWT.MouseMove, this::mouseMoved);
        addListener(SWT.MouseDown, e -> {
            if (e.button == 1) {
                dragX = e.x;
                dragY = e.y;
                dragged = false;
            }
        });
        addListener(SWT.MouseUp, e -> {
            if (e.button == 1 && !dragged && dragX >= 0) {
                click(e.x, e.y);
            }
            dragX = -1;
        });
        addListener(SWT.MouseDoubleClick, e -> resetZoom());
        addListener(SWT.MouseVerticalWheel, e -> {
            if (e.count != 0) {
                zoom(e.x, e.y, e.count > 0 ? WHEEL_ZOOM : 1 / WHEEL_ZOOM, (e.stateMask & SWT.CTRL) == 0,
                        (e.stateMask & SWT.SHIFT) == 0);
                e.doit = false;
            }
        });
        setMenu(createMenu());
        addDisposeListener(e -> {
            if (chart != null) {
                chart.removeChangeListener(listener);
            }
            if (image != null) {
                image.dispose();
            }
        });
    }

    /**
     * The chart at the size of the canvas, at every zoom SWT asks for: at 200% the chart is drawn
     * into twice the pixels with fonts and lines scaled, not stretched afterwards.
     */
    private Image renderImage(int width, int height) {
        ChartRenderingInfo renderInfo = new ChartRenderingInfo();
        rendering = true;
        try {
            ImageData base = render(chart, width, height, 1.0, renderInfo);
            info = renderInfo;
            return new Image(getDisplay(), (org.eclipse.swt.graphics.ImageDataProvider) zoom -> {
                if (zoom == 100) {
                    return base;
                }
                rendering = true;
                try {
                    return render(chart, width, height, zoom / 100.0, null);
                } finally {
                    rendering = false;
                }
            });
        } finally {
            rendering = false;
        }
    }

    public JFreeChart getChart() {
        return chart;
    }

    public void setChart(JFreeChart newChart) {
        if (chart != null) {
            chart.removeChangeListener(listener);
        }
        chart = newChart;
        savedRanges.clear();
        savedAuto.clear();
        if (chart != null) {
            ChartStyle.tooltips(chart);
            chart.addChangeListener(listener);
        }
        stale = true;
        redraw();
    }

    /** The file name the save dialogs propose (without extension). */
    public void setDefaultFileName(String name) {
        defaultName = name;
    }

    /** Called with the item under a click (not a drag) of the first button. */
    public void addItemClickListener(Consumer<XYItemEntity> l) {
        clickListeners.add(l);
    }

    /** The entity at a point of the canvas as last drawn, or null. */
    public ChartEntity entityAt(int x, int y) {
        EntityCollection entities = info.getEntityCollection();
        return entities == null ? null : entities.getEntity(x, y);
    }

    /** Where the plot's data area was last drawn, in canvas coordinates. */
    public Rectangle2D dataArea() {
        return info.getPlotInfo().getDataArea();
    }

    private void mouseMoved(Event e) {
        if (dragX >= 0 && (e.stateMask & SWT.BUTTON1) != 0) {
            if (Math.abs(e.x - dragX) + Math.abs(e.y - dragY) > 2 || dragged) {
                pan(e.x - dragX, e.y - dragY);
                dragX = e.x;
                dragY = e.y;
                dragged = true;
            }
            return;
        }
        ChartEntity entity = entityAt(e.x, e.y);
        String tip = entity == null ? null : entity.getToolTipText();
        if (tip == null ? getToolTipText() != null : !tip.equals(getToolTipText())) {
            setToolTipText(tip);
        }
    }

    private void click(int x, int y) {
        if (entityAt(x, y) instanceof XYItemEntity item) {
            for (Consumer<XYItemEntity> l : List.copyOf(clickListeners)) {
                l.accept(item);
            }
        }
    }

    /**
     * Zooms the plot around a point of the canvas: {@code factor} below 1 zooms in. Does nothing
     * outside the data area or for a plot that cannot zoom.
     */
    public void zoom(int x, int y, double factor, boolean domain, boolean range) {
        if (chart == null || !(chart.getPlot() instanceof Zoomable z)) {
            return;
        }
        PlotRenderingInfo plotInfo = info.getPlotInfo();
        if (plotInfo.getDataArea() == null || !plotInfo.getDataArea().contains(x, y)) {
            return;
        }
        remember();
        Point2D anchor = new Point2D.Double(x, y);
        if (domain && z.isDomainZoomable()) {
            z.zoomDomainAxes(factor, plotInfo, anchor, true);
        }
        if (range && z.isRangeZoomable()) {
            z.zoomRangeAxes(factor, plotInfo, anchor, true);
        }
    }

    /** Moves the plot's axes by a drag of (dx, dy) canvas points. */
    public void pan(int dx, int dy) {
        if (chart == null || !(chart.getPlot() instanceof Pannable p)) {
            return;
        }
        Rectangle2D area = info.getPlotInfo().getDataArea();
        if (area == null || area.getWidth() < 1 || area.getHeight() < 1) {
            return;
        }
        remember();
        Point2D source = new Point2D.Double(dragX, dragY);
        if (p.isDomainPannable() && dx != 0) {
            p.panDomainAxes(-dx / area.getWidth(), info.getPlotInfo(), source);
        }
        if (p.isRangePannable() && dy != 0) {
            p.panRangeAxes(dy / area.getHeight(), info.getPlotInfo(), source);
        }
    }

    /** True when an axis shows another range than the chart's own. */
    public boolean isZoomed() {
        for (Map.Entry<ValueAxis, Range> e : savedRanges.entrySet()) {
            if (!e.getKey().getRange().equals(e.getValue()) || e.getKey().isAutoRange() != savedAuto.get(e.getKey())) {
                return true;
            }
        }
        return false;
    }

    /** Every axis back to the range (or auto range) it had before the first zoom or pan. */
    public void resetZoom() {
        for (Map.Entry<ValueAxis, Range> e : savedRanges.entrySet()) {
            if (savedAuto.get(e.getKey())) {
                e.getKey().setAutoRange(true);
            } else {
                e.getKey().setRange(e.getValue());
            }
        }
        savedRanges.clear();
        savedAuto.clear();
    }

    private void remember() {
        if (!savedRanges.isEmpty()) {
            return;
        }
        for (ValueAxis a : valueAxes(chart.getPlot())) {
            savedRanges.put(a, a.getRange());
            savedAuto.put(a, a.isAutoRange());
        }
    }

    private static List<ValueAxis> valueAxes(Plot plot) {
        List<ValueAxis> axes = new ArrayList<>();
        if (plot instanceof XYPlot xp) {
            for (int i = 0; i < xp.getDomainAxisCount(); i++) {
                if (xp.getDomainAxis(i) != null) {
                    axes.add(xp.getDomainAxis(i));
                }
            }
            for (int i = 0; i < xp.getRangeAxisCount(); i++) {
                if (xp.getRangeAxis(i) != null) {
                    axes.add(xp.getRangeAxis(i));
                }
            }
        } else if (plot instanceof CategoryPlot cp) {
            for (int i = 0; i < cp.getRangeAxisCount(); i++) {
                if (cp.getRangeAxis(i) != null) {
                    axes.add(cp.getRangeAxis(i));
                }
            }
        }
        return axes;
    }

    private Menu createMenu() {
        Menu menu = new Menu(this);
        item(menu, SAVE_PNG, () -> saveDialog("png"));
        item(menu, SAVE_SVG, () -> saveDialog("svg"));
        item(menu, COPY, this::copy);
        new MenuItem(menu, SWT.SEPARATOR);
        MenuItem reset = item(menu, RESET_ZOOM, this::resetZoom);
        menu.addListener(SWT.Show, e -> reset.setEnabled(isZoomed()));
        return menu;
    }

    private static MenuItem item(Menu menu, String text, Runnable action) {
        MenuItem item = new MenuItem(menu, SWT.PUSH);
        item.setText(text);
        item.addListener(SWT.Selection, e -> action.run());
        return item;
    }

    private void saveDialog(String extension) {
        if (chart == null) {
            return;
        }
        FileDialog d = new FileDialog(getShell(), SWT.SAVE);
        d.setText("Save the chart as " + extension.toUpperCase(java.util.Locale.ROOT));
        d.setFilterExtensions(new String[] {"*." + extension});
        d.setFileName(defaultName + "." + extension);
        d.setOverwrite(true);
        String file = d.open();
        if (file == null) {
            return;
        }
        Path path = Path.of(file.endsWith("." + extension) ? file : file + "." + extension);
        try {
            save(path);
        } catch (IOException | RuntimeException e) {
            org.eclipse.jface.dialogs.MessageDialog.openError(getShell(), "Save the chart",
                    "Could not write " + path + ": " + e.getMessage());
        }
    }

    /** Writes the chart as shown (size and zoom) to a .png or .svg file, chosen by the file's extension. */
    public void save(Path path) throws IOException {
        Rectangle area = getClientArea();
        int w = Math.max(area.width, 200);
        int h = Math.max(area.height, 150);
        rendering = true;
        try {
            if (path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".svg")) {
                ChartExport.saveSvg(chart, w, h, path);
            } else {
                ChartExport.savePng(chart, w, h, getMonitor().getZoom() / 100.0, path);
            }
        } finally {
            rendering = false;
        }
    }

    /** Puts the chart as shown on the clipboard as an image. */
    public void copy() {
        if (chart == null) {
            return;
        }
        Rectangle area = getClientArea();
        ImageData data;
        rendering = true;
        try {
            data = render(chart, Math.max(area.width, 200), Math.max(area.height, 150), 1.0, null);
        } finally {
            rendering = false;
        }
        Clipboard cb = new Clipboard(getDisplay());
        try {
            cb.setContents(new Object[] {data}, new Transfer[] {ImageTransfer.getInstance()});
        } finally {
            cb.dispose();
        }
    }

    /** Draws the chart into an RGB image of the given size; usable off the UI thread. */
    public static ImageData render(JFreeChart chart, int width, int height) {
        return render(chart, width, height, 1.0, null);
    }

    /**
     * Draws the chart laid out for {@code width} x {@code height} points into an image of
     * {@code scale} times as many pixels; {@code info} (may be null) receives where the items went,
     * in points.
     */
    public static ImageData render(JFreeChart chart, int width, int height, double scale, ChartRenderingInfo info) {
        java.awt.image.BufferedImage awt = ChartExport.draw(chart, width, height, scale, info);
        int pw = awt.getWidth();
        int ph = awt.getHeight();
        int[] pixels = ((java.awt.image.DataBufferInt) awt.getRaster().getDataBuffer()).getData();
        ImageData data = new ImageData(pw, ph, 24, new org.eclipse.swt.graphics.PaletteData(0xFF0000, 0x00FF00, 0x0000FF));
        for (int y = 0; y < ph; y++) {
            data.setPixels(0, y, pw, pixels, y * pw);
        }
        return data;
    }
}
