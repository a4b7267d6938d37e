package org.privtune.attack.experiment;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.privtune.attack.NearestNeighbourInversion;
import org.privtune.attack.ObservedRepresentations;
import org.privtune.attack.TokenRecovery;
import org.privtune.core.Progress;
import org.privtune.mechanism.MechanismSpec;

/**
 * What {@code ./privtune export-representations} runs: the perturbed test-split representations,
 * attention mask, true token ids, the reference matrix R and the mechanism-aware attacker's table in
 * one safetensors file (see {@link RepresentationExport}), then the experiment's four A1 variants on
 * that file's representations, so that an attack written outside the project has figures to match.
 * The command line (options, Ctrl-C) stays with the caller.
 */
public final class ExportRepresentationsCommand {

    /**
     * Runs with the caller's progress and cancellation.
     *
     * @param data  a labelled data set (a built-in name, a recent import or a file)
     * @param split the model's layers on the device
     * @param spec  the mechanism, with its seed when the noise is to be repeatable
     * @param file  the safetensors file written
     * @param limit test sentences exported (0: all)
     * @param cache reference space and neighbour graph cache
     */
    public int run(String data, int split, MechanismSpec spec, Path file, int limit, Path cache, PrintStream out,
            Progress progress) throws Exception {
        return run(data, split, spec, file, limit, cache, null, out, progress);
    }

    /** As {@link #run(String, int, MechanismSpec, Path, int, Path, PrintStream, Progress)} on {@code model} (null: the default). */
    public int run(String data, int split, MechanismSpec spec, Path file, int limit, Path cache, String model,
            PrintStream out, Progress progress) throws Exception {
        ExperimentConfig cfg = config(data, split, spec, file, limit, cache).withModel(model);
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
