package org.privtune.ui.jobs;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.SubMonitor;
import org.privtune.core.Progress;

/**
 * Lets headless services report to an Eclipse Job: their {@link Progress} calls go to the Job's
 * {@link IProgressMonitor} (progress bar, cancel button). Each {@code begin} of the service starts
 * a fresh sub-task on the monitor, because services call it once per phase.
 */
public final class MonitorProgress implements Progress {

    private final IProgressMonitor monitor;
    private SubMonitor sub;

    public MonitorProgress(IProgressMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public void begin(String task, int totalWork) {
        sub = SubMonitor.convert(monitor, task, totalWork < 0 ? IProgressMonitor.UNKNOWN : totalWork);
        sub.setTaskName(task);
    }

    @Override
    public void worked(int units) {
        if (sub != null) {
            sub.worked(units);
        }
    }

    @Override
    public void subTask(String name) {
        monitor.subTask(name);
    }

    @Override
    public boolean isCancelled() {
        return monitor.isCanceled();
    }

    @Override
    public void done() {
        monitor.done();
    }
}
