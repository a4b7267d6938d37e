package org.privtune.data;

/**
 * A data set could not be had: the tool that fetches it is missing, fetching failed, or what
 * arrived is not what the code expects (checksum). The message says what to do about it.
 */
public class DatasetUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatasetUnavailableException(String message) {
        super(message);
    }

    public DatasetUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
