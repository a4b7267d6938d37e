package org.privtune.cli;

import org.privtune.attack.experiment.ExperimentConfig;
import picocli.CommandLine;

/** What the tests read of the commands' package-private parts. */
public final class PrivTuneCliAccess {

    private PrivTuneCliAccess() {
    }

    /** The configuration a parsed {@code experiment} command line describes. */
    public static ExperimentConfig experimentConfig(CommandLine experiment) {
        return ((AttackCommands.Experiment) experiment.getCommand()).config();
    }
}
