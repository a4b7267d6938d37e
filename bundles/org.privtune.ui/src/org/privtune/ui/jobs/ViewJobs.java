package org.privtune.ui.jobs;

import java.util.function.Consumer;
import java.util.function.Function;

import org.eclipse.core.runtime.IProgressMonitor;
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
 * the Job was cancelled or the view is gone; failures go to the view's status line. The Jobs
 * belong to the view's family (its part id), so {@code Job.getJobManager().find(id)} lists them.
 */
public final class ViewJobs {

    private final Control owner;
    private final ISchedulingRule rule;
    private final Object family;
    private final Consumer<String> onError;

    /**
     * @param owner   a control of the view: results are dropped once it is disposed
     * @param rule    scheduling rule every Job holds (null: none)
     * @param family  the Jobs' family
     * @param onError shows "name failed: message" to the user
     */
    public ViewJobs(Control owner, ISchedulingRule rule, Object family, Consumer<String> onError) {
        this.owner = owner;
        this.rule = rule;
        this.family = family;
        this.onError = onError;
    }

    /** Puts text into a view's status line (a wrapping label) and re-lays its row; no-op once disposed. */
    public static void showStatus(Label status, String text) {
        if (!status.isDisposed()) {
            status.setText(text);
            status.getParent().layout(true);
        }
    }

    /** Schedules {@code work} after {@code delayMs} (debounce); returns the Job so that it can be cancelled. */
    public Job schedule(String name, long delayMs, Function<Progress, Runnable> work) {
        Job job = new Job(name) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
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
            }

            @Override
            public boolean belongsTo(Object f) {
                return family.equals(f);
            }
        };
        job.setRule(rule);
        // not a system Job: the status line and the Progress view list it
        job.schedule(delayMs);
        return job;
    }

    /**
     * A long user Job of this view's family (the Progress view and status line show it, with
     * Cancel) that holds {@code jobRule}; {@code whenDone} runs on the UI thread when it has ended,
     * however it ended. The caller schedules it.
     */
    public Job userJob(String name, ISchedulingRule jobRule, Function<IProgressMonitor, IStatus> body,
            Runnable whenDone) {
        Job job = new Job(name) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                return body.apply(monitor);
            }

            @Override
            public boolean belongsTo(Object f) {
                return family.equals(f);
            }
        };
        job.setRule(jobRule);
        job.setUser(true);
        job.addJobChangeListener(new JobChangeAdapter() {
            @Override
            public void done(IJobChangeEvent event) {
                ui(whenDone);
            }
        });
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

    public static void cancel(Job... jobs) {
        for (Job j : jobs) {
            if (j != null) {
                j.cancel();
            }
        }
    }
}
