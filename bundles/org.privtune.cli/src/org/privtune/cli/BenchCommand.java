package org.privtune.cli;

import java.io.PrintStream;
import java.util.List;
import org.privtune.mechanism.bench.MechanismBenchmark;
import org.privtune.model.TrainingBenchmark;

/**
 * {@code ./privtune bench train ...}: the measurement half of releng/bench/train-throughput.sh, run
 * inside the product so that it measures exactly what the studio runs.
 */
final class BenchCommand implements CliCommand {

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "benchmarks: 'bench train' (fine-tuning throughput, RSS), 'bench mechanism' (graph build, noise cost)";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "./privtune bench train [steps 30] [warm-up 5] [batch 32] [tokens 64] [split 2]",
                "./privtune bench mechanism [split 2] [k 10] [cache folder] [sentences.txt]",
                "  'bench mechanism' with an empty cache folder measures the cold neighbour-graph build.");
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty() || !List.of("train", "mechanism").contains(args.get(0))) {
            throw new UsageException("bench needs a benchmark name: train or mechanism");
        }
        List<String> rest = args.subList(1, args.size());
        int numeric = args.get(0).equals("train") ? rest.size() : Math.min(2, rest.size());
        for (String a : rest.subList(0, numeric)) {
            if (!a.chars().allMatch(Character::isDigit)) {
                throw new UsageException("bench " + args.get(0) + " takes whole numbers there, got '" + a + "'");
            }
        }
        if (args.get(0).equals("train")) {
            TrainingBenchmark.main(rest.toArray(String[]::new));
        } else {
            MechanismBenchmark.main(rest.toArray(String[]::new));
        }
        return 0;
    }
}
