package org.privtune.ui.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.jobs.IJobChangeEvent;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.jobs.JobChangeAdapter;
import org.eclipse.core.runtime.jobs.ProgressProvider;

/**
 * What the Progress view and the status line show: every Job that is not a system Job, from its
 * start to its end, with the task, sub-task and share of work its monitor was told. Installed as
 * the job manager's progress provider by {@link ProgressAddon} in the standalone studio (an Eclipse
 * IDE has a provider and a Progress view of its own).
 */
public final class JobsProgress extends ProgressProvider {

    /** One running Job as its monitor last reported it. */
    public static final class Entry {
        private final Job job;
        private volatile String task = "";
        private volatile String subTask = "";
        private volatile int total = IProgressMonitor.UNKNOWN;
        private volatile double worked;

        Entry(Job job) {
            this.job = job;
        }

        public Job job() {
            return job;
        }

        /** The Job's name, then the task and sub-task its monitor names, if any. */
        public String text() {
            StringBuilder b = new StringBuilder(job.getName());
            if (!task.isBlank() && !task.equals(job.getName())) {
                b.append(": ").append(task);
            }
            if (!subTask.isBlank()) {
                b.append(" \u2014 ").append(subTask);
            }
            return b.toString();
        }

        /** Per cent done, or -1 while the amount of work is unknown. */
        public int percent() {
            return total > 0 ? (int) Math.min(100, Math.round(100 * worked / total)) : -1;
        }
    }

    private static final JobsProgress INSTANCE = new JobsProgress();

    private final Map<Job, Entry> running = new LinkedHashMap<>();
    private final List<Runnable> listeners = new ArrayList<>();
    private boolean installed;

    private JobsProgress() {
    }

    public static JobsProgress get() {
        return INSTANCE;
    }

    /** Becomes the job manager's progress provider and starts following Jobs (once). */
    public synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        Job.getJobManager().setProgressProvider(this);
        Job.getJobManager().addJobChangeListener(new JobChangeAdapter() {
            @Override
            public void running(IJobChangeEvent event) {
                if (!event.getJob().isSystem()) {
                    synchronized (JobsProgress.this) {
                        running.computeIfAbsent(event.getJob(), Entry::new);
                    }
                    changed();
                }
            }

            @Override
            public void done(IJobChangeEvent event) {
                boolean removed;
                synchronized (JobsProgress.this) {
                    removed = running.remove(event.getJob()) != null;
                }
                if (removed) {
                    changed();
                }
            }
        });
    }

    public synchronized boolean isInstalled() {
        return installed;
    }

    /** The running Jobs, oldest first. */
    public synchronized List<Entry> running() {
        return List.copyOf(running.values());
    }

    /** Called (on any thread) whenever a Job starts, reports progress or ends. */
    public synchronized void addListener(Runnable l) {
        listeners.add(l);
    }

    /**
     * Calls {@code refresh} on the UI thread after changes, at most once per {@code delayMs} however
     * often the monitors report, while {@code owner} lives. Returns the listener, to remove it.
     */
    public Runnable follow(org.eclipse.swt.widgets.Control owner, int delayMs, Runnable refresh) {
        org.eclipse.swt.widgets.Display display = owner.getDisplay();
        java.util.concurrent.atomic.AtomicBoolean pending = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable l = () -> {
            if (owner.isDisposed() || display.isDisposed() || !pending.compareAndSet(false, true)) {
                return;
            }
            display.asyncExec(() -> display.timerExec(delayMs, () -> {
                pending.set(false);
                if (!owner.isDisposed()) {
                    refresh.run();
                }
            }));
        };
        addListener(l);
        return l;
    }

    public synchronized void removeListener(Runnable l) {
        listeners.remove(l);
    }

    private void changed() {
        List<Runnable> copy;
        synchronized (this) {
            copy = List.copyOf(listeners);
        }
        copy.forEach(Runnable::run);
    }

    private Entry entry(Job job) {
        synchronized (this) {
            return job == null || job.isSystem() ? null : running.computeIfAbsent(job, Entry::new);
        }
    }

    @Override
    public IProgressMonitor createMonitor(Job job) {
        return new NullProgressMonitor() {
            @Override
            public void beginTask(String name, int totalWork) {
                Entry e = entry(job);
                if (e != null) {
                    e.task = name == null ? "" : name;
                    e.total = totalWork;
                    e.worked = 0;
                    changed();
                }
            }

            @Override
            public void setTaskName(String name) {
                Entry e = entry(job);
                if (e != null) {
                    e.task = name == null ? "" : name;
                    changed();
                }
            }

            @Override
            public void subTask(String name) {
                Entry e = entry(job);
                if (e != null) {
                    e.subTask = name == null ? "" : name;
                    changed();
                }
            }

            @Override
            public void internalWorked(double work) {
                Entry e = entry(job);
                if (e != null) {
                    e.worked += work;
                    changed();
                }
            }

            @Override
            public void worked(int work) {
                internalWorked(work);
            }
        };
    }
}
