package org.privtune.core;

/**
 * Progress and cancellation for long work, free of any UI type. The GUI adapts an Eclipse
 * {@code IProgressMonitor} to it, the command line a {@link ConsoleProgress}; headless code only
 * ever sees this interface, so the same service runs under both.
 */
public interface Progress {

    /** Starts a task of {@code totalWork} units; a negative total means the amount is unknown. */
    void begin(String task, int totalWork);

    /** Reports {@code units} more units done. */
    void worked(int units);

    /** Names the step under way, without changing the count. */
    default void subTask(String name) {
    }

    /** True once the user asked to stop; long loops poll it between batches. */
    boolean isCancelled();

    /** Marks the task finished. */
    default void done() {
    }

    /** Throws {@link CancelledException} when the user asked to stop. */
    default void checkCancelled() {
        if (isCancelled()) {
            throw new CancelledException();
        }
    }

    /** A progress that reports nothing and never cancels. */
    Progress NONE = new Progress() {
        @Override
        public void begin(String task, int totalWork) {
        }

        @Override
        public void worked(int units) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    };
}
