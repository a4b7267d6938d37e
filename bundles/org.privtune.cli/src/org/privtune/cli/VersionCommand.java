package org.privtune.cli;

import org.privtune.djl.runtime.DjlRuntime;
import picocli.CommandLine.Command;

/** {@code ./privtune version}: versions of the studio, Java, DJL and the PyTorch engine it loads. */
@Command(name = "version", description = "Print the versions of PrivTune, Java, DJL and PyTorch (loads the engine).")
final class VersionCommand extends CliCommand {

    @Override
    public Integer call() {
        out.println("PrivTune Studio " + PrivTuneCli.studioVersion());
        out.println("Java " + System.getProperty("java.version"));
        out.println("DJL " + DjlRuntime.djlVersion());
        out.println("PyTorch " + DjlRuntime.pytorchVersion() + (DjlRuntime.offline() ? " (offline)" : ""));
        return 0;
    }
}
