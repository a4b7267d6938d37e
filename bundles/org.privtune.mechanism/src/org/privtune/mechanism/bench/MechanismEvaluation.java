package org.privtune.mechanism.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.privtune.core.ConsoleProgress;
import org.privtune.core.Progress;
import org.privtune.mechanism.MechanismResources;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.Mechanisms;
import org.privtune.mechanism.NeighbourGraph;
import org.privtune.mechanism.NoiseMechanism;
import org.privtune.model.EngineScalars;
import org.privtune.model.TextTokenizer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;

/**
 * A quick privacy probe used while designing the mechanisms (the attack bundle owns the reported
 * attacks): on real sentences through the real bottom model, for each mechanism spec,
 * <ul>
 * <li>A1 plain: nearest row of R to each perturbed token vector (cosine and L2, the stronger);</li>
 * <li>A1 aware: the same against the mechanism's deterministic part applied to R;</li>
 * <li>A2: an MLP (d -> 512 -> token types) trained by the attacker on auxiliary sentences
 * perturbed by the same mechanism, scored on the victim sentences;</li>
 * </ul>
 * top-1 token recovery over non-special, non-padding tokens. Arguments:
 * {@code split k cacheDir sentences.txt "spec;spec;..." [victims=200] [aux=1500] [epochs=4]}.
 */
public final class MechanismEvaluation {

    private MechanismEvaluation() {
    }

    /** Perturbed rows of eligible tokens: vectors [M, d] and their true ids. */
    record Rows(float[] x, int[] y, int d) {
        int count() {
            return y.length;
        }
    }

    public static void main(String[] args) throws Exception {
        int split = Integer.parseInt(args[0]);
        int k = Integer.parseInt(args[1]);
        Path cache = Path.of(args[2]);
        List<String> lines = new ArrayList<>(MiniLmSetup.readLines(Path.of(args[3])));
        String[] specs = args[4].split(";");
        int nVictims = args.length > 5 ? Integer.parseInt(args[5]) : 200;
        int nAux = args.length > 6 ? Integer.parseInt(args[6]) : 1500;
        int epochs = args.length > 7 ? Integer.parseInt(args[7]) : 4;
        Collections.shuffle(lines, new Random(7));
        List<String> victims = lines.subList(0, nVictims);
        List<String> aux = lines.subList(nVictims, Math.min(lines.size(), nVictims + nAux));
        List<String> train = lines.subList(nVictims, lines.size());
        Progress progress = ConsoleProgress.onStderr();
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                TextTokenizer tok = TextTokenizer.miniLm(64, false)) {
            MiniLmSetup mini = new MiniLmSetup(manager, split, cache, progress);
            NeighbourGraph graph = mini.graph(cache, k, manager, progress);
            MechanismResources res = mini.resources(graph, train, tok);
            NDArray r = mini.reference.toNDArray(manager);
            NDArray ids = manager.arange(0, MiniLmSetup.VOCAB, 1, DataType.INT64);
            System.out.printf(Locale.ROOT, "split %d, k %d, victims %d sentences, attacker aux %d sentences%n", split, k,
                    nVictims, aux.size());
            System.out.println("| mechanism | victim tokens | mean noise norm | mean shift norm | A1 plain | A1 aware | A2 MLP |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (String text : specs) {
                MechanismSpec spec = MechanismSpec.parse(text);
                try (NoiseMechanism mech = Mechanisms.create(spec, res, manager)) {
                    double[] norms = new double[2];
                    Rows v = perturbed(manager, mini, tok, victims, mech, norms);
                    Rows a = perturbed(manager, mini, tok, aux, mech, null);
                    double plain = nearestTop1(manager, r, v, mini);
                    double aware;
                    try (NDManager m = manager.newSubManager()) {
                        NDArray rr = r.duplicate();
                        rr.attach(m);
                        NDArray table = mech.deterministicPart(rr, ids);
                        aware = nearestTop1(manager, table, v, mini);
                    }
                    double mlp = mlpTop1(manager, a, v, epochs, spec.seed());
                    System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.3f | %.3f | %.3f |%n", shortText(spec),
                            v.count(), norms[0], norms[1], plain, aware, mlp);
                }
            }
        }
    }

    static String shortText(MechanismSpec s) {
        MechanismSpec d = MechanismSpec.defaults(s.name());
        StringBuilder sb = new StringBuilder(s.name());
        String[] full = s.toString().substring(s.name().length() + 1).split(",");
        String[] def = d.toString().substring(d.name().length() + 1).split(",");
        String sep = ":";
        for (int i = 0; i < full.length; i++) {
            if (!full[i].equals(def[i]) || full[i].startsWith("eps=")) {
                sb.append(sep).append(full[i]);
                sep = ",";
            }
        }
        return sb.toString();
    }

    /** Runs sentences through beforeBottom, the bottom and the mechanism; keeps eligible rows. */
    static Rows perturbed(NDManager manager, MiniLmSetup mini, TextTokenizer tok, List<String> sentences,
            NoiseMechanism mech, double[] normsOut) {
        List<float[]> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        double noise = 0;
        double shift = 0;
        int d = mini.reference.dim();
        for (int s = 0; s < sentences.size(); s += 32) {
            TextTokenizer.Batch b = tok.encode(sentences.subList(s, Math.min(sentences.size(), s + 32)));
            try (NDManager m = manager.newSubManager()) {
                Shape sh = new Shape(b.size(), b.length());
                long[] idFlat = b.flatIds();
                long[] maskFlat = b.flatMask();
                NDArray idArr = m.create(idFlat, sh);
                NDArray mask = m.create(maskFlat, sh);
                NDArray input = mech.beforeBottom(idArr, mask);
                NDArray h = mini.bottom(input, mask);
                NDArray out = mech.afterBottom(h, input, mask);
                float[] o = out.toFloatArray();
                float[] nn = mech.lastReport().noiseNorms();
                float[] sn = mech.lastReport().shiftNorms();
                for (int i = 0; i < idFlat.length; i++) {
                    if (maskFlat[i] != 0 && !mini.tokens.isSpecial((int) idFlat[i])) {
                        float[] row = new float[d];
                        System.arraycopy(o, i * d, row, 0, d);
                        xs.add(row);
                        ys.add((int) idFlat[i]); // the true (original) token
                        noise += nn[i];
                        shift += sn[i];
                    }
                }
            }
        }
        float[] x = new float[xs.size() * d];
        int[] y = new int[xs.size()];
        for (int i = 0; i < y.length; i++) {
            System.arraycopy(xs.get(i), 0, x, i * d, d);
            y[i] = ys.get(i);
        }
        if (normsOut != null) {
            normsOut[0] = noise / y.length;
            normsOut[1] = shift / y.length;
        }
        return new Rows(x, y, d);
    }

    /** Top-1 of the stronger of cosine and L2 nearest-row matching against table [V, d]. */
    static double nearestTop1(NDManager manager, NDArray table, Rows rows, MiniLmSetup mini) {
        int hitsCos = 0;
        int hitsL2 = 0;
        int d = rows.d();
        float[] bias = new float[MiniLmSetup.VOCAB];
        for (int v = 0; v < bias.length; v++) {
            bias[v] = mini.tokens.isNonTarget(v) ? Float.NEGATIVE_INFINITY : 0f;
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray t = table.duplicate();
            t.attach(m);
            NDArray tNorm = t.norm(new int[] {1});
            NDArray tSq = tNorm.square();
            NDArray tT = t.transpose();
            NDArray mask = m.create(bias);
            for (int s = 0; s < rows.count(); s += 1024) {
                int b = Math.min(1024, rows.count() - s);
                try (NDManager bm = m.newSubManager()) {
                    float[] part = new float[b * d];
                    System.arraycopy(rows.x(), s * d, part, 0, b * d);
                    NDArray x = bm.create(part, new Shape(b, d));
                    NDArray dot = x.matMul(tT);
                    long[] cos = dot.div(tNorm.maximum(1e-12f)).add(mask).argMax(1).toType(DataType.INT64, false)
                            .toLongArray();
                    long[] l2 = dot.mul(2).sub(tSq).add(mask).argMax(1).toType(DataType.INT64, false).toLongArray();
                    for (int i = 0; i < b; i++) {
                        hitsCos += cos[i] == rows.y()[s + i] ? 1 : 0;
                        hitsL2 += l2[i] == rows.y()[s + i] ? 1 : 0;
                    }
                }
            }
        }
        return Math.max(hitsCos, hitsL2) / (double) rows.count();
    }

    /** The learned inversion: MLP d -> 512 -> classes (the 4,000 commonest aux token types). */
    static double mlpTop1(NDManager manager, Rows train, Rows test, int epochs, long seed) {
        Map<Integer, Integer> freq = new HashMap<>();
        for (int y : train.y()) {
            freq.merge(y, 1, Integer::sum);
        }
        List<Integer> types = new ArrayList<>(freq.keySet());
        types.sort((a, b) -> Integer.compare(freq.get(b), freq.get(a)));
        types = types.subList(0, Math.min(4000, types.size()));
        Map<Integer, Integer> cls = new HashMap<>();
        for (int i = 0; i < types.size(); i++) {
            cls.put(types.get(i), i);
        }
        int d = train.d();
        int c = types.size();
        List<Integer> rowsIdx = new ArrayList<>();
        for (int i = 0; i < train.count(); i++) {
            if (cls.containsKey(train.y()[i])) {
                rowsIdx.add(i);
            }
        }
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        try (NDManager m = manager.newSubManager()) {
            NDArray w1 = m.randomNormal(0, (float) Math.sqrt(2.0 / d), new Shape(d, 512), DataType.FLOAT32);
            NDArray b1 = m.zeros(new Shape(512));
            NDArray w2 = m.randomNormal(0, (float) Math.sqrt(1.0 / 512), new Shape(512, c), DataType.FLOAT32);
            NDArray b2 = m.zeros(new Shape(c));
            NDArray[] params = {w1, b1, w2, b2};
            for (NDArray p : params) {
                p.setRequiresGradient(true);
            }
            // Standardise inputs with the training rows' statistics (large noise norms otherwise swamp Adam).
            NDArray all = m.create(train.x(), new Shape(train.count(), d));
            NDArray mu = all.mean(new int[] {0}, true);
            NDArray sd = all.sub(mu).square().mean(new int[] {0}, true).sqrt().maximum(1e-6f);
            Optimizer adam = Optimizer.adam().optLearningRateTracker(
                    ai.djl.training.tracker.Tracker.fixed(1e-3f)).build();
            // engine-owned 0: autograd keeps both operands of maximum for the backward (EngineScalars)
            NDArray zero = EngineScalars.constant(m, 0f);
            Random rnd = new Random(seed);
            int batch = 512;
            for (int e = 0; e < epochs; e++) {
                Collections.shuffle(rowsIdx, rnd);
                for (int s = 0; s < rowsIdx.size(); s += batch) {
                    int b = Math.min(batch, rowsIdx.size() - s);
                    float[] xb = new float[b * d];
                    float[] yb = new float[b];
                    for (int i = 0; i < b; i++) {
                        int row = rowsIdx.get(s + i);
                        System.arraycopy(train.x(), row * d, xb, i * d, d);
                        yb[i] = cls.get(train.y()[row]);
                    }
                    try (NDManager bm = m.newSubManager()) {
                        NDArray x = bm.create(xb, new Shape(b, d)).sub(mu).div(sd);
                        NDArray y = bm.create(yb);
                        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                            NDArray logits = x.matMul(w1).add(b1).maximum(zero).matMul(w2).add(b2);
                            NDArray loss = logits.logSoftmax(1).mul(y.oneHot(c)).sum(new int[] {1}).neg().mean();
                            gc.backward(loss);
                        }
                        for (int i = 0; i < params.length; i++) {
                            NDArray g = params[i].getGradient();
                            adam.update("p" + i, params[i], g);
                            g.subi(g);
                        }
                    }
                }
            }
            int hits = 0;
            for (int s = 0; s < test.count(); s += 1024) {
                int b = Math.min(1024, test.count() - s);
                float[] xb = new float[b * d];
                System.arraycopy(test.x(), s * d, xb, 0, b * d);
                try (NDManager bm = m.newSubManager()) {
                    NDArray x = bm.create(xb, new Shape(b, d)).sub(mu).div(sd);
                    long[] pred = x.matMul(w1).add(b1).maximum(0f).matMul(w2).add(b2).argMax(1)
                            .toType(DataType.INT64, false).toLongArray();
                    for (int i = 0; i < b; i++) {
                        Integer want = cls.get(test.y()[s + i]);
                        hits += want != null && want == pred[i] ? 1 : 0;
                    }
                }
            }
            return hits / (double) test.count();
        }
    }

}
