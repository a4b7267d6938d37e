package org.privtune.ui.jobs;

import java.util.function.Consumer;
import java.util.function.Function;

import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.IJobChangeEvent;
import org.eclipse.core.runtime.jobs.ISchedulingRule;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.jobs.JobChangeAdapter;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.privtune.core.CancelledException;
import org.privtune.core.Progress;

/**
 * The background work of one view: each piece runs in an Eclipse Job whose monitor the headless
 * code sees as a {@link Progress}; the Runnable the work returns is applied on the UI thread unless
 * the Job was cancelled or the view is gone; failures go to the view's status line. Counts the
 * Jobs not yet finished (UI thread only) so that tests can wait for a quiet view.
 */
public final class ViewJobs {

    private final Control owner;
    private final ISchedulingRule rule;
    private final Consumer<String> onError;
    private int running;

    /**
     * @param owner   a control of the view: results are dropped once it is disposed
     * @param rule    scheduling rule every Job holds (null: none)
     * @param onError shows "name failed: message" to the user
     */
    /** Puts text into a view's status line (a wrapping label) and re-lays its row; no-op once disposed. */
    public static void showStatus(Label status, String text) {
        if (!status.isDisposed()) {
            status.setText(text);
            status.getParent().layout(true);
        }
    }

    public ViewJobs(Control owner, ISchedulingRule rule, Consumer<String> onError) {
        this.owner = owner;
        this.rule = rule;
        this.onError = onError;
    }

    /** Schedules {@code work} after {@code delayMs} (debounce); returns the Job so that it can be cancelled. */
    public Job schedule(String name, long delayMs, Function<Progress, Runnable> work) {
        // running drops in the "done" event, which comes after the result was posted (asyncExec
        // keeps order) and also for a Job cancelled before it started
        Job job = Job.create(name, monitor -> {
            try {
                Runnable apply = work.apply(new MonitorProgress(monitor));
                ui(() -> {
                    if (!monitor.isCanceled()) {
                        apply.run();
                    }
                });
                return monitor.isCanceled() ? Status.CANCEL_STATUS : Status.OK_STATUS;
            } catch (CancelledException e) {
                return Status.CANCEL_STATUS;
            } catch (RuntimeException e) {
                ui(() -> onError.accept(name + " failed: " + e.getMessage()));
                return new Status(IStatus.WARNING, "org.privtune.ui", name + " failed", e);
            }
        });
        job.setRule(rule);
        job.setSystem(true);
        job.addJobChangeListener(new JobChangeAdapter() {
            @Override
            public void done(IJobChangeEvent event) {
                ui(() -> running--);
            }
        });
        running++;
        job.schedule(delayMs);
        return job;
    }

    /** Runs on the UI thread later, unless the view is gone. */
    public void ui(Runnable r) {
        Display display = owner.isDisposed() ? null : owner.getDisplay();
        if (display != null && !display.isDisposed()) {
            display.asyncExec(() -> {
                if (!owner.isDisposed()) {
                    r.run();
                }
            });
        }
    }

    /** True while a Job scheduled here has not finished (UI thread). */
    public boolean isBusy() {
        return running > 0;
    }

    public static void cancel(Job... jobs) {
        for (Job j : jobs) {
            if (j != null) {
                j.cancel();
            }
        }
    }
}
