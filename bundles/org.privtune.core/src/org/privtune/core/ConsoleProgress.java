package org.privtune.core;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A one-line console progress report with rate and ETA, redrawn in place with a carriage return
 * when the stream is a terminal, and printed at most every few seconds otherwise (CI logs).
 * Cancellation comes from {@link #cancel()}; {@link #cancelOnInterrupt()} wires it to Ctrl-C.
 */
public final class ConsoleProgress implements Progress {

    private final PrintStream out;
    private final boolean interactive;
    private final long minIntervalNanos;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private String task = "";
    private String sub = "";
    private int total;
    private long done;
    /** When the current task began; before any {@link #begin}, when this progress was made (never 0). */
    private long startNanos = System.nanoTime();
    private long lastPrintNanos;

    public ConsoleProgress(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
        this.minIntervalNanos = interactive ? 200_000_000L : 5_000_000_000L;
    }

    /** A progress on standard error, interactive when a console is attached. */
    public static ConsoleProgress onStderr() {
        return new ConsoleProgress(System.err, System.console() != null);
    }

    @Override
    public synchronized void begin(String taskName, int totalWork) {
        this.task = taskName;
        this.total = totalWork;
        this.done = 0;
        this.sub = "";
        this.startNanos = System.nanoTime();
        this.lastPrintNanos = 0;
        print(true);
    }

    @Override
    public synchronized void worked(int units) {
        done += units;
        print(false);
    }

    @Override
    public synchronized void subTask(String name) {
        sub = name == null ? "" : name;
        print(false);
    }

    @Override
    public boolean isCancelled() {
        return cancelled.get();
    }

    public void cancel() {
        cancelled.set(true);
    }

    /** How long Ctrl-C waits for the work to notice the cancellation and clean up. */
    static final long CLEANUP_MILLIS = 20_000;

    /**
     * While the returned handle is open, Ctrl-C (or any JVM shutdown) cancels this progress and
     * holds the shutdown for up to {@value #CLEANUP_MILLIS} ms until the calling thread has left
     * the try block, so that the work stops at its next cancellation check and removes what it
     * had half written instead of being killed mid-write.
     */
    public AutoCloseable cancelOnInterrupt() {
        Thread worker = Thread.currentThread();
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        Thread hook = new Thread(() -> {
            cancel();
            try {
                if (!finished.await(CLEANUP_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    out.println();
                    out.println("interrupted: " + worker.getName() + " did not stop within " + CLEANUP_MILLIS / 1000
                            + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "privtune-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        return () -> {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook is running and now returns
            }
        };
    }

    @Override
    public synchronized void done() {
        print(true);
        if (interactive) {
            out.println();
        }
    }

    /** The line as it would be printed now; public for tests. */
    public synchronized String line() {
        long elapsed = System.nanoTime() - startNanos;
        StringBuilder sb = new StringBuilder(task);
        if (total > 0) {
            double frac = Math.min(1.0, done / (double) total);
            sb.append(String.format(" %5.1f%% (%d/%d)", 100 * frac, done, total));
            if (done > 0 && done < total) {
                long etaNanos = (long) (elapsed / frac - elapsed);
                sb.append(" ETA ").append(formatDuration(Duration.ofNanos(etaNanos)));
            }
        } else if (done > 0) {
            sb.append(" ").append(done);
        }
        sb.append(" elapsed ").append(formatDuration(Duration.ofNanos(elapsed)));
        if (!sub.isEmpty()) {
            sb.append(" - ").append(sub);
        }
        return sb.toString();
    }

    static String formatDuration(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format("%dm%02ds", s / 60, s % 60);
    }

    private void print(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastPrintNanos < minIntervalNanos) {
            return;
        }
        lastPrintNanos = now;
        if (interactive) {
            out.print("\r" + line() + "\u001b[K");
            out.flush();
        } else {
            out.println(line());
        }
    }
}
