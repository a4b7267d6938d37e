package org.privtune.studio;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.privtune.core.CancelledException;
import org.privtune.attack.NearestNeighbourInversion;
import org.privtune.mechanism.HopDistances;
import org.privtune.mechanism.MechanismResources;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.Mechanisms;
import org.privtune.mechanism.NoiseMechanism;
import org.privtune.mechanism.ReferenceSpace;
import org.privtune.model.DeviceTransform;
import org.privtune.model.TextTokenizer;

/**
 * What the Neighbour-Hop Explorer shows, without UI: for one sentence, per token its importance,
 * its n-hop target set N_n, the attacker's nearest-neighbour guess after one perturbation and the
 * hop distance between guess and truth; for one token, its neighbourhood projected to 2D with the
 * clean representation, the mechanism's expected output (the "optimal target") and sampled
 * perturbed representations. Works on a {@link NoiseTunerEvaluator}'s model and sample; call it
 * under {@link NoiseTunerService#rule()}.
 */
public final class HopAnalyser implements AutoCloseable {

    /** Largest hop distance reported; beyond it the table says "> max". */
    public static final int FAR = -1;
    private static final int EXAMPLES = 6;
    private static final int PER_HOP = 60;

    /**
     * @param hop          hop distance from the true token to the guess (0 = the attacker wins;
     *                     {@link #FAR} when farther than n + 1)
     * @param hopUsed      the hop of the target set actually used (n, or a fallback)
     */
    public record TokenRow(int position, int id, String token, float importance, int hopUsed, int targetSetSize,
            List<String> examples, int guessId, String guess, int hop, float noiseNorm) {
        public boolean attackerWins() {
            return guessId == id;
        }
    }

    public record Analysis(String sentence, MechanismSpec spec, int split, List<TokenRow> rows) {
    }

    /**
     * A token's neighbourhood in the plane of the first two principal components of its neighbours
     * (hops 1..n), clean representation and target.
     *
     * @param points  [m][2] neighbour tokens; {@code hops[i]} their hop distance, {@code labels[i]} the token
     * @param clean   the clean representation of the token in its sentence
     * @param target  the mechanism's expected output for it (clean + E[noise])
     * @param samples [s][2] perturbed representations, one per draw
     */
    public record Neighbourhood(int position, String token, int n, double[][] points, int[] hops, String[] labels,
            double[] clean, double[] target, double[][] samples) {
    }

    private final NoiseTunerEvaluator evaluator;
    private final Vocabulary vocabulary;
    private final TextTokenizer tokenizer;

    public HopAnalyser(NoiseTunerEvaluator evaluator, Vocabulary vocabulary) throws IOException {
        this.evaluator = evaluator;
        this.vocabulary = vocabulary;
        this.tokenizer = evaluator.model().tokenizer(NoiseTunerEvaluator.MAX_LENGTH * 2, false);
    }

    public NoiseTunerEvaluator evaluator() {
        return evaluator;
    }

    /**
     * One perturbation of the sentence and the attacker's guess per token: with the spec's seed, or
     * seed 1 for a spec without one (a local view of one draw, repeatable on screen).
     */
    public Analysis analyse(String sentence, MechanismSpec chosen) {
        MechanismSpec spec = chosen.fixedSeed() ? chosen : chosen.withSeed(1);
        check();
        MechanismResources res = evaluator.resourcesFor(spec, org.privtune.core.Progress.NONE);
        HopDistances hops = Mechanisms.hops(res, spec);
        TextTokenizer.Batch b = tokenizer.encode(List.of(sentence));
        int t = b.length();
        int d = res.reference().dim();
        try (NDManager m = evaluator.manager().newSubManager(); NoiseMechanism mech = Mechanisms.create(spec, res, m)) {
            NDArray ids = m.create(b.ids()[0], new Shape(1, t));
            NDArray mask = m.create(b.mask()[0], new Shape(1, t));
            NDArray input = mech.beforeBottom(ids, mask);
            NDArray h = NoiseTunerEvaluator.bottom(evaluator.encoder(), evaluator.split(), input, mask);
            NDArray out = mech.afterBottom(h, input, mask);
            float[] norms = mech.lastReport().noiseNorms();
            NDArray x = out.reshape(t, d);
            long[][] guess = evaluator.plainAttack().topK(x, NearestNeighbourInversion.Metric.COSINE, 1);
            List<TokenRow> rows = new ArrayList<>();
            long[] truth = DeviceTransform.inSentOrder(b.ids()[0], mech.lastOrder()); // token behind each sent row
            for (int i = 0; i < t; i++) {
                int id = (int) truth[i];
                if (b.mask()[0][i] == 0 || evaluator.tokens().isSpecial(id)) {
                    continue;
                }
                int g = (int) guess[i][0];
                int[] set = hops.indirect(id);
                rows.add(new TokenRow(i, id, vocabulary.token(id), res.importance().weight(id), hops.hopUsed(id),
                        set.length, examples(res.reference(), id, set), g, vocabulary.token(g),
                        hopDistance(hops, id, g, spec.n() + 1), norms[i]));
            }
            return new Analysis(sentence, chosen, evaluator.split(), rows);
        }
    }

    /** Where the token of {@code position} was sent ({@code position} itself unless the mechanism reorders). */
    static int sentPosition(int[] order, int position) {
        if (order != null) {
            for (int j = 0; j < order.length; j++) {
                if (order[j] == position) {
                    return j;
                }
            }
        }
        return position;
    }

    /** The {@value #EXAMPLES} members of a set most similar (cosine) to v's reference row. */
    private List<String> examples(ReferenceSpace r, int v, int[] set) {
        float[] rv = r.row(v);
        Integer[] order = new Integer[set.length];
        double[] sim = new double[set.length];
        for (int i = 0; i < set.length; i++) {
            order[i] = i;
            sim[i] = cosine(rv, r.row(set[i]));
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> -sim[i]));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(EXAMPLES, set.length); i++) {
            out.add(vocabulary.token(set[order[i]]));
        }
        return out;
    }

    /** Breadth-first hop distance in the undirected graph, or {@link #FAR} beyond {@code max}. */
    public static int hopDistance(HopDistances hops, int from, int to, int max) {
        if (from == to) {
            return 0;
        }
        int[] layer = layers(hops, from, max)[0];
        int dist = layer[to];
        return dist > 0 ? dist : FAR;
    }

    /** dist[u] (0 = not reached or the start) for every u within {@code max} hops of v; [0] only. */
    private static int[][] layers(HopDistances hops, int v, int max) {
        int[] dist = new int[hops.vocabSize()];
        boolean[] seen = new boolean[hops.vocabSize()];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        queue.add(v);
        seen[v] = true;
        while (!queue.isEmpty()) {
            int u = queue.poll();
            int du = u == v ? 0 : dist[u];
            if (du >= max) {
                continue;
            }
            for (int w : hops.direct(u)) {
                if (!seen[w]) {
                    seen[w] = true;
                    dist[w] = du + 1;
                    queue.add(w);
                }
            }
        }
        return new int[][] {dist};
    }

    /** The neighbourhood picture of the token at {@code position}, with {@code draws} perturbed samples. */
    public Neighbourhood neighbourhood(String sentence, int position, MechanismSpec spec, int draws, long seed) {
        check();
        MechanismResources res = evaluator.resourcesFor(spec, org.privtune.core.Progress.NONE);
        HopDistances hops = Mechanisms.hops(res, spec);
        TextTokenizer.Batch b = tokenizer.encode(List.of(sentence));
        int t = b.length();
        int d = res.reference().dim();
        int v = (int) b.ids()[0][position];
        int n = spec.n();
        int[] dist = layers(hops, v, n)[0];
        // the neighbours, the nearest PER_HOP of each hop
        List<Integer> members = new ArrayList<>();
        List<Integer> memberHops = new ArrayList<>();
        float[] rv = res.reference().row(v);
        for (int hop = 1; hop <= n; hop++) {
            List<Integer> layer = new ArrayList<>();
            for (int u = 0; u < dist.length; u++) {
                if (dist[u] == hop) {
                    layer.add(u);
                }
            }
            layer.sort(Comparator.comparingDouble(u -> -cosine(rv, res.reference().row(u))));
            for (int u : layer.subList(0, Math.min(PER_HOP, layer.size()))) {
                members.add(u);
                memberHops.add(hop);
            }
        }
        float[] clean;
        float[] target;
        List<float[]> samples = new ArrayList<>();
        try (NDManager m = evaluator.manager().newSubManager();
                NoiseMechanism mech = Mechanisms.create(spec.withSeed(seed), res, m)) {
            NDArray ids = m.create(b.ids()[0], new Shape(1, t));
            NDArray mask = m.create(b.mask()[0], new Shape(1, t));
            NDArray h = NoiseTunerEvaluator.bottom(evaluator.encoder(), evaluator.split(), ids, mask);
            float[] hAll = h.toFloatArray();
            clean = Arrays.copyOfRange(hAll, position * d, (position + 1) * d);
            NDArray row = m.create(clean, new Shape(1, d));
            target = mech.deterministicPart(row, m.create(new long[] {v})).toFloatArray();
            for (int s = 0; s < draws; s++) {
                NDArray input = mech.beforeBottom(ids, mask);
                NDArray hs = input == ids ? h : NoiseTunerEvaluator.bottom(evaluator.encoder(), evaluator.split(), input, mask);
                float[] out = mech.afterBottom(hs, input, mask).toFloatArray();
                int at = sentPosition(mech.lastOrder(), position);
                samples.add(Arrays.copyOfRange(out, at * d, (at + 1) * d));
            }
        }
        // PCA of neighbours + clean + target (not the samples: the plane must not move with the noise)
        List<float[]> basisRows = new ArrayList<>();
        for (int u : members) {
            basisRows.add(res.reference().row(u));
        }
        basisRows.add(clean);
        basisRows.add(target);
        double[] mean = new double[d];
        for (float[] r : basisRows) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j] / basisRows.size();
            }
        }
        double[][] pcs = principalComponents(basisRows, mean, 2);
        double[][] points = new double[members.size()][];
        String[] labels = new String[members.size()];
        for (int i = 0; i < members.size(); i++) {
            points[i] = project(res.reference().row(members.get(i)), mean, pcs);
            labels[i] = vocabulary.token(members.get(i));
        }
        double[][] sampled = new double[samples.size()][];
        for (int i = 0; i < samples.size(); i++) {
            sampled[i] = project(samples.get(i), mean, pcs);
        }
        return new Neighbourhood(position, vocabulary.token(v), n, points,
                memberHops.stream().mapToInt(Integer::intValue).toArray(), labels, project(clean, mean, pcs),
                project(target, mean, pcs), sampled);
    }

    /** The top {@code k} principal directions of the centred rows, by power iteration with deflation. */
    static double[][] principalComponents(List<float[]> rows, double[] mean, int k) {
        int d = mean.length;
        double[][] cov = new double[d][d];
        for (float[] r : rows) {
            double[] c = new double[d];
            for (int j = 0; j < d; j++) {
                c[j] = r[j] - mean[j];
            }
            for (int a = 0; a < d; a++) {
                if (c[a] == 0) {
                    continue;
                }
                for (int bb = 0; bb < d; bb++) {
                    cov[a][bb] += c[a] * c[bb];
                }
            }
        }
        double[][] pcs = new double[k][];
        java.util.Random random = new java.util.Random(42);
        for (int p = 0; p < k; p++) {
            double[] x = new double[d];
            for (int j = 0; j < d; j++) {
                x[j] = random.nextGaussian();
            }
            for (int it = 0; it < 200; it++) {
                double[] y = new double[d];
                for (int a = 0; a < d; a++) {
                    double s = 0;
                    for (int bb = 0; bb < d; bb++) {
                        s += cov[a][bb] * x[bb];
                    }
                    y[a] = s;
                }
                for (int q = 0; q < p; q++) {
                    double dot = 0;
                    for (int j = 0; j < d; j++) {
                        dot += y[j] * pcs[q][j];
                    }
                    for (int j = 0; j < d; j++) {
                        y[j] -= dot * pcs[q][j];
                    }
                }
                double norm = Math.sqrt(Arrays.stream(y).map(z -> z * z).sum());
                if (norm < 1e-12) {
                    break;
                }
                for (int j = 0; j < d; j++) {
                    x[j] = y[j] / norm;
                }
            }
            pcs[p] = x;
        }
        return pcs;
    }

    static double[] project(float[] row, double[] mean, double[][] pcs) {
        double[] out = new double[pcs.length];
        for (int p = 0; p < pcs.length; p++) {
            double s = 0;
            for (int j = 0; j < mean.length; j++) {
                s += (row[j] - mean[j]) * pcs[p][j];
            }
            out[p] = s;
        }
        return out;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.max(1e-12, Math.sqrt(na * nb));
    }

    private void check() {
        if (evaluator.isClosed()) {
            throw new CancelledException();
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
