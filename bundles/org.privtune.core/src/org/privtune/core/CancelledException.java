package org.privtune.core;

/** Thrown out of long work when its {@link Progress} reports a cancel request. */
public class CancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CancelledException() {
        super("cancelled by the user");
    }

    /** A cancel that says what it stopped, e.g. "cancelled during the test evaluation; nothing was exported". */
    public CancelledException(String message) {
        super(message);
    }
}
