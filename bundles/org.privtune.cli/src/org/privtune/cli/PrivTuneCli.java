package org.privtune.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.privtune.core.CancelledException;
import org.privtune.core.InvalidInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The command line of {@code ./privtune} on picocli. Each command is a thin shell over a headless
 * service of the data, model, mechanism or attack bundles, the same services the GUI calls, so both
 * give the same numbers. The help of every command is generated from its annotated options.
 */
public final class PrivTuneCli {

    /** Exit code of a refused command line. */
    public static final int USAGE = 2;

    /** Exit code of a run cancelled with Ctrl-C. */
    public static final int CANCELLED = 130;

    /** The top command: its sub-commands, {@code --help} and {@code --version}. */
    @Command(name = "./privtune", mixinStandardHelpOptions = true, versionProvider = Version.class,
            customSynopsis = {
                    "./privtune                   start the studio (needs a display)",
                    "       ./privtune build             build the product (also done on demand)",
                    "       ./privtune <command> [...]   run a headless command" },
            footer = { "", "'./privtune help <command>' or './privtune <command> --help' shows a command's options." },
            subcommands = { HelpCommand.class, VersionCommand.class, DataCommand.class, ModelCommands.VerifyModel.class,
                    ModelCommands.Train.class, ModelCommands.Predict.class, CloudCommand.class, CloudKeysCommand.class,
                    AttackCommands.Experiment.class, AttackCommands.ExportRepresentations.class, PresetsCommand.class,
                    BenchCommand.class })
    static final class Top implements Runnable {
        @picocli.CommandLine.Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    /** {@code ./privtune --version}: the studio's version and the Java it runs on (no engine loaded). */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] { "PrivTune Studio " + studioVersion(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")" };
        }
    }

    /**
     * The command line printing to these streams: help and refusals as {@code ./privtune} prints
     * them, nothing run yet. {@code parseArgs} on it checks a command line without running it.
     */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        IFactory defaults = CommandLine.defaultFactory();
        IFactory factory = new IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                K k = defaults.create(cls);
                if (k instanceof CliCommand c) {
                    c.streams(out, err);
                }
                return k;
            }
        };
        CommandLine cl = new CommandLine(new Top(), factory);
        BenchCommand.addBenchmarks(cl.getSubcommands().get("bench"));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExpandAtFiles(false); // "--mechanism @training" names a preset, not a file of arguments
        cl.setOverwrittenOptionsAllowed(true); // a repeated option: the last one counts, as before
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(false);
        cl.setUsageHelpWidth(100);
        cl.setUsageHelpLongOptionsMaxWidth(28);
        cl.getCommandSpec().usageMessage().header("PrivTune Studio " + studioVersion());
        layout(cl);
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            PrintWriter w = c.getErr();
            w.println(name(c) + ": " + e.getMessage());
            if (!UnmatchedArgumentException.printSuggestions(e, w) && e instanceof UnmatchedArgumentException u) {
                List<String> close = closeOptions(c, u.getUnmatched());
                if (!close.isEmpty()) {
                    w.println("Possible solutions: " + String.join(", ", close));
                }
            }
            w.println(hint(c));
            w.flush();
            return USAGE;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            PrintWriter w = c.getErr();
            int code;
            if (e instanceof InvalidInputException) {
                w.println(name(c) + ": invalid input: " + e.getMessage());
                code = 1;
            } else if (e instanceof CancelledException) {
                w.println(name(c) + ": " + e.getMessage() + (e.getMessage().contains("nothing was") ? ""
                        : "; nothing was written"));
                code = CANCELLED;
            } else if (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
                // a file or folder the command was given cannot be read or written: say which, no trace
                Throwable io = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
                w.println(name(c) + ": " + describe(io));
                code = 1;
            } else {
                w.println(name(c) + ": failed: " + e);
                e.printStackTrace(w);
                code = 1;
            }
            w.flush();
            return code;
        });
        return cl;
    }

    /** Options in the order they are declared, defaults shown from the fields. */
    private static void layout(CommandLine cl) {
        cl.getCommandSpec().usageMessage().sortOptions(false).sortSynopsis(false).showDefaultValues(true)
                .abbreviateSynopsis(false);
        for (CommandLine sub : cl.getSubcommands().values()) {
            layout(sub);
        }
    }

    /** Runs a command line; returns the process exit code. Never calls System.exit. */
    public int run(List<String> argv, PrintStream out, PrintStream err) {
        try {
            return commandLine(out, err).execute(argv.toArray(String[]::new));
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * Options within two edits (insertion, deletion, substitution, swap) of an unknown option:
     * picocli's own suggestions miss short typos such as --dta.
     */
    static List<String> closeOptions(CommandLine c, List<String> unmatched) {
        List<String> close = new ArrayList<>();
        for (String u : unmatched) {
            if (!u.startsWith("--")) {
                continue;
            }
            String name = u.contains("=") ? u.substring(0, u.indexOf('=')) : u;
            for (OptionSpec o : c.getCommandSpec().options()) {
                for (String n : o.names()) {
                    if (n.startsWith("--") && editDistance(name, n) <= 2 && !close.contains(n)) {
                        close.add(n);
                    }
                }
            }
        }
        return close;
    }

    /** Optimal string alignment distance. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** One line for a failed file operation: which file and why. */
    static String describe(Throwable io) {
        if (io instanceof java.nio.file.NoSuchFileException f) {
            return f.getFile() + ": no such file or folder";
        }
        if (io instanceof java.nio.file.AccessDeniedException f) {
            return f.getFile() + ": permission denied";
        }
        if (io instanceof java.nio.file.FileAlreadyExistsException f) {
            return f.getFile() + ": already exists";
        }
        if (io instanceof java.nio.file.NotDirectoryException f) {
            return f.getFile() + ": not a folder";
        }
        if (io instanceof java.nio.file.FileSystemException f) {
            return f.getFile() + ": " + (f.getReason() == null ? io.getClass().getSimpleName() : f.getReason());
        }
        return "cannot read or write a file: " + io.getMessage();
    }

    /** "privtune data import" for "./privtune data import". */
    private static String name(CommandLine c) {
        return c.getCommandSpec().qualifiedName().substring(2);
    }

    private static String hint(CommandLine c) {
        String q = c.getCommandSpec().qualifiedName();
        return c.getParent() == null ? "'./privtune --help' lists the commands."
                : "'" + q + " --help' shows its options.";
    }

    static String studioVersion() {
        Package p = PrivTuneCli.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        if (v != null) {
            return v;
        }
        try {
            org.osgi.framework.Bundle b = org.osgi.framework.FrameworkUtil.getBundle(PrivTuneCli.class);
            return b == null ? "development" : b.getVersion().toString();
        } catch (NoClassDefFoundError e) {
            return "development";
        }
    }
}
