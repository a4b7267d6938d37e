package org.privtune.cli;

import java.io.PrintStream;
import java.util.List;
import org.privtune.attack.experiment.ExperimentCommand;
import org.privtune.attack.experiment.ExportRepresentationsCommand;

/** {@code experiment} and {@code export-representations}, served by bundle org.privtune.attack. */
final class AttackCommands {

    private AttackCommands() {
    }

    static List<CliCommand> all() {
        ExperimentCommand experiment = new ExperimentCommand();
        ExportRepresentationsCommand export = new ExportRepresentationsCommand();
        return List.of(
                command(experiment.name(), experiment.summary(), experiment.usage(), experiment::run),
                command(export.name(), export.summary(), export.usage(), export::run));
    }

    /** The attack bundle's command entry points, as a method reference. */
    interface Body {
        int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
    }

    private static CliCommand command(String name, String summary, String usage, Body body) {
        return new CliCommand() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String summary() {
                return summary;
            }

            @Override
            public String usage() {
                return usage;
            }

            @Override
            public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
                return body.run(args, out, err);
            }
        };
    }
}
