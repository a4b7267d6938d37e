import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The perturbation's largest single cost, measured: ways to get the [2048, 384] standard-normal batch of the
 * d_chi directions into an engine tensor, each timed right after a matrix product on the engine
 * (as the perturbation follows the bottom forward) together with the row norms the mechanisms
 * take next. The variants alternate inside each repetition, so they share the machine's state.
 *
 * <p>Not part of the product: the Vector API variant needs the incubating module
 * jdk.incubator.vector (run.sh passes --add-modules). Its generator is a counter hash
 * (lowbias32 of seed + index * golden ratio) feeding Box-Muller, a scratch design for timing only:
 * a 32-bit counter lets two calls' streams overlap, which a mechanism could not accept.
 */
public final class NormalDrawBench {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    private NormalDrawBench() {
    }

    private static IntVector hash(IntVector x) {
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)).mul(0x7feb352d);
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 15)).mul(0x846ca68b);
        return x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16));
    }

    private static FloatVector unit(IntVector h) {
        return ((FloatVector) h.lanewise(VectorOperators.LSHR, 8).convert(VectorOperators.I2F, 0))
                .add(0.5f).mul(1f / (1 << 24));
    }

    /** Box-Muller on F.length() lanes, written through a view of the tensor's memory. */
    static void vectorDraw(FloatBuffer out, int seed) {
        java.lang.foreign.MemorySegment seg = java.lang.foreign.MemorySegment.ofBuffer(out);
        int lanes = F.length();
        int n = out.capacity();
        IntVector iota = IntVector.zero(I).addIndex(1);
        for (int i = 0; i + 2 * lanes <= n; i += 2 * lanes) {
            IntVector idx = iota.add(i).mul(0x9E3779B9).add(seed);
            FloatVector r = unit(hash(idx)).lanewise(VectorOperators.LOG).mul(-2f).lanewise(VectorOperators.SQRT);
            FloatVector t = unit(hash(idx.add(0x632BE5AB))).mul((float) (2 * Math.PI));
            r.mul(t.lanewise(VectorOperators.COS)).intoMemorySegment(seg, 4L * i, ByteOrder.nativeOrder());
            r.mul(t.lanewise(VectorOperators.SIN)).intoMemorySegment(seg, 4L * (i + lanes), ByteOrder.nativeOrder());
        }
    }

    static void ziggurat(FloatBuffer out, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int q = 0, n = out.capacity(); q < n; q++) {
            out.put(q, (float) rnd.nextGaussian());
        }
    }

    private static FloatBuffer view(NDArray empty) {
        return empty.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    public static void main(String[] args) {
        int rows = 2048;
        int d = 384;
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Shape shape = new Shape(rows, d);
        String[] names = {"PyTorch randomNormal (the mechanisms' draw)",
            "SplittableRandom.nextGaussian (ziggurat), calling thread, into the tensor",
            "Vector API Box-Muller, calling thread, into the tensor"};
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray a = m.randomNormal(new Shape(rows, d));
            NDArray b = m.randomNormal(new Shape(d, 4 * d));
            for (int round = 1; round <= rounds; round++) {
                long[][] t = new long[names.length][reps];
                for (int k = 0; k < reps; k++) {
                    for (int v = 0; v < names.length; v++) {
                        try (NDManager s = m.newSubManager()) {
                            a.matMul(b).sum().getFloat();
                            long t0 = System.nanoTime();
                            NDArray g;
                            if (v == 0) {
                                g = s.randomNormal(shape);
                            } else {
                                g = s.create(shape, DataType.FLOAT32);
                                if (v == 1) {
                                    ziggurat(view(g), 1000L + k);
                                } else {
                                    vectorDraw(view(g), 1000 + k);
                                }
                            }
                            g.norm(new int[] {1}).getFloat(0);
                            t[v][k] = System.nanoTime() - t0;
                        }
                    }
                }
                for (int v = 0; v < names.length; v++) {
                    Arrays.sort(t[v]);
                    System.out.printf("round %d | %-75s | draw + row norms: median %6.2f ms, quartiles %6.2f-%6.2f ms%n",
                            round, names[v], t[v][reps / 2] / 1e6, t[v][reps / 4] / 1e6, t[v][3 * reps / 4] / 1e6);
                }
            }
        }
    }
}
