package org.privtune.attack.experiment;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.mechanism.MechanismPresets;
import org.privtune.mechanism.MechanismSpec;

/**
 * What {@code ./privtune experiment} runs: every setting of a configuration's grid through the
 * {@link ExperimentRunner}, settings already in the folder skipped. The command line (options,
 * Ctrl-C) stays with the caller, which builds the {@link ExperimentConfig}.
 */
public final class ExperimentCommand {

    /**
     * Refuses an entry of the mechanism list that names no mechanism or carries a parameter the
     * mechanism does not take, before an hour of training.
     *
     * @param entry a name, or a name with parameters separated by ';' (privtune-swap:keep=0.05;n=3)
     */
    public static void checkMechanism(String entry) {
        if (entry.startsWith("@")) {
            throw new InvalidInputException("command line", 0, "--mechanisms", "'" + entry
                    + "' names a preset; resolve it with entry() first");
        }
        String name = entry.contains(":") ? entry.substring(0, entry.indexOf(':')) : entry;
        if (!List.of(MechanismSpec.NAMES).contains(name)) {
            throw new InvalidInputException("command line", 0, "--mechanisms", "unknown mechanism '" + name
                    + "' (known: " + String.join(", ", MechanismSpec.NAMES) + ")");
        }
        SplitExperiment.parseSpec(entry);
    }

    /**
     * The grid entry of one item of {@code --mechanisms}: a name, a name with parameters (separated
     * by ',' or ';'), or {@code @preset} (a built-in or the user's: its mechanism and parameters,
     * its eps left to {@code --eps}). Returned with ';' between the parameters, the form of setting
     * keys and result tables (no comma inside a CSV cell), and checked.
     */
    public static String entry(String item, MechanismPresets presets) {
        String t = item.trim();
        if (t.startsWith("@")) {
            String name = t.substring(1);
            MechanismPresets.BuiltIn b = MechanismPresets.builtIn(name);
            t = b != null ? b.text() : presets.load(name).spec().toShortString();
            t = withoutEps(t);
        }
        int colon = t.indexOf(':');
        if (colon >= 0) {
            List<String> params = new java.util.ArrayList<>();
            for (String p : t.substring(colon + 1).split("[,;]")) {
                if (!p.isBlank()) {
                    params.add(p.trim());
                }
            }
            t = t.substring(0, colon).trim() + (params.isEmpty() ? "" : ":" + String.join(";", params));
        }
        checkMechanism(t);
        return t;
    }

    private static String withoutEps(String spec) {
        int colon = spec.indexOf(':');
        if (colon < 0) {
            return spec;
        }
        List<String> params = new java.util.ArrayList<>();
        for (String p : spec.substring(colon + 1).split("[,;]")) {
            if (!p.trim().toLowerCase(Locale.ROOT).startsWith("eps=")) {
                params.add(p.trim());
            }
        }
        return spec.substring(0, colon) + (params.isEmpty() ? "" : ":" + String.join(";", params));
    }

    /**
     * Runs with the caller's progress (e.g. a {@code ConsoleProgress} whose cancel() the command
     * line wires to Ctrl-C, or the GUI's job monitor); a cancel stops between batches and keeps
     * every finished setting.
     *
     * @param charts  whether the frontier charts are drawn
     * @param command the command line recorded in the summary
     * @return 0, or 1 when a setting's training diverged
     */
    public int run(ExperimentConfig cfg, boolean charts, String command, PrintStream out, PrintStream err,
            Progress progress) throws Exception {
        List<Setting> grid = cfg.grid();
        ExperimentFolder.claim(cfg);
        ExperimentRunner probe = new ExperimentRunner(cfg.out(), (s, p) -> null, command, charts);
        if (probe.pending(grid).isEmpty()) {
            ExperimentRunner.Outcome o = probe.run(grid, Progress.NONE);
            out.printf(Locale.ROOT, "all %d settings already in %s; tables and charts rewritten%n", o.skipped(),
                    cfg.out());
            return 0;
        }
        progress.begin("Preparing the experiment (model, data, reference space, graphs)", -1);
        try (SplitExperiment experiment = new SplitExperiment(cfg, progress)) {
            progress.done();
            out.printf(Locale.ROOT,
                    "victim: %s, %d training sentences; attacker: %d auxiliary sentences; %d settings%n",
                    experiment.victimData(), experiment.trainSize(), experiment.auxiliarySentences(progress), grid.size());
            ExperimentRunner runner = new ExperimentRunner(cfg.out(), experiment, command, charts);
            ExperimentRunner.Outcome o = runner.run(grid, progress);
            out.printf(Locale.ROOT, "ran %d settings, skipped %d finished ones; results in %s%n", o.ran(), o.skipped(),
                    cfg.out().toAbsolutePath());
            for (String f : o.failed()) {
                err.println("not written, training diverged: " + f);
            }
            return o.failed().isEmpty() ? 0 : 1;
        }
    }
}
