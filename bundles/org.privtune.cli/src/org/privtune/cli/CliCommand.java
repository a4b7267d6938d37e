package org.privtune.cli;

import java.io.PrintStream;
import java.util.List;

/** One sub-command of {@code ./privtune}. */
public interface CliCommand {

    /** The word typed after {@code ./privtune}. */
    String name();

    /** One line for the command list. */
    String summary();

    /** Usage text shown by {@code ./privtune help <name>} and on a usage error. */
    String usage();

    /**
     * Runs the command.
     *
     * @return the process exit code: 0 success, 1 failure of the work, 2 usage error
     */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
