package org.privtune.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.privtune.core.CancelledException;
import org.privtune.core.InvalidInputException;

/**
 * The command table of {@code ./privtune}. Each command is a thin shell over a headless service
 * of the data, model, mechanism or attack bundles, the same services the GUI calls, so both give
 * the same numbers.
 */
public final class PrivTuneCli {

    private final Map<String, CliCommand> commands = new LinkedHashMap<>();

    public PrivTuneCli() {
        register(new VersionCommand());
        register(new DataCommand());
        ModelCommands.all().forEach(this::register);
        register(new CloudCommand());
        register(new CloudKeysCommand());
        AttackCommands.all().forEach(this::register);
        register(new BenchCommand());
    }

    public void register(CliCommand command) {
        if (commands.putIfAbsent(command.name(), command) != null) {
            throw new IllegalStateException("two commands named " + command.name());
        }
    }

    public List<CliCommand> commands() {
        return Collections.unmodifiableList(new ArrayList<>(commands.values()));
    }

    /** Runs a command line; returns the process exit code. Never calls System.exit. */
    public int run(List<String> argv, PrintStream out, PrintStream err) {
        if (argv.isEmpty() || List.of("help", "--help", "-h").contains(argv.get(0))) {
            if (argv.size() > 1) {
                CliCommand c = commands.get(argv.get(1));
                if (c == null) {
                    err.println("privtune: no command '" + argv.get(1) + "'");
                    printHelp(err);
                    return 2;
                }
                out.println(c.usage());
                return 0;
            }
            printHelp(out);
            return 0;
        }
        CliCommand command = commands.get(argv.get(0));
        if (command == null) {
            err.println("privtune: no command '" + argv.get(0) + "'");
            printHelp(err);
            return 2;
        }
        List<String> rest = argv.subList(1, argv.size());
        if (rest.contains("--help") || rest.contains("-h")) {
            out.println(command.usage());
            return 0;
        }
        try {
            return command.run(rest, out, err);
        } catch (UsageException e) {
            err.println("privtune " + command.name() + ": " + e.getMessage());
            err.println("usage: " + command.usage());
            return 2;
        } catch (InvalidInputException e) {
            err.println("privtune " + command.name() + ": invalid input: " + e.getMessage());
            return 1;
        } catch (CancelledException e) {
            err.println("privtune " + command.name() + ": cancelled; nothing was written");
            return 130;
        } catch (Exception e) {
            err.println("privtune " + command.name() + ": failed: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    void printHelp(PrintStream out) {
        out.println("PrivTune Studio " + studioVersion());
        out.println("usage: ./privtune                 start the studio (needs a display)");
        out.println("       ./privtune build           build the product (also done on demand)");
        out.println("       ./privtune <command> ...   run a headless command");
        out.println();
        out.println("commands:");
        for (CliCommand c : commands.values()) {
            out.printf("  %-24s %s%n", c.name(), c.summary());
        }
        out.println();
        out.println("'./privtune help <command>' shows a command's options.");
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
