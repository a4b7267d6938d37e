package org.privtune.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.privtune.model.BertEncoder;
import org.privtune.model.DeviceTransform;
import org.privtune.model.InProcessTopModel;
import org.privtune.model.LabelledText;
import org.privtune.model.Pooling;
import org.privtune.model.SplitModel;
import org.privtune.model.SplitTrainer;
import org.privtune.model.TextTokenizer;
import org.privtune.model.TrainingConfig;

/**
 * Measures split fine-tuning throughput of a pre-trained model (all-MiniLM-L6-v2 unless
 * {@code --model=} names another): batch 32, every sentence padded or truncated to exactly 64 tokens, split at layer 2 (frozen bottom forward, top forward/backward,
 * AdamW step), plus the process RSS. Run with -Dai.djl.offline=true and OPT_OUT_TRACKING=true.
 * Arguments (all optional): steps (default 30), warm-up steps (5), batch (32), tokens (64), split (2).
 * Prints one line per figure, key=value, so a bench script can compare with PyTorch eager.
 */
public final class TrainingBenchmark {

    private TrainingBenchmark() {
    }

    public static void main(String[] all) throws IOException {
        BenchArgs parsed = BenchArgs.parse(all);
        String[] args = parsed.rest();
        int steps = arg(args, 0, 30);
        int warmup = arg(args, 1, 5);
        int batch = arg(args, 2, 32);
        int tokens = arg(args, 3, 64);
        int split = arg(args, 4, 2);
        long t0 = System.nanoTime();
        NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
        BertEncoder encoder = parsed.model().load(manager);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        long rssLoaded = rssKb("VmRSS");
        SplitModel model = new SplitModel(manager, encoder, split, Pooling.MEAN, List.of("neg", "pos"), 0.1f, 42);
        TrainingConfig cfg = TrainingConfig.defaults().withBatchSize(batch);
        try (TextTokenizer tokenizer = parsed.model().tokenizer(tokens, true)) {
            // Long enough to fill every position after truncation: the work is exactly batch x tokens.
            String filler = "the quick brown fox jumps over the lazy dog and keeps on running through the forest ";
            List<LabelledText> data = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                data.add(new LabelledText(i + " " + filler.repeat(1 + tokens / 16), i % 2));
            }
            SplitTrainer trainer = new SplitTrainer(model, tokenizer, manager);
            InProcessTopModel top = InProcessTopModel.forTraining(model, manager, cfg, steps + warmup);
            for (int i = 0; i < warmup; i++) {
                trainer.step(data, DeviceTransform.IDENTITY, top, null);
            }
            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                trainer.step(data, DeviceTransform.IDENTITY, top, null);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
            System.out.printf(Locale.ROOT, "engine=DJL-%s-%s%n", Engine.getEngine("PyTorch").getVersion(),
                    Engine.getEngine("PyTorch").getEngineName());
            System.out.printf(Locale.ROOT, "config=%s, batch %d, tokens %d, split %d, steps %d (+%d warm-up)%n",
                    parsed.model().name(), batch, tokens, split, steps, warmup);
            System.out.printf(Locale.ROOT, "load_seconds=%.2f%n", loadSeconds);
            System.out.printf(Locale.ROOT, "examples_per_second=%.2f%n", steps * batch / seconds);
            System.out.printf(Locale.ROOT, "ms_per_step=%.1f%n", 1000 * seconds / steps);
            // On a shared machine wall time depends on the neighbours; CPU time per example much less so.
            System.out.printf(Locale.ROOT, "cpu_seconds_per_step=%.3f%n", cpuSeconds / steps);
            System.out.printf(Locale.ROOT, "examples_per_cpu_second=%.2f%n", steps * batch / cpuSeconds);
            System.out.printf(Locale.ROOT, "load_average=%.2f%n",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.printf(Locale.ROOT, "rss_mb_after_load=%.0f%n", rssLoaded / 1024.0);
            System.out.printf(Locale.ROOT, "rss_mb=%.0f%n", rssKb("VmRSS") / 1024.0);
            System.out.printf(Locale.ROOT, "peak_rss_mb=%.0f%n", rssKb("VmHWM") / 1024.0);
        }
    }

    private static int arg(String[] args, int i, int dflt) {
        return args.length > i ? Integer.parseInt(args[i]) : dflt;
    }

    /** CPU time of the whole process (all threads, native ones included), or -1. */
    static long processCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    /** A field of /proc/self/status in kB (Linux), or -1 elsewhere. */
    static long rssKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
