package org.privtune.core;

import java.util.Objects;

/**
 * Bad input named precisely: which file (or source), which line or record, which field, and what
 * was expected. The message always carries all of them so that a user can find and fix the entry.
 */
public class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;
    private final String field;
    private final String problem;

    /**
     * @param source  file name or other origin of the input (never null)
     * @param line    1-based line or record number, or 0 when not line-oriented
     * @param field   field, column or key concerned, or null
     * @param problem what is wrong and what was expected
     */
    public InvalidInputException(String source, long line, String field, String problem) {
        this(source, line, field, problem, null);
    }

    public InvalidInputException(String source, long line, String field, String problem, Throwable cause) {
        super(format(source, line, field, problem), cause);
        this.source = Objects.requireNonNull(source, "source");
        this.line = line;
        this.field = field;
        this.problem = problem;
    }

    private static String format(String source, long line, String field, String problem) {
        StringBuilder sb = new StringBuilder(source);
        if (line > 0) {
            sb.append(", line ").append(line);
        }
        if (field != null) {
            sb.append(", field '").append(field).append('\'');
        }
        return sb.append(": ").append(problem).toString();
    }

    public String source() {
        return source;
    }

    public long line() {
        return line;
    }

    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }
}
