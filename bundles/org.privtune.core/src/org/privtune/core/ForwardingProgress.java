package org.privtune.core;

/**
 * A {@link Progress} that passes every call on to another; subclasses override the calls they
 * also want to see (a phase name, a progress bar of their own).
 */
public abstract class ForwardingProgress implements Progress {

    private final Progress inner;

    protected ForwardingProgress(Progress inner) {
        this.inner = inner;
    }

    @Override
    public void begin(String task, int totalWork) {
        inner.begin(task, totalWork);
    }

    @Override
    public void worked(int units) {
        inner.worked(units);
    }

    @Override
    public void subTask(String name) {
        inner.subTask(name);
    }

    @Override
    public boolean isCancelled() {
        return inner.isCancelled();
    }

    @Override
    public void done() {
        inner.done();
    }
}
