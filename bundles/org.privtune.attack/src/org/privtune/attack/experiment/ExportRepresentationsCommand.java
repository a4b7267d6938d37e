package org.privtune.attack.experiment;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.privtune.attack.ObservedRepresentations;
import org.privtune.core.ConsoleProgress;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.MiniLmResources;

/**
 * {@code ./privtune export-representations --data sentiment --mechanism privtune:eps=8 --out f.safetensors
 * [--split 2] [--limit N]}: the perturbed test-split representations, attention mask, true token
 * ids and reference matrix R in one safetensors file (see {@link RepresentationExport}). Same
 * command shape as {@link ExperimentCommand}.
 */
public final class ExportRepresentationsCommand {

    private static final Set<String> VALUED = Set.of("data", "split", "mechanism", "out", "limit", "cache", "seed");

    public String name() {
        return "export-representations";
    }

    public String summary() {
        return "write perturbed test representations, mask, true ids and R as safetensors for outside audits";
    }

    public String usage() {
        return """
                privtune export-representations --mechanism <spec> --out <file.safetensors> [--data sentiment]
                    [--split 2] [--limit <sentences>] [--seed 1] [--cache <folder>]
                  <spec> is a mechanism spec such as privtune:eps=8,n=2 (see the mechanism bundle).""";
    }

    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        ConsoleProgress progress = new ConsoleProgress(err, System.console() != null);
        try (AutoCloseable ctrlC = progress.cancelOnInterrupt()) {
            return run(args, out, err, progress);
        }
    }

    /** Runs with the caller's progress and cancellation. */
    public int run(List<String> args, PrintStream out, PrintStream err, Progress progress) throws Exception {
        CommandArguments a = new CommandArguments(args, VALUED, Set.of());
        String data = a.get("data", "sentiment");
        if (!"sentiment".equals(data)) {
            throw new InvalidInputException("command line", 0, "--data", "only sentiment is supported, got " + data);
        }
        MechanismSpec spec = MechanismSpec.parse(a.require("mechanism"));
        if (a.has("seed")) {
            spec = spec.withSeed(a.getInt("seed", 1));
        }
        Path file = Path.of(a.require("out"));
        int limit = a.getInt("limit", 0);
        Path cache = Path.of(a.get("cache", MiniLmResources.defaultCacheDir().toString()));
        ExperimentConfig cfg = new ExperimentConfig(data, a.getInt("split", 2), List.of(spec.name()), List.of(spec.eps()),
                1, file.toAbsolutePath().getParent(), false, 1, 1, limit, 1, 1e-4f, 1, 1, 1, 1, 1, 1, 600, cache);
        try (SplitExperiment setup = new SplitExperiment(cfg, progress)) {
            ObservedRepresentations obs = RepresentationExport.export(setup.path(), setup.testBatches(), spec, setup,
                    file, progress);
            out.printf(Locale.ROOT, "wrote %s: %d sentences, %d scored tokens, d=%d, R %d x %d (%s)%n", file,
                    obs.sentences(), obs.scoredCount(), obs.dim(), setup.reference().vocabSize(),
                    setup.reference().dim(), spec);
            return 0;
        }
    }

    public static void main(String[] args) throws Exception {
        System.exit(new ExportRepresentationsCommand().run(List.of(args), System.out, System.err));
    }
}
