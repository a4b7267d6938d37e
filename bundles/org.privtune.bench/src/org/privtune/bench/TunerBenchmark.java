package org.privtune.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.privtune.studio.NoiseTunerEvaluator;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.DatasetSplit;
import org.privtune.data.SplitSpec;
import org.privtune.data.builtin.BuiltinDatasets;
import org.privtune.data.commands.DataCommands;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.ModelResources;
import org.privtune.model.LabelledText;

/**
 * {@code ./privtune bench tuner}: how long one Noise Tuner point takes ({@link NoiseTunerEvaluator#evaluate},
 * exactly what the view's Job runs) per mechanism and sample size, as the eps slider moves (each
 * repetition changes eps, so nothing but the aware table is reused, as in the view). Prints a
 * table of medians with the stage breakdown, and per mechanism the largest sample whose median
 * stays within the target: the size the view's quick point settles at on this machine.
 * Arguments: {@code [target ms 200] [repetitions 7] [split 2] [data set sentiment]}.
 */
public final class TunerBenchmark {

    private static final int[] SIZES = {4, 8, 16, 32};
    private static final String[] SPECS = {"none", "dchi:eps=20", "privtune:eps=20", "privtune-swap:eps=100,keep=0.3"};

    private TunerBenchmark() {
    }

    public static void main(String[] all) throws Exception {
        BenchArgs parsed = BenchArgs.parse(all);
        String[] args = parsed.rest();
        long target = args.length > 0 ? Long.parseLong(args[0]) : 200;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        int split = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        String data = args.length > 3 ? args[3] : BuiltinDatasets.DEFAULT;
        Dataset d = DataCommands.defaults().load(data, Progress.NONE);
        DatasetSplit parts = d.split(SplitSpec.DEFAULT);
        List<LabelledText> dev = ModelResources.labelled(d, parts.dev());
        List<LabelledText> train = ModelResources.labelled(d, parts.train());
        int sample = SIZES[SIZES.length - 1];
        long t0 = System.nanoTime();
        try (NoiseTunerEvaluator e = NoiseTunerEvaluator.open(parsed.model(), split, NoiseTunerEvaluator.DEFAULT_GRAPH_K, train, d.labels().size(),
                dev.subList(0, Math.min(sample, dev.size())), ModelResources.defaultCacheDir(), Progress.NONE)) {
            System.out.printf(Locale.ROOT, "engine open (%s, R and graph from the cache, sample of %d dev sentences of %s): %d ms%n",
                    parsed.model().name(), e.sampleSentences(), data, (System.nanoTime() - t0) / 1_000_000);
            System.out.printf(Locale.ROOT, "one point per row: median (min-max) of %d evaluations, eps changed each time; "
                    + "stages are medians too%n", reps);
            System.out.printf(Locale.ROOT, "%-32s %9s %7s %22s   %s%n", "mechanism", "sentences", "tokens", "ms median (min-max)",
                    "stages (perturb / plain NN / aware NN / top model and probes)");
            for (String text : SPECS) {
                MechanismSpec spec = MechanismSpec.parse(text);
                // first use builds the direction tables and the aware table: not what a slider move costs
                e.evaluate(spec.with("eps", Double.toString(spec.eps() * 0.9), "warm-up"), 4, Progress.NONE);
                int fits = 0;
                for (int n : SIZES) {
                    long[] ms = new long[reps];
                    long[][] stages = new long[4][reps];
                    int tokens = 0;
                    for (int r = 0; r < reps; r++) {
                        MechanismSpec s = spec.with("eps", Double.toString(spec.eps() * (1 + 0.05 * r)), "bench");
                        NoiseTunerEvaluator.Point p = e.evaluate(s, n, Progress.NONE);
                        ms[r] = p.millis();
                        tokens = p.tokens();
                        long[] st = stages(p);
                        for (int i = 0; i < 4; i++) {
                            stages[i][r] = st[i];
                        }
                    }
                    long median = median(ms);
                    if (median <= target) {
                        fits = n;
                    }
                    System.out.printf(Locale.ROOT, "%-32s %9d %7d %10d (%4d-%5d)   %d / %d / %d / %d%n", text, n, tokens,
                            median, Arrays.stream(ms).min().orElse(0), Arrays.stream(ms).max().orElse(0),
                            median(stages[0]), median(stages[1]), median(stages[2]), median(stages[3]));
                }
                System.out.printf(Locale.ROOT, "%-32s largest sample within %d ms: %s%n", text, target,
                        fits == 0 ? "none of these (the view goes down to 2 sentences)" : fits + " sentences");
            }
        }
    }

    /** perturb, plain NN, aware table + aware NN, top model and probes (ms) of a point. */
    static long[] stages(NoiseTunerEvaluator.Point p) {
        long[] t = p.stageMillis();
        return new long[] {t[1], t[2], t[3] + t[4], t[5]};
    }

    private static long median(long[] a) {
        long[] c = a.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
