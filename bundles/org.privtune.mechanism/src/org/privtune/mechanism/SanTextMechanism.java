package org.privtune.mechanism;

import org.privtune.model.TextTokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * {@code santext}: text-level sanitisation on the device before the bottom model, in the style of
 * CusText (Chen et al. 2023) built on SanText's exponential mechanism (Yue et al. 2021). Each
 * eligible token v is replaced by u drawn from its customised output set S(v) = {v} and its k
 * nearest tokens in the input embedding space, with probability proportional to
 * exp(eps * s(v, u) / 2), where s is the cosine similarity min-max normalised to [0, 1] within
 * S(v) (so s(v, v) = 1 and the score's sensitivity is 1: eps-DP over S(v) per token). Sampling is
 * Gumbel-max over a [N, k + 1] batch. The representation step is the identity.
 */
final class SanTextMechanism implements NoiseMechanism {

    private final MechanismSpec spec;
    private final NDManager tables;
    private final NDArray candidates;
    private final NDArray logits;
    private final NDArray dissimilarity;
    private final NDArray specialFlags;
    private final Draws draws;
    private final LengthBuckets lengths;
    private long calls;
    private PerturbationReport last;

    SanTextMechanism(MechanismSpec spec, NeighbourGraph textGraph, SpecialTokens tokens, NDManager parent) {
        this.draws = Draws.of(spec);
        this.lengths = new LengthBuckets(spec.lengths(), tokens, draws);
        this.spec = spec;
        this.tables = parent.newSubManager();
        NeighbourGraph g = textGraph.truncate(Math.min(spec.k(), textGraph.k()));
        int v = g.vocabSize();
        int k = g.k();
        long[] cand = new long[v * (k + 1)];
        float[] logit = new float[v * (k + 1)];
        float[] dis = new float[v * (k + 1)];
        int[] nb = g.neighbours();
        float[] sim = g.similarities();
        for (int a = 0; a < v; a++) {
            int o = a * (k + 1);
            cand[o] = a;
            float min = 1f;
            for (int j = 0; j < k; j++) {
                min = Math.min(min, sim[a * k + j]);
            }
            float range = Math.max(1e-6f, 1f - min);
            logit[o] = (float) (spec.eps() / 2);
            for (int j = 0; j < k; j++) {
                cand[o + 1 + j] = nb[a * k + j];
                logit[o + 1 + j] = (float) (spec.eps() * ((sim[a * k + j] - min) / range) / 2);
                dis[o + 1 + j] = 1f - sim[a * k + j];
            }
        }
        this.candidates = tables.create(cand, new Shape(v, k + 1));
        this.logits = tables.create(logit, new Shape(v, k + 1));
        this.dissimilarity = tables.create(dis, new Shape(v, k + 1));
        boolean[] s = tokens.specialFlags();
        long[] f = new long[v];
        for (int i = 0; i < v; i++) {
            f[i] = s[i] ? 1 : 0;
        }
        this.specialFlags = tables.create(f);
    }

    @Override
    public MechanismSpec spec() {
        return spec;
    }

    @Override
    public TextTokenizer.Batch hideLengths(TextTokenizer.Batch batch) {
        return lengths.apply(batch);
    }

    @Override
    public NDArray beforeBottom(NDArray tokenIds, NDArray attentionMask) {
        Shape shape = tokenIds.getShape();
        int n = (int) shape.size();
        long seed = draws.callSeed(0L, calls++);
        NDManager out = tokenIds.getManager();
        try (NDManager m = out.newSubManager()) {
            NDArray ids = tokenIds.reshape(n).toType(DataType.INT64, true);
            ids.attach(m);
            NDArray mask = attentionMask.reshape(n).toType(DataType.INT64, true);
            mask.attach(m);
            NDArray eligible = mask.neq(0).toType(DataType.INT64, false)
                    .mul(RepresentationMechanism.gather(specialFlags, m, ids).neg().add(1));
            NDArray cand = RepresentationMechanism.gather(candidates, m, ids);
            NDArray logit = RepresentationMechanism.gather(logits, m, ids);
            int width = (int) cand.getShape().get(1);
            NDArray u = draws.uniform(m, 0f, 1f, new Shape(n, width), seed);
            NDArray gumbel = u.clip(1e-12f, 1f - 1e-7f).log().neg().log().neg();
            NDArray pick = logit.add(gumbel).argMax(1).toType(DataType.INT64, false).reshape(n, 1);
            NDArray repl = cand.gather(pick, 1).reshape(n);
            NDArray result = ids.add(repl.sub(ids).mul(eligible));
            float[] dis = RepresentationMechanism.gather(dissimilarity, m, ids).gather(pick, 1).reshape(n)
                    .mul(eligible.toType(DataType.FLOAT32, false)).toFloatArray();
            long[] el = eligible.toLongArray();
            long[] rp = result.toLongArray();
            int[] targets = new int[n];
            int perturbed = 0;
            for (int i = 0; i < n; i++) {
                targets[i] = el[i] != 0 ? (int) rp[i] : -1;
                perturbed += el[i] != 0 ? 1 : 0;
            }
            float[] ones = new float[n];
            java.util.Arrays.fill(ones, 1f);
            last = new PerturbationReport(spec.toString(), n, perturbed, dis, new float[n], targets, ones);
            NDArray shaped = result.reshape(shape).toType(tokenIds.getDataType(), false);
            shaped.attach(out);
            return shaped;
        }
    }

    @Override
    public Perturbation perturb(NDArray hidden, NDArray tokenIds, NDArray attentionMask) {
        return new Perturbation(hidden, last);
    }

    @Override
    public NDArray deterministicPart(NDArray hidden, NDArray tokenIds) {
        return hidden.duplicate();
    }

    @Override
    public PerturbationReport lastReport() {
        return last;
    }

    @Override
    public void close() {
        draws.close();
        tables.close();
    }
}
