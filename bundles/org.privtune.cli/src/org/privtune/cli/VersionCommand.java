package org.privtune.cli;

import java.io.PrintStream;
import java.util.List;
import org.privtune.djl.runtime.DjlRuntime;

/** {@code ./privtune version}: versions of the studio, Java, DJL and the PyTorch engine it loads. */
final class VersionCommand implements CliCommand {

    @Override
    public String name() {
        return "version";
    }

    @Override
    public String summary() {
        return "print the versions of PrivTune, Java, DJL and PyTorch (loads the engine)";
    }

    @Override
    public String usage() {
        return "./privtune version";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (!args.isEmpty()) {
            throw new UsageException("version takes no arguments");
        }
        out.println("PrivTune Studio " + PrivTuneCli.studioVersion());
        out.println("Java " + System.getProperty("java.version"));
        out.println("DJL " + DjlRuntime.djlVersion());
        out.println("PyTorch " + DjlRuntime.pytorchVersion() + (DjlRuntime.offline() ? " (offline)" : ""));
        return 0;
    }
}
