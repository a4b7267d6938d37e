package org.privtune.bench.studio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.core.runtime.jobs.Job;

import org.eclipse.e4.ui.model.application.MApplication;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.model.application.ui.basic.MWindow;
import org.eclipse.e4.ui.workbench.IWorkbench;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;
import org.privtune.ui.data.DatasetInspectorPart;
import org.privtune.ui.tuner.NoiseTunerPart;
import org.privtune.ui.tuner.PositionSlider;
import org.privtune.ui.widgets.WidgetIds;

/**
 * Times the studio as a user meets it, from inside the running product (releng/bench/studio/run.sh
 * installs this bundle into a copy of the product's configuration; it is not part of the product).
 * Every time is counted from BENCH_T0_MS, the wall clock when the script ran ./privtune.
 * <ul>
 * <li>BENCH_STUDIO=tuner: the Noise Tuner is brought to front as soon as the window shows; the first
 * point on screen after start; then eps changes on the slider, each once the view is idle, and the
 * view's own change-to-point-on-screen latency (what its status line shows) of each.</li>
 * <li>BENCH_STUDIO=inspector: the Dataset Inspector opens IMDB (50,000 reviews): until the table
 * holds every record, until the description (charts) is shown; then the table scrolled page by
 * page from the top and jumping to spread positions, each step painted before the next.</li>
 * </ul>
 * Writes key=value lines to BENCH_OUT, then closes the workbench.
 */
public final class StudioBench implements BundleActivator {

    /** The tuner's status line once a point is on screen, with the time from the change. */
    private static final String SHOWN = "quick point shown";
    private static final Pattern LATENCY = Pattern.compile("quick point shown (\\d+) ms after the change");

    /** The inspector's status line once IMDB is in the table. */
    private static final Pattern RECORDS = Pattern.compile("^imdb: ([\\d,]+) records");

    private final List<String> lines = new ArrayList<>();
    private long t0;
    private Display display;

    @Override
    public void start(BundleContext context) {
        Thread t = new Thread(() -> run(context), "studio bench");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void stop(BundleContext context) {
    }

    private void run(BundleContext context) {
        String mode = System.getenv().getOrDefault("BENCH_STUDIO", "tuner");
        t0 = Long.parseLong(System.getenv().getOrDefault("BENCH_T0_MS", "" + System.currentTimeMillis()));
        IWorkbench workbench = null;
        try {
            ServiceTracker<IWorkbench, IWorkbench> tracker = new ServiceTracker<>(context, IWorkbench.class, null);
            tracker.open();
            workbench = tracker.waitForService(600_000);
            MApplication app = workbench.getApplication();
            Shell shell = null;
            MWindow window = null;
            while (shell == null) {
                for (MWindow w : app.getChildren()) {
                    if (w.getWidget() instanceof Shell s) {
                        shell = s;
                        window = w;
                    }
                }
                Thread.sleep(5);
            }
            display = shell.getDisplay();
            Shell s = shell;
            waitFor(() -> s.isVisible(), 600_000);
            put("window_visible_ms", since());
            EPartService parts = window.getContext().get(EPartService.class);
            if (mode.equals("tuner")) {
                tuner(parts, Integer.parseInt(System.getenv().getOrDefault("BENCH_CHANGES", "7")));
            } else {
                inspector(parts);
            }
        } catch (Throwable e) {
            put("error", e.toString().replace('\n', ' '));
            e.printStackTrace();
        } finally {
            put("load_average", String.format(Locale.ROOT, "%.2f",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
            try {
                Files.write(Path.of(System.getenv().getOrDefault("BENCH_OUT", "studio-bench.txt")), lines,
                        StandardCharsets.UTF_8);
            } catch (IOException e) {
                e.printStackTrace();
            }
            IWorkbench wb = workbench;
            if (wb != null && display != null && !display.isDisposed()) {
                display.asyncExec(wb::close);
            } else {
                System.exit(1);
            }
        }
    }

    private void tuner(EPartService parts, int changes) throws InterruptedException {
        Composite part = show(parts, NoiseTunerPart.ID);
        Label status = widget(part, "status", Label.class);
        PositionSlider eps = widget(part, "eps", PositionSlider.class);
        waitFor(() -> status.getText().contains(SHOWN), 900_000);
        put("tuner_first_point_ms", since());
        put("tuner_first_point", sync(status::getText));
        long[] latency = new long[changes];
        for (int i = 0; i < changes; i++) {
            // the refinement and the eps sweep of the previous point finish first: nothing else runs
            waitFor(() -> Job.getJobManager().find(NoiseTunerPart.ID).length == 0, 600_000);
            Thread.sleep(300);
            int step = i % 2 == 0 ? -3 : 3;
            sync(() -> {
                status.setText("");
                eps.setSelection(eps.getSelection() + step);
                eps.notifyListeners(SWT.Selection, null);
                return null;
            });
            waitFor(() -> status.getText().contains(SHOWN), 600_000);
            String shown = sync(status::getText);
            Matcher m = LATENCY.matcher(shown);
            latency[i] = m.find() ? Long.parseLong(m.group(1)) : -1;
            put("tuner_change_" + (i + 1), latency[i] + " ms to the point on screen (" + shown + ")");
        }
        long[] sorted = latency.clone();
        Arrays.sort(sorted);
        put("tuner_change_ms_median", sorted[changes / 2]);
        put("tuner_change_ms_min", sorted[0]);
        put("tuner_change_ms_max", sorted[changes - 1]);
        put("tuner_change_ms_all", Arrays.toString(latency));
    }

    private void inspector(EPartService parts) throws InterruptedException {
        Composite part = show(parts, DatasetInspectorPart.ID);
        Combo datasets = widget(part, "dataset", Combo.class);
        Label status = widget(part, "status", Label.class);
        Table table = widget(part, "records", Table.class);
        waitFor(() -> idle(DatasetInspectorPart.ID), 900_000); // the data set it remembers loads first
        // from another data set to IMDB, as a user switching: the table then changes for certain
        open(datasets, "sentiment");
        waitFor(() -> status.getText().startsWith("sentiment:") && idle(DatasetInspectorPart.ID), 900_000);
        Thread.sleep(300);
        long start = System.currentTimeMillis();
        put("inspector_open_at_ms", since());
        open(datasets, "imdb");
        waitFor(() -> {
            Matcher m = RECORDS.matcher(status.getText());
            return m.find() && table.getItemCount() == Integer.parseInt(m.group(1).replace(",", ""));
        }, 900_000);
        put("inspector_records_shown_ms", System.currentTimeMillis() - start);
        put("inspector_records", sync(table::getItemCount));
        waitFor(() -> status.getText().startsWith("imdb:") && status.getText().contains("longer than")
                && idle(DatasetInspectorPart.ID), 900_000);
        put("inspector_described_ms", System.currentTimeMillis() - start);
        int rows = sync(table::getItemCount);
        int page = sync(() -> Math.max(1, table.getClientArea().height / Math.max(1, table.getItemHeight())));
        put("inspector_rows_per_page", page);
        double[] down = new double[100];
        for (int i = 0; i < down.length; i++) {
            down[i] = scrollTo(table, (i + 1) * page, page, rows);
        }
        summary("inspector_page_down", down);
        double[] jump = new double[50];
        for (int i = 0; i < jump.length; i++) {
            // spread over the whole table, away from the pages already seen
            jump[i] = scrollTo(table, 200 * page + (int) ((long) i * 7919 % jump.length * (rows - 201L * page)
                    / jump.length), page, rows);
        }
        summary("inspector_jump", jump);
        put("inspector_to_last_page_ms", String.format(Locale.ROOT, "%.1f", scrollTo(table, rows - page, page, rows)));
    }

    /** Picks the data set in the view's combo, as a user does. */
    private void open(Combo datasets, String name) throws InterruptedException {
        sync(() -> {
            for (int i = 0; i < datasets.getItemCount(); i++) {
                if (datasets.getItem(i).startsWith(name + " \u00b7")) {
                    datasets.select(i);
                    datasets.notifyListeners(SWT.Selection, null);
                }
            }
            return null;
        });
    }

    private static boolean idle(String family) {
        return Job.getJobManager().find(family).length == 0;
    }

    /** The widget named {@code id} (widget data "id") in a view. */
    private <W> W widget(Composite part, String id, Class<W> type) throws InterruptedException {
        return type.cast(sync(() -> WidgetIds.find(part, id)));
    }

    /**
     * Scrolls so that row {@code top} is first and has the page's rows filled as a paint would (each
     * row's text asked for: the view's SWT.SetData work, its word-piece count included), then lets
     * the table update; ms. GTK's own drawing happens later, at its frame clock, and is not timed.
     */
    private double scrollTo(Table table, int top, int page, int rows) {
        return sync(() -> {
            long start = System.nanoTime();
            table.setTopIndex(top);
            for (int i = top; i < Math.min(rows, top + page); i++) {
                table.getItem(i).getText(0);
            }
            table.update();
            return (System.nanoTime() - start) / 1e6;
        });
    }

    private void summary(String key, double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double total = 0;
        for (double v : ms) {
            total += v;
        }
        put(key + "_ms_median", String.format(Locale.ROOT, "%.1f", sorted[ms.length / 2]));
        put(key + "_ms_max", String.format(Locale.ROOT, "%.1f", sorted[ms.length - 1]));
        put(key + "_ms_total", String.format(Locale.ROOT, "%.0f", total));
        put(key + "_steps", ms.length);
    }

    /** Shows the view and returns its composite. */
    private Composite show(EPartService parts, String id) throws InterruptedException {
        return sync(() -> {
            MPart p = parts.findPart(id);
            parts.showPart(p, EPartService.PartState.ACTIVATE);
            return (Composite) p.getWidget();
        });
    }

    private long since() {
        return System.currentTimeMillis() - t0;
    }

    private void put(String key, Object value) {
        String line = key + "=" + value;
        lines.add(line);
        System.out.println("studio bench: " + line);
    }

    private <T> T sync(Supplier<T> body) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        display.syncExec(() -> {
            try {
                result.set(body.get());
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    private void waitFor(Supplier<Boolean> condition, long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (!Boolean.TRUE.equals(display == null ? condition.get() : sync(condition))) {
            if (System.currentTimeMillis() > end) {
                throw new IllegalStateException("timed out after " + timeoutMs + " ms");
            }
            Thread.sleep(10);
        }
    }
}
