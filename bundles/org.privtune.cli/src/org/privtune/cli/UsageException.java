package org.privtune.cli;

/** A command line that does not fit the command's usage; exit code 2. */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
