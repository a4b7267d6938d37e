import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.privtune.model.BertEncoder;
import org.privtune.model.BuiltInModel;
import org.privtune.model.TextTokenizer;

/**
 * Engine figures that the product's own commands do not print, measured with the product's jars
 * (compiled and run by releng/bench/engines/run.sh, outside the build):
 * <pre>
 *   gemm [n 2048] [timed products 10]         the PyTorch engine's n x n float32 product rate, then
 *                                             layer-gemms at 32 x 64
 *   bottom djl|ort [batch 32] [tokens 64] [split 2] [timed calls 20] [warm-up 5]
 *                                             MiniLM's bottom forward (embeddings and the first
 *                                             split layers, no gradients) in DJL, as the device
 *                                             runs it, or in ONNX Runtime on the same ONNX file
 *                                             cut after layer split-1
 *   check [batch 4] [tokens 64] [split 2]     max |DJL - ONNX Runtime| of that bottom output
 *   layer-gemms [batch 32] [tokens 64] [reps 20]
 *                                             the matrix products of one MiniLM layer's forward at
 *                                             that shape, each timed alone (median): what a layer
 *                                             would cost if it were only its products
 * </pre>
 * Prints key=value lines like ./privtune bench train. Each engine uses every core (threads printed).
 */
public final class EngineBench {

    private static final String FILLER =
            "the quick brown fox jumps over the lazy dog and keeps on running through the forest ";

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "gemm";
        switch (mode) {
            case "gemm" -> gemm(arg(args, 1, 2048), arg(args, 2, 10));
            case "bottom" -> bottom(args.length > 1 ? args[1] : "djl", arg(args, 2, 32), arg(args, 3, 64),
                    arg(args, 4, 2), arg(args, 5, 20), arg(args, 6, 5));
            case "check" -> check(arg(args, 1, 4), arg(args, 2, 64), arg(args, 3, 2));
            case "layer-gemms" -> layerGemms(arg(args, 1, 32), arg(args, 2, 64), arg(args, 3, 20));
            default -> throw new IllegalArgumentException("mode gemm, bottom or check, not " + mode);
        }
    }

    private static int arg(String[] args, int i, int dflt) {
        return args.length > i ? Integer.parseInt(args[i]) : dflt;
    }

    private static void print(String key, Object value) {
        System.out.println(key + "=" + value);
    }

    private static String f(String format, Object... values) {
        return String.format(Locale.ROOT, format, values);
    }

    private static void djlHeader() {
        Engine e = Engine.getEngine("PyTorch");
        print("engine", f("DJL-%s-PyTorch-%s", Engine.getDjlVersion(), e.getVersion()));
        print("threads", f("intra-op %d, inter-op %d", JniUtils.getNumThreads(), JniUtils.getNumInteropThreads()));
    }

    private static void gemm(int n, int reps) {
        djlHeader();
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            for (int i = 0; i < 3; i++) {
                a.matMul(b).close();
            }
            long cpu0 = cpuNanos();
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                a.matMul(b).close();
            }
            double seconds = (System.nanoTime() - t0) / 1e9 / reps;
            double cpu = (cpuNanos() - cpu0) / 1e9 / reps;
            print("gemm_n", n);
            print("gemm_ms", f("%.1f", seconds * 1000));
            print("gemm_gflops", f("%.1f", 2.0 * n * n * n / seconds / 1e9));
            // on a loaded machine the wall-clock rate depends on the neighbours; per CPU-second much less
            print("gemm_gflop_per_cpu_second", f("%.1f", 2.0 * n * n * n / cpu / 1e9));
        }
        layerProducts(32, 64, 20);
        print("load_average", f("%.2f", loadAverage()));
    }

    /** The products of one layer's forward (B*T tokens, H 384, FFN 1536, 12 heads of 32), each alone. */
    private static void layerGemms(int batch, int tokens, int reps) {
        djlHeader();
        layerProducts(batch, tokens, reps);
        print("load_average", f("%.2f", loadAverage()));
    }

    private static void layerProducts(int batch, int tokens, int reps) {
        int n = batch * tokens;
        int h = 384;
        int f = 1536;
        int heads = 12;
        long[][][] shapes = {
            {{n, h}, {h, h}, {4}}, // Q, K, V and output projections
            {{n, h}, {h, f}, {1}}, // feed-forward in
            {{n, f}, {f, h}, {1}}, // feed-forward out
            {{(long) batch * heads, tokens, h / heads}, {(long) batch * heads, h / heads, tokens}, {1}}, // Q K^T
            {{(long) batch * heads, tokens, tokens}, {(long) batch * heads, tokens, h / heads}, {1}}, // scores V
        };
        String[] names = {"projection [N,384]x[384,384] (x4)", "ffn in [N,384]x[384,1536]", "ffn out [N,1536]x[1536,384]",
            "scores [B*12,T,32]x[B*12,32,T]", "context [B*12,T,T]x[B*12,T,32]"};
        double totalMs = 0;
        double totalFlop = 0;
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            for (int i = 0; i < shapes.length; i++) {
                NDArray a = m.randomNormal(new Shape(shapes[i][0]));
                NDArray b = m.randomNormal(new Shape(shapes[i][1]));
                long[] sa = shapes[i][0];
                long[] sb = shapes[i][1];
                double flop = 2.0 * sa[sa.length - 2] * sa[sa.length - 1] * sb[sb.length - 1] * (sa.length == 3 ? sa[0] : 1);
                for (int w = 0; w < 5; w++) {
                    a.matMul(b).close();
                }
                double[] ms = new double[reps];
                for (int r = 0; r < reps; r++) {
                    long t = System.nanoTime();
                    a.matMul(b).close();
                    ms[r] = (System.nanoTime() - t) / 1e6;
                }
                Arrays.sort(ms);
                double med = ms[reps / 2];
                long count = shapes[i][2][0];
                totalMs += med * count;
                totalFlop += flop * count;
                print("gemm_" + i, f("%s: %.2f ms, %.1f GFLOP/s", names[i], med, flop / med / 1e6));
            }
        }
        print("layer_gemm_ms", f("%.1f", totalMs));
        print("layer_gemm_gflop", f("%.2f", totalFlop / 1e9));
        print("layer_gemm_gflops", f("%.1f", totalFlop / totalMs / 1e6));
    }

    private static TextTokenizer.Batch batch(int batch, int tokens) throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            texts.add(i + " " + FILLER.repeat(1 + tokens / 16));
        }
        try (TextTokenizer tok = BuiltInModel.MINI_LM_L6.tokenizer(tokens, true)) {
            return tok.encode(texts);
        }
    }

    private static void bottom(String engine, int batch, int tokens, int split, int reps, int warmup) throws Exception {
        TextTokenizer.Batch tb = batch(batch, tokens);
        Runnable call;
        AutoCloseable closer;
        if (engine.equals("djl")) {
            djlHeader();
            NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
            BertEncoder encoder = BertEncoder.fromOnnx(manager, BuiltInModel.MINI_LM_L6.readWeights());
            call = () -> {
                try (NDManager m = manager.newSubManager()) {
                    NDArray h = encoder.bottom(m.create(tb.ids()), m.create(tb.mask()), m.create(tb.typeIds()), split,
                            false);
                    h.toFloatArray(); // what the device then perturbs and sends
                }
            };
            closer = manager;
        } else if (engine.equals("ort")) {
            Ort ort = new Ort(split);
            call = () -> ort.run(tb);
            closer = ort;
        } else {
            throw new IllegalArgumentException("engine djl or ort, not " + engine);
        }
        for (int i = 0; i < warmup; i++) {
            call.run();
        }
        double[] ms = new double[reps];
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            long s = System.nanoTime();
            call.run();
            ms[i] = (System.nanoTime() - s) / 1e6;
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (cpuNanos() - cpu0) / 1e9;
        closer.close();
        Arrays.sort(ms);
        print("config", f("bottom forward, batch %d, tokens %d, split %d, %d calls (+%d warm-up)", batch, tokens, split,
                reps, warmup));
        print("bottom_ms_median", f("%.1f", ms[reps / 2]));
        print("bottom_ms_min", f("%.1f", ms[0]));
        print("bottom_ms_mean", f("%.1f", 1000 * wall / reps));
        print("cpu_ms_per_call", f("%.1f", 1000 * cpu / reps));
        print("load_average", f("%.2f", loadAverage()));
        print("peak_rss_mb", f("%.0f", peakRssKb() / 1024.0));
    }

    private static void check(int batch, int tokens, int split) throws Exception {
        TextTokenizer.Batch tb = batch(batch, tokens);
        NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
        BertEncoder encoder = BertEncoder.fromOnnx(manager, BuiltInModel.MINI_LM_L6.readWeights());
        float[] djl = encoder.bottom(manager.create(tb.ids()), manager.create(tb.mask()), manager.create(tb.typeIds()),
                split, false).toFloatArray();
        float[] ort;
        try (Ort o = new Ort(split)) {
            ort = o.run(tb);
        }
        double max = 0;
        for (int i = 0; i < djl.length; i++) {
            max = Math.max(max, Math.abs(djl[i] - ort[i]));
        }
        print("bottom_values", djl.length + " vs " + ort.length);
        print("bottom_max_abs_diff", f("%.2e", max));
        manager.close();
    }

    private static byte[] onnx() throws Exception {
        try (InputStream in = BuiltInModel.MINI_LM_L6.openOnnx()) {
            return in.readAllBytes();
        }
    }

    /** ONNX Runtime on the MiniLM graph cut after layer split-1 (nodes nothing there depends on removed). */
    private static final class Ort implements AutoCloseable {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession session;
        private final String output;

        Ort(int split) throws Exception {
            output = "/encoder/layer." + (split - 1) + "/output/LayerNorm/Add_1_output_0";
            byte[] cut = cut(onnx(), output);
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            int threads = Runtime.getRuntime().availableProcessors();
            options.setIntraOpNumThreads(threads);
            session = env.createSession(cut, options);
            print("engine", f("ONNX-Runtime-%s", env.getVersion()));
            print("threads", f("intra-op %d (set to the cores), optimisation level %s", threads,
                    OrtSession.SessionOptions.OptLevel.ALL_OPT));
        }

        float[] run(TextTokenizer.Batch tb) {
            try (OnnxTensor ids = OnnxTensor.createTensor(env, tb.ids());
                    OnnxTensor mask = OnnxTensor.createTensor(env, tb.mask());
                    OnnxTensor types = OnnxTensor.createTensor(env, tb.typeIds());
                    OrtSession.Result r = session.run(Map.of("input_ids", ids, "attention_mask", mask,
                            "token_type_ids", types))) {
                java.nio.FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] out = new float[fb.remaining()];
                fb.get(out);
                return out;
            } catch (ai.onnxruntime.OrtException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws Exception {
            session.close();
        }

        /** The model with one graph output, {@code tensor}, and only the nodes it depends on. */
        static byte[] cut(byte[] model, String tensor) throws Exception {
            UnknownFieldSet m = UnknownFieldSet.parseFrom(model);
            UnknownFieldSet g = UnknownFieldSet.parseFrom(m.getField(7).getLengthDelimitedList().get(0));
            List<ByteString> nodes = g.getField(1).getLengthDelimitedList();
            Set<String> needed = new HashSet<>(List.of(tensor));
            boolean[] keep = new boolean[nodes.size()];
            boolean produced = false;
            for (int i = nodes.size() - 1; i >= 0; i--) { // nodes are in topological order
                UnknownFieldSet node = UnknownFieldSet.parseFrom(nodes.get(i));
                for (ByteString o : node.getField(2).getLengthDelimitedList()) {
                    if (needed.contains(o.toStringUtf8())) {
                        keep[i] = true;
                        produced |= o.toStringUtf8().equals(tensor);
                    }
                }
                if (keep[i]) {
                    node.getField(1).getLengthDelimitedList().forEach(s -> needed.add(s.toStringUtf8()));
                }
            }
            if (!produced) {
                throw new IllegalStateException("the ONNX graph has no tensor " + tensor);
            }
            UnknownFieldSet.Field.Builder kept = UnknownFieldSet.Field.newBuilder();
            for (int i = 0; i < nodes.size(); i++) {
                if (keep[i]) {
                    kept.addLengthDelimited(nodes.get(i));
                }
            }
            // ValueInfoProto {name, type {tensor_type {elem_type FLOAT}}}
            UnknownFieldSet tensorType = UnknownFieldSet.newBuilder()
                    .addField(1, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build();
            UnknownFieldSet type = UnknownFieldSet.newBuilder()
                    .addField(1, UnknownFieldSet.Field.newBuilder().addLengthDelimited(tensorType.toByteString()).build())
                    .build();
            UnknownFieldSet valueInfo = UnknownFieldSet.newBuilder()
                    .addField(1, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8(tensor))
                            .build())
                    .addField(2, UnknownFieldSet.Field.newBuilder().addLengthDelimited(type.toByteString()).build())
                    .build();
            UnknownFieldSet.Builder graph = UnknownFieldSet.newBuilder(g);
            graph.clearField(1).addField(1, kept.build());
            graph.clearField(12).addField(12,
                    UnknownFieldSet.Field.newBuilder().addLengthDelimited(valueInfo.toByteString()).build());
            // initializers the kept nodes do not read are dropped too (ONNX Runtime warns about each otherwise)
            UnknownFieldSet.Field.Builder inits = UnknownFieldSet.Field.newBuilder();
            for (ByteString init : g.getField(5).getLengthDelimitedList()) {
                String name = UnknownFieldSet.parseFrom(init).getField(8).getLengthDelimitedList().get(0).toStringUtf8();
                if (needed.contains(name)) {
                    inits.addLengthDelimited(init);
                }
            }
            graph.clearField(5).addField(5, inits.build());
            UnknownFieldSet.Builder out = UnknownFieldSet.newBuilder(m);
            out.clearField(7).addField(7,
                    UnknownFieldSet.Field.newBuilder().addLengthDelimited(graph.build().toByteString()).build());
            return out.build().toByteArray();
        }
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    private static long peakRssKb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }
}
