package org.privtune.cli;

import java.io.PrintStream;
import java.util.List;
import org.privtune.bench.MechanismBenchmark;
import org.privtune.bench.TrainingBenchmark;
import org.privtune.bench.TunerBenchmark;

/**
 * {@code ./privtune bench train ...}: the measurement half of releng/bench/train-throughput.sh, run
 * inside the product so that it measures exactly what the studio runs. The benchmarks live in the
 * bundle {@code org.privtune.bench}, which the standalone product carries and an IDE installed
 * from the update site does not; without it the command says so.
 */
final class BenchCommand implements CliCommand {

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "benchmarks: 'bench train' (fine-tuning throughput, RSS), 'bench mechanism' (graph build, noise cost), "
                + "'bench tuner' (Noise Tuner point latency)";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "./privtune bench train [steps 30] [warm-up 5] [batch 32] [tokens 64] [split 2]",
                "./privtune bench mechanism [split 2] [k 10] [cache folder] [sentences.txt]",
                "./privtune bench tuner [target ms 200] [repetitions 7] [split 2] [data set sentiment]",
                "  'bench mechanism' with an empty cache folder measures the cold neighbour-graph build.");
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty() || !List.of("train", "mechanism", "tuner").contains(args.get(0))) {
            throw new UsageException("bench needs a benchmark name: train, mechanism or tuner");
        }
        List<String> rest = args.subList(1, args.size());
        int numeric = args.get(0).equals("mechanism") ? Math.min(2, rest.size())
                : args.get(0).equals("tuner") ? Math.min(3, rest.size()) : rest.size();
        for (String a : rest.subList(0, numeric)) {
            if (!a.chars().allMatch(Character::isDigit)) {
                throw new UsageException("bench " + args.get(0) + " takes whole numbers there, got '" + a + "'");
            }
        }
        if (!benchBundlePresent()) {
            err.println("privtune bench: the benchmarks (bundle org.privtune.bench) come with the standalone product"
                    + " only; this installation does not have them");
            return 1;
        }
        if (args.get(0).equals("train")) {
            TrainingBenchmark.main(rest.toArray(String[]::new));
        } else if (args.get(0).equals("tuner")) {
            TunerBenchmark.main(rest.toArray(String[]::new));
        } else {
            MechanismBenchmark.main(rest.toArray(String[]::new));
        }
        return 0;
    }

    /** True when the optional bundle {@code org.privtune.bench} was resolved, so its classes load. */
    static boolean benchBundlePresent() {
        try {
            Class.forName("org.privtune.bench.MechanismBenchmark", false, BenchCommand.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
