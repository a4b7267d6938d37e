package org.privtune.app.tests;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Listener;
import org.jfree.data.general.SeriesChangeListener;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.privtune.studio.NoiseTunerService;
import org.privtune.ui.charts.ChartCanvas;
import org.privtune.ui.charts.TunerCharts;
import org.privtune.ui.tuner.NoiseTunerPart;
import org.privtune.ui.tuner.PositionSlider;

/**
 * The Noise Tuner's change-to-screen latency as a user sees it: from the control's event (or the
 * view's creation) until the plane's dataset holds the new point and the chart has painted it
 * (not the readout's own figure, which stops at the dataset). Reports, never fails on timing:
 * prints a table and writes it to {@code target/tuner-latency.md} of the test bundle.
 */
final class TunerLatency {

    private static final Pattern READOUT_MS = Pattern.compile("quick point shown (\\d+) ms after the change");

    private TunerLatency() {
    }

    /**
     * Milliseconds from {@code since} (nanoTime) until the plane's current point is set anew and a
     * paint of the plane has followed it.
     */
    static long untilPainted(PartHarness ui, long since) {
        ChartCanvas canvas = ui.find("planeChart", ChartCanvas.class);
        XYSeries current = plane(canvas).getSeries(TunerCharts.CURRENT);
        long[] pointAt = {0};
        long[] paintAt = {0};
        SeriesChangeListener onPoint = e -> {
            if (pointAt[0] == 0 && current.getItemCount() == 1) {
                pointAt[0] = System.nanoTime();
            }
        };
        Listener onPaint = e -> {
            if (pointAt[0] != 0 && paintAt[0] == 0) {
                paintAt[0] = System.nanoTime(); // after the canvas's own listener drew the chart
            }
        };
        current.addChangeListener(onPoint);
        canvas.addListener(SWT.Paint, onPaint);
        try {
            ui.waitUntil("the point painted", () -> paintAt[0] != 0);
        } finally {
            current.removeChangeListener(onPoint);
            canvas.removeListener(SWT.Paint, onPaint);
        }
        return (paintAt[0] - since) / 1_000_000;
    }

    /**
     * {@code changes} eps moves on the settings shown (after the view is warm), each waited for
     * until the view is idle again; prints and writes the table with the first point after the view
     * opened ({@code firstMs}).
     */
    static void measure(PartHarness ui, NoiseTunerService service, long firstMs, int changes) throws IOException {
        PositionSlider eps = ui.find("eps", PositionSlider.class);
        Label status = ui.find("status", Label.class);
        long[] screen = new long[changes];
        long[] readout = new long[changes];
        int readouts = 0;
        for (int i = 0; i < changes; i++) {
            ui.waitIdle(NoiseTunerPart.ID);
            eps.setSelection(eps.getSelection() + (i % 2 == 0 ? 2 : -2));
            long t0 = System.nanoTime();
            PartHarness.select(eps);
            screen[i] = untilPainted(ui, t0);
            Matcher m = READOUT_MS.matcher(status.getText());
            if (m.find()) {
                readout[readouts++] = Long.parseLong(m.group(1));
            }
        }
        ui.waitIdle(NoiseTunerPart.ID);
        long[] sorted = screen.clone();
        Arrays.sort(sorted);
        long[] own = Arrays.copyOf(readout, readouts);
        Arrays.sort(own);
        String spec = service.settings().spec().toShortString();
        String model = service.current().model().name();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int cores = Runtime.getRuntime().availableProcessors();
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "Noise Tuner, change to point on screen: %s on %s, split %d, sample %d "
                + "dev sentences, %d cores, load average %.1f at the end%n%n", spec, model, service.settings().split(),
                service.current().sampleSentences(), cores, load));
        t.append("| what | ms |\n|---|---|\n");
        t.append(String.format(Locale.ROOT, "| first point after the view opens (evaluator from the cache) | %d |%n",
                firstMs));
        t.append(String.format(Locale.ROOT, "| warm point on screen, median of %d eps moves (min-max) | %d (%d-%d) |%n",
                changes, median(sorted), sorted[0], sorted[changes - 1]));
        if (own.length > 0) {
            t.append(String.format(Locale.ROOT, "| the readout's own figure for the same moves, median (min-max) | %d "
                    + "(%d-%d) |%n", median(own), own[0], own[own.length - 1]));
        }
        t.append(String.format(Locale.ROOT, "%nEach move, ms on screen: %s%n", Arrays.toString(screen)));
        System.out.print(t);
        Path out = Path.of("target", "tuner-latency.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, t.toString());
    }

    private static long median(long[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static XYSeriesCollection plane(ChartCanvas canvas) {
        return (XYSeriesCollection) canvas.getChart().getXYPlot().getDataset();
    }
}
