package org.privtune.cli;

import java.io.PrintStream;
import java.util.List;
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
        return "benchmarks: 'bench train' measures split fine-tuning throughput and RSS (see releng/bench)";
    }

    @Override
    public String usage() {
        return "./privtune bench train [steps 30] [warm-up 5] [batch 32] [tokens 64] [split 2]";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty() || !args.get(0).equals("train")) {
            throw new UsageException("bench needs a benchmark name: train");
        }
        List<String> rest = args.subList(1, args.size());
        for (String a : rest) {
            if (!a.chars().allMatch(Character::isDigit)) {
                throw new UsageException("bench train takes whole numbers, got '" + a + "'");
            }
        }
        TrainingBenchmark.main(rest.toArray(String[]::new));
        return 0;
    }
}
