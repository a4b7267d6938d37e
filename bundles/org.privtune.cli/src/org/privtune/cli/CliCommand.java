package org.privtune.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * One sub-command of {@code ./privtune}: a picocli {@code @Command} whose options are annotated
 * fields, so that its help is generated from them. {@link PrivTuneCli} hands every command the
 * streams it prints to.
 */
public abstract class CliCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = { "-h", "--help" }, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** What the command prints its results to. */
    protected PrintStream out = System.out;

    /** What the command prints warnings and progress to. */
    protected PrintStream err = System.err;

    final void streams(PrintStream stdout, PrintStream stderr) {
        this.out = stdout;
        this.err = stderr;
    }

    /**
     * Runs the command.
     *
     * @return the process exit code: 0 success, 1 failure of the work, 2 usage error
     */
    @Override
    public abstract Integer call() throws Exception;

    /**
     * A refusal of the command line that the options' types cannot express (two options that
     * exclude each other, a folder that exists): exit code 2 with the command's help hint.
     */
    protected ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
