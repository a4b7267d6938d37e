package org.privtune.attack.experiment;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.privtune.core.ConsoleProgress;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.MiniLmResources;

/**
 * {@code ./privtune experiment}: the same shape as the command line's CliCommand (name, summary,
 * usage, run(args, out, err) returning an exit code), so the CLI bundle registers it with a
 * one-line adapter. Ctrl-C handling and System.exit stay with the caller.
 */
public final class ExperimentCommand {

    private static final Set<String> VALUED = Set.of("data", "split", "mechanisms", "eps", "seeds", "out", "cache");
    private static final Set<String> FLAGS = Set.of("quick", "no-charts");

    public String name() {
        return "experiment";
    }

    public String summary() {
        return "fine-tune under each mechanism and eps, run all attacks, write results.csv/json, summary.md, charts";
    }

    public String usage() {
        return """
                privtune experiment --out <folder> [--data <built-in | import | file>] [--split 2]
                    [--mechanisms none,dchi,sap,gaussian,santext,privtune] [--eps 1,2,4,8,16,32] [--seeds 3]
                    [--quick] [--no-charts] [--cache <folder>]
                  A mechanism may carry parameters separated by ';': privtune-swap:keep=0.05;n=3
                  (quote the list in a shell).
                  Resumable: settings whose settings/<key>.json exists in <folder> are skipped.
                  --quick: 400 training sentences, 1 epoch, 150 test sentences, smaller attacks (minutes per setting).
                  --data takes any labelled data set (default sentiment); B1 runs where records have a source,
                  length and number/name attributes are computed from the text.""";
    }

    /** Parses the arguments into a configuration (no work done). */
    public ExperimentConfig parse(List<String> args) {
        CommandArguments a = new CommandArguments(args, VALUED, FLAGS);
        // any labelled data set: a built-in name, a recent import or a file (loaded when the run starts)
        String data = a.get("data", "sentiment");
        int split = a.getInt("split", 2);
        if (split < 0 || split > 6) {
            throw new InvalidInputException("command line", 0, "--split", "must be in 0..6, got " + split);
        }
        List<String> mechs = a.getList("mechanisms", ExperimentConfig.DEFAULT_MECHANISMS);
        for (String m : mechs) {
            String name = m.contains(":") ? m.substring(0, m.indexOf(':')) : m;
            if (!List.of(MechanismSpec.NAMES).contains(name)) {
                throw new InvalidInputException("command line", 0, "--mechanisms", "unknown mechanism '" + name
                        + "' (known: " + String.join(", ", MechanismSpec.NAMES) + ")");
            }
            SplitExperiment.parseSpec(m); // names the bad parameter now, not after an hour of training
        }
        boolean quick = a.has("quick");
        List<Double> eps = a.getDoubles("eps", quick ? List.of(8.0, 32.0) : ExperimentConfig.DEFAULT_EPS);
        int seeds = a.getInt("seeds", quick ? 1 : 3);
        if (seeds < 1) {
            throw new InvalidInputException("command line", 0, "--seeds", "must be >= 1");
        }
        Path out = Path.of(a.require("out"));
        Path cache = Path.of(a.get("cache", MiniLmResources.defaultCacheDir().toString()));
        return quick ? ExperimentConfig.quick(data, split, mechs, eps, seeds, out, cache)
                : ExperimentConfig.full(data, split, mechs, eps, seeds, out, cache);
    }

    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        ConsoleProgress progress = new ConsoleProgress(err, System.console() != null);
        try (AutoCloseable ctrlC = progress.cancelOnInterrupt()) {
            return run(args, out, err, progress);
        }
    }

    /**
     * Runs with the caller's progress (e.g. a {@link ConsoleProgress} whose cancel() the command
     * line wires to Ctrl-C, or the GUI's job monitor); a cancel stops between batches and keeps
     * every finished setting.
     */
    public int run(List<String> args, PrintStream out, PrintStream err, Progress progress) throws Exception {
        ExperimentConfig cfg = parse(args);
        boolean charts = !args.contains("--no-charts");
        String command = "./privtune experiment " + String.join(" ", args);
        List<Setting> grid = cfg.grid();
        ExperimentRunner probe = new ExperimentRunner(cfg.out(), (s, p) -> null, command, charts);
        if (probe.pending(grid).isEmpty()) {
            ExperimentRunner.Outcome o = probe.run(grid, Progress.NONE);
            out.printf(Locale.ROOT, "all %d settings already in %s; tables and charts rewritten%n", o.skipped(),
                    cfg.out());
            return 0;
        }
        progress.begin("Preparing the experiment (MiniLM, data, reference space, graphs)", -1);
        try (SplitExperiment experiment = new SplitExperiment(cfg, progress)) {
            progress.done();
            out.printf(Locale.ROOT, "victim: %d training sentences; attacker: %d auxiliary sentences; %d settings%n",
                    experiment.trainSize(), experiment.auxiliarySentences(progress), grid.size());
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
