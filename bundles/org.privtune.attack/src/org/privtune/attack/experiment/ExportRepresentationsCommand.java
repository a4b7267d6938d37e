package org.privtune.attack.experiment;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.privtune.attack.NearestNeighbourInversion;
import org.privtune.attack.ObservedRepresentations;
import org.privtune.attack.TokenRecovery;
import org.privtune.core.ConsoleProgress;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.MiniLmResources;

/**
 * {@code ./privtune export-representations --data sentiment --mechanism privtune:eps=8 --out f.safetensors
 * [--split 2] [--limit N]}: the perturbed test-split representations, attention mask, true token
 * ids, the reference matrix R and the mechanism-aware attacker's table in one safetensors file
 * (see {@link RepresentationExport}), then the experiment's four A1 variants on that file's
 * representations, so that an attack written outside the project has figures to match. Same
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
                    [--split 2] [--limit <sentences>] [--seed N] [--cache <folder>]
                  <spec> is a mechanism spec such as privtune:eps=8,n=2 (see the mechanism bundle).
                  The file holds the perturbed test representations, mask, true ids, which positions are
                  scored, R, the mechanism-aware attacker's table and the ids an attacker may guess; the
                  command then prints the four A1 variants on it (releng/audit/a1_audit.py repeats them).
                  Without --seed the noise is secret (SecureRandom); --seed N makes it repeatable and
                  labels the output "fixed seed, not private".""";
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
        MechanismSpec spec = MechanismSpec.parse(a.require("mechanism"));
        if (a.has("seed")) {
            spec = spec.withSeed(a.getInt("seed", 1));
        }
        Path file = Path.of(a.require("out"));
        int limit = a.getInt("limit", 0);
        Path cache = Path.of(a.get("cache", MiniLmResources.defaultCacheDir().toString()));
        ExperimentConfig cfg = config(data, a.getInt("split", 2), spec, file, limit, cache);
        try (SplitExperiment setup = new SplitExperiment(cfg, progress)) {
            RepresentationExport.Exported ex = RepresentationExport.export(setup.path(), setup.testBatches(), spec,
                    setup, file, progress);
            ObservedRepresentations obs = ex.observed();
            out.printf(Locale.ROOT, "wrote %s: %d sentences, %d scored tokens, d=%d, R %d x %d (%s; %s)%n", file,
                    obs.sentences(), obs.scoredCount(), obs.dim(), setup.reference().vocabSize(),
                    setup.reference().dim(), spec, spec.randomnessLabel());
            NearestNeighbourInversion.Result a1 = ex.a1();
            out.println("A1 on these representations (top-1 / top-5 over the scored tokens; compare an outside"
                    + " attack, e.g. releng/audit/a1_audit.py):");
            print(out, "plain cosine", a1.plainCosine());
            print(out, "plain L2", a1.plainL2());
            print(out, "aware cosine", a1.awareCosine());
            print(out, "aware L2", a1.awareL2());
            return 0;
        }
    }

    /**
     * The full configuration's data parts with at most {@code limit} test sentences: the
     * mechanism's TF-IDF importance and task relevance are then counted on the same training
     * sentences as in {@code experiment}, so that the file holds what the experiment's attacks
     * see (up to the noise draws). Nothing is trained here.
     */
    static ExperimentConfig config(String data, int split, MechanismSpec spec, Path file, int limit, Path cache) {
        return ExperimentConfig.full(data, split, List.of(spec.name()), List.of(spec.eps()), 1,
                file.toAbsolutePath().getParent(), cache).withTestLimit(limit);
    }

    private static void print(PrintStream out, String variant, TokenRecovery r) {
        out.printf(Locale.ROOT, "  %-13s %.6f / %.6f  (%d / %d of %d)%n", variant, r.top1(), r.top5(), r.top1Hits(),
                r.top5Hits(), r.scored());
    }
}
