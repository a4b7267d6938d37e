package org.privtune.cli;

import java.util.Locale;
import org.privtune.core.InvalidInputException;
import org.privtune.mechanism.MechanismPresets;
import picocli.CommandLine.Command;

/** {@code ./privtune presets}: the named mechanism settings {@code --mechanism @name} takes. */
@Command(name = "presets", description = { "List the mechanism presets that --mechanism @<name> and --mechanisms take.",
        "Built-in ones say what they protect and cost (sentiment set, split layer 2; docs/results.md); yours are saved"
                + " by the Noise Tuner." })
final class PresetsCommand extends CliCommand {

    @Override
    public Integer call() {
        out.println("Built in:");
        for (MechanismPresets.BuiltIn b : MechanismPresets.BUILT_IN) {
            out.printf(Locale.ROOT, "  @%-16s %s%n  %-17s %s%n", b.name(), b.spec().toShortString(), "", b.description());
        }
        MechanismPresets user = MechanismPresets.user();
        out.println("Yours (" + user.dir() + "):");
        if (user.names().isEmpty()) {
            out.println("  none yet (the Noise Tuner's \"Save as preset\" and \"Use for training\" write them)");
        }
        for (String name : user.names()) {
            try {
                MechanismPresets.Preset p = user.load(name);
                out.printf(Locale.ROOT, "  @%-16s %s (split layer %d)%n", name, p.spec().toShortString(), p.split());
            } catch (InvalidInputException e) {
                out.printf(Locale.ROOT, "  @%-16s unreadable: %s%n", name, e.getMessage());
            }
        }
        return 0;
    }
}
