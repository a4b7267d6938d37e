package org.privtune.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.privtune.core.ConsoleProgress;
import org.privtune.core.Progress;
import org.privtune.mechanism.HopDistances;
import org.privtune.mechanism.MechanismResources;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.Mechanisms;
import org.privtune.mechanism.NeighbourGraph;
import org.privtune.mechanism.NoiseMechanism;
import org.privtune.model.TextTokenizer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Timing benchmark: neighbour graph of the 30,522-token vocabulary cold and from cache, and the
 * perturbation cost of each mechanism on a 32 x 64-token batch as a share of the bottom model's
 * forward time for that batch. Arguments: {@code [split=2] [k=10] [cacheDir] [sentences.txt]}.
 * Without a sentence file the batch holds random non-special ids.
 */
public final class MechanismBenchmark {

    private MechanismBenchmark() {
    }

    public static void main(String[] all) throws Exception {
        BenchArgs parsed = BenchArgs.parse(all);
        String[] args = parsed.rest();
        int split = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int k = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path cache = Path.of(args.length > 2 ? args[2] : System.getProperty("java.io.tmpdir") + "/privtune-cache");
        Path sentences = args.length > 3 ? Path.of(args[3]) : null;
        Progress progress = ConsoleProgress.onStderr();
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            ModelSetup mini = new ModelSetup(parsed.model(), manager, split, cache, progress);
            System.out.printf(Locale.ROOT, "reference space split %d: %d ms (cold or cached)%n", split,
                    mini.referenceMillis);

            // -Dprivtune.bench.skipCold=true times only the cached graph (when one exists).
            Path file = NeighbourGraph.cacheFile(cache, mini.encoder.weightsSha256(), split, k, mini.tokens);
            boolean skipCold = Boolean.getBoolean("privtune.bench.skipCold") && Files.isRegularFile(file);
            long t0 = System.nanoTime();
            NeighbourGraph cold = skipCold ? NeighbourGraph.load(file)
                    : NeighbourGraph.build(mini.reference, k, mini.tokens, manager, 1024, Progress.NONE);
            long coldMs = skipCold ? -1 : (System.nanoTime() - t0) / 1_000_000;
            cold.save(file);
            t0 = System.nanoTime();
            NeighbourGraph cached = NeighbourGraph.loadOrBuild(cache, mini.encoder.weightsSha256(), split,
                    mini.reference, k, mini.tokens, manager, Progress.NONE);
            long cacheMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf(Locale.ROOT, "graph %d x %d, k=%d: cold %d ms, from cache %d ms (%s, %d bytes), equal=%b%n",
                    mini.reference.vocabSize(), mini.reference.dim(), k, coldMs, cacheMs, file.getFileName(),
                    Files.size(file), Arrays.equals(cold.neighbours(), cached.neighbours()));
            t0 = System.nanoTime();
            HopDistances hops = HopDistances.compute(cached, 2, mini.tokens);
            long hopMs = (System.nanoTime() - t0) / 1_000_000;
            long sizeSum = 0;
            for (int v = 0; v < mini.reference.vocabSize(); v++) {
                sizeSum += hops.indirect(v).length;
            }
            System.out.printf(Locale.ROOT, "hops n=2: %d ms, mean |N_2| %.1f, fallback %d, empty %d%n", hopMs,
                    sizeSum / (double) mini.reference.vocabSize(), hops.fallbackCount(), hops.emptyCount());

            // The 32 x 64 batch.
            int b = 32;
            int t = 64;
            long[] ids = new long[b * t];
            long[] mask = new long[b * t];
            List<String> train = new ArrayList<>();
            try (TextTokenizer tok = parsed.model().tokenizer(t, true)) {
                if (sentences != null) {
                    List<String> lines = ModelSetup.readLines(sentences);
                    train = lines;
                    // Pack several sentences per row so that rows are full, as long reviews would be.
                    TextTokenizer.Batch tb = tok.encode(packed(lines, b));
                    for (int i = 0; i < b; i++) {
                        for (int j = 0; j < t; j++) {
                            ids[i * t + j] = tb.ids()[i][j];
                            mask[i * t + j] = tb.mask()[i][j];
                        }
                    }
                } else {
                    // random ids that are neither special nor placeholders (999.. for bert-base-uncased)
                    Random r = new Random(1);
                    int vocab = mini.ids.vocabSize();
                    for (int i = 0; i < b * t; i++) {
                        int j = i % t;
                        int id;
                        do {
                            id = r.nextInt(vocab);
                        } while (mini.tokens.isNonTarget(id));
                        ids[i] = j == 0 ? mini.ids.cls() : j == t - 1 ? mini.ids.sep() : id;
                        mask[i] = 1;
                    }
                }
                MechanismResources res = mini.resources(cached, train, tok);
                NDArray idArr = manager.create(ids, new Shape(b, t));
                NDArray maskArr = manager.create(mask, new Shape(b, t));
                int real = (int) Arrays.stream(mask).sum();
                System.out.printf(Locale.ROOT, "batch %d x %d, %d real tokens; engine threads: %s%n", b, t, real,
                        System.getProperty("ai.djl.pytorch.num_threads", "default"));
                Runnable bottomRun = () -> {
                    try (NDManager m = manager.newSubManager()) {
                        NDArray x = idArr.duplicate();
                        x.attach(m);
                        mini.bottom(x, maskArr).toFloatArray();
                    }
                };
                double bottomMs = timeMs(WARMUP, RUNS, bottomRun);
                double bottomCpu = lastCpuMs;
                System.out.printf(Locale.ROOT, "bottom forward (split %d): %.1f ms wall, %.1f ms CPU%n", split, bottomMs,
                        bottomCpu);
                System.out.printf(Locale.ROOT,
                        "perturbation cost per batch; alone = back-to-back calls after %d warm-up calls; after bottom ="
                                + " each call right after a bottom forward, as in training, after %d warm-up steps"
                                + " (faults: minor page faults per call)%n",
                        WARMUP, WARMUP_AFTER);
                NDArray hidden = mini.bottom(idArr, maskArr);
                for (String name : MechanismSpec.NAMES) {
                    if (!ONLY.isEmpty() && !ONLY.contains(name)) {
                        continue;
                    }
                    MechanismSpec spec = MechanismSpec.defaults(name).with("k", Integer.toString(k), "bench");
                    long s0 = System.nanoTime();
                    try (NoiseMechanism mech = Mechanisms.create(spec, res, manager)) {
                        long setupMs = (System.nanoTime() - s0) / 1_000_000;
                        double ms = timeMs(WARMUP, RUNS, () -> perturbOnce(mech, hidden, idArr, maskArr));
                        double cpu = lastCpuMs;
                        double[] after = afterBottom(manager, mini, mech, idArr, maskArr);
                        System.out.printf(Locale.ROOT,
                                "%-10s setup %6d ms | alone %6.2f ms wall = %5.1f%%, %6.2f ms CPU = %5.1f%% | after bottom"
                                        + " %6.2f ms = %5.1f%% of its bottom forward (per step: median %5.1f%%, quartiles"
                                        + " %4.1f-%4.1f%%), faults %5.0f (bottom %5.0f)  (%s)%n",
                                name, setupMs, ms, 100 * ms / bottomMs, cpu, 100 * cpu / bottomCpu, after[1],
                                100 * after[1] / after[0], 100 * after[5], 100 * after[4], 100 * after[6], after[2],
                                after[3], spec);
                    }
                }
            }
        }
    }

    static final int WARMUP = Integer.getInteger("privtune.bench.warmup", 60);
    static final int RUNS = Integer.getInteger("privtune.bench.runs", 30);
    /**
     * Warm-up steps (bottom forward + perturbation) before the after-bottom timing. With only 3, a
     * profile showed that many of the page faults attributed to the mechanisms right after a
     * forward pass belong to the warm-up (privtune: 206-231 per call after 3 steps, 0-34 after 60
     * in three runs, but 206 in a fourth; docs/design-notes.md). Training runs thousands of steps,
     * so the steady state is what it pays.
     */
    static final int WARMUP_AFTER = Integer.getInteger("privtune.bench.warmupAfter", WARMUP);
    /** -Dprivtune.bench.mechanisms=dchi,privtune times only those (default: every mechanism). */
    static final List<String> ONLY = Arrays.stream(System.getProperty("privtune.bench.mechanisms", "").split(","))
            .map(String::trim).filter(x -> !x.isEmpty()).toList();

    private static void perturbOnce(NoiseMechanism mech, NDArray hidden, NDArray idArr, NDArray maskArr) {
        NDArray ii = mech.beforeBottom(idArr, maskArr);
        if (ii != idArr) { // the default beforeBottom returns its input
            ii.close();
        }
        NDArray o = mech.afterBottom(hidden, idArr, maskArr);
        if (o != hidden) {
            o.close();
        }
    }

    /**
     * Bottom forward then perturbation, RUNS times: {bottom ms, perturbation ms, minor faults per
     * perturbation, minor faults per bottom forward, then the lower quartile, median and upper
     * quartile of the per-step ratio perturbation / bottom}. Why the per-step ratio as well: on
     * this VM a single stall of 10-20 ms (the normal draw alone took 3.2, 8.7 and 18.5 ms in
     * three rounds) moves the mean of 30 steps by a percentage point of the forward; each step's
     * ratio is taken against the forward pass right before it, under the same machine conditions,
     * and the median of those is not moved by a few stalls. Right after a forward pass the engine's freed buffers have gone back to the
     * kernel, so every fresh tensor of the mechanism is paid in page faults; this is the cost a
     * training step sees.
     */
    private static double[] afterBottom(NDManager manager, ModelSetup mini, NoiseMechanism mech, NDArray idArr,
            NDArray maskArr) {
        long bottom = 0;
        long perturb = 0;
        long faults = 0;
        long bottomFaults = 0;
        double[] ratios = new double[RUNS];
        for (int i = 0; i < RUNS + WARMUP_AFTER; i++) {
            try (NDManager m = manager.newSubManager()) {
                NDArray x = idArr.duplicate();
                x.attach(m);
                long tb = System.nanoTime();
                NDArray ids = mech.beforeBottom(x, maskArr); // text-level mechanisms work here
                long fb = minorFaults();
                long t0 = System.nanoTime();
                NDArray h = mini.bottom(ids, maskArr);
                // Eager PyTorch on the CPU is synchronous: the forward pass is done when bottom returns.
                long f0 = minorFaults();
                long t1 = System.nanoTime();
                mech.afterBottom(h, x, maskArr);
                long t2 = System.nanoTime();
                if (i >= WARMUP_AFTER) {
                    long step = t2 - t1 + t0 - tb; // after the bottom, plus a text-level mechanism's part before it
                    bottom += t1 - t0;
                    perturb += step;
                    faults += minorFaults() - f0;
                    bottomFaults += f0 - fb;
                    ratios[i - WARMUP_AFTER] = step / (double) (t1 - t0);
                }
            }
        }
        Arrays.sort(ratios);
        return new double[] {bottom / 1e6 / RUNS, perturb / 1e6 / RUNS, faults / (double) RUNS,
            bottomFaults / (double) RUNS, quantile(ratios, 0.25), quantile(ratios, 0.5), quantile(ratios, 0.75)};
    }

    /** The q-quantile of sorted values, linear between order statistics. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Minor page faults of this process so far (/proc/self/stat field 10), 0 where unavailable. */
    static long minorFaults() {
        String[] f = procStat();
        return f == null ? 0 : Long.parseLong(f[7]);
    }

    private static String[] procStat() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** Rows of sentences concatenated until each row is long. */
    static List<String> packed(List<String> lines, int rows) {
        List<String> out = new ArrayList<>();
        int li = 0;
        for (int r = 0; r < rows; r++) {
            StringBuilder sb = new StringBuilder();
            while (sb.length() < 400) {
                sb.append(lines.get(li++ % lines.size())).append(' ');
            }
            out.add(sb.toString());
        }
        return out;
    }

    /**
     * User + system CPU time of this process (all threads, the engine's native ones included) from
     * /proc/self/stat, in clock ticks of 10 ms; 0 where that file does not exist. Read from /proc
     * rather than com.sun.management so that the bundle imports no com.sun package in OSGi.
     */
    static long processCpuNanos() {
        String[] f = procStat();
        return f == null ? 0 : (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    }

    /** Process CPU time of the last {@link #timeMs} call, per run (ms). */
    static double lastCpuMs;

    /**
     * Mean wall time of runs after warm-up runs (the first few dozen calls run in the interpreter
     * and fault in fresh memory); also records the process CPU time per run in
     * {@link #lastCpuMs}, which other processes sharing the cores do not inflate the way they
     * inflate wall time.
     */
    static double timeMs(int warmup, int runs, Runnable r) {
        for (int i = 0; i < warmup; i++) {
            r.run();
        }
        long c0 = processCpuNanos();
        long t0 = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            r.run();
        }
        long wall = System.nanoTime() - t0;
        long c1 = processCpuNanos();
        lastCpuMs = (c1 - c0) / 1e6 / runs;
        return wall / 1e6 / runs;
    }
}
