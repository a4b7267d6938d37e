package org.privtune.attack;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.privtune.core.Progress;
import org.privtune.model.BertEncoder;
import org.privtune.model.EngineScalars;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * A3, optimisation inversion (white-box bottom, BiSR-style relaxation): per position a vector of
 * logits over candidate tokens; softmax(logits) @ word-embedding rows gives a soft input
 * embedding, which goes through the rest of the bottom model (position and type embeddings,
 * LayerNorm, layers [0, split)); Adam moves the logits so that the bottom output matches the
 * received representations (mean squared error over the scored positions), all sentences of a
 * batch at once.
 *
 * <p>Our cost restriction: the relaxation is over the union of the top-K candidates given per
 * position by the other attacks (A1 and A2), not the whole vocabulary, so a step costs one bottom
 * forward/backward plus a [K, d] mix per token. Positions that are not scored (special tokens,
 * padding) are fixed to their tokens: the mechanisms send special tokens unperturbed and the
 * attacker sees the mask.
 */
public final class OptimisationInversion {

    /** @param steps Adam steps; @param learningRate Adam rate on the logits. */
    public record Config(int steps, float learningRate) {
        public static Config defaults() {
            return new Config(150, 0.1f);
        }
    }

    private final BertEncoder encoder;
    private final int split;
    private final Config cfg;

    public OptimisationInversion(BertEncoder encoder, int split, Config cfg) {
        this.encoder = encoder;
        this.split = split;
        this.cfg = cfg;
    }

    /**
     * Runs the optimisation on every batch.
     *
     * @param candidates per scored position of {@code observed} (in order), candidate ids (any
     *                   number, duplicates allowed); the true id may be missing, then it cannot be found
     */
    public TokenRecovery evaluate(ObservedRepresentations observed, long[][] candidates, NDManager manager,
            Progress progress) {
        Map<String, Parameter> params = encoder.namedParameters();
        Map<Parameter, Boolean> wasTrainable = new HashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            if (isBottom(e.getKey())) {
                wasTrainable.put(e.getValue(), e.getValue().requiresGradient());
                e.getValue().freeze(true);
            }
        }
        TokenRecovery total = TokenRecovery.EMPTY;
        progress.begin("Optimisation inversion (A3)", observed.batches().size());
        try {
            int offset = 0;
            for (ObservedRepresentations.Batch b : observed.batches()) {
                progress.checkCancelled();
                int n = b.scoredCount();
                long[][] cand = java.util.Arrays.copyOfRange(candidates, offset, offset + n);
                offset += n;
                if (n > 0) {
                    total = total.plus(TokenRecovery.score(invert(b, cand, manager, progress), b.scoredIds()));
                }
                progress.worked(1);
            }
        } finally {
            for (Map.Entry<Parameter, Boolean> e : wasTrainable.entrySet()) {
                e.getKey().freeze(!e.getValue());
            }
            progress.done();
        }
        return total;
    }

    private boolean isBottom(String name) {
        if (name.startsWith("embeddings.")) {
            return true;
        }
        if (!name.startsWith("encoder.layer.")) {
            return false;
        }
        String rest = name.substring("encoder.layer.".length());
        return Integer.parseInt(rest.substring(0, rest.indexOf('.'))) < split;
    }

    /** The ranked guesses (best first, up to 5) for the scored positions of one batch. */
    long[][] invert(ObservedRepresentations.Batch b, long[][] cand, NDManager manager, Progress progress) {
        int bs = b.sentences();
        int t = b.length();
        int d = b.dim();
        int positions = bs * t;
        int k = 1;
        List<long[]> unique = new ArrayList<>();
        for (long[] c : cand) {
            long[] u = java.util.Arrays.stream(c).distinct().toArray();
            unique.add(u);
            k = Math.max(k, u.length);
        }
        long[] candIds = new long[positions * k];
        float[] penalty = new float[positions * k];
        java.util.Arrays.fill(penalty, -1e4f);
        long[] scoredIdx = b.scoredIndices();
        boolean[] scored = b.scored();
        int si = 0;
        for (int p = 0; p < positions; p++) {
            if (scored[p]) {
                long[] u = unique.get(si++);
                for (int j = 0; j < k; j++) {
                    candIds[p * k + j] = j < u.length ? u[j] : u[0];
                    if (j < u.length) {
                        penalty[p * k + j] = 0f;
                    }
                }
            } else {
                for (int j = 0; j < k; j++) {
                    candIds[p * k + j] = b.ids()[p];
                }
                penalty[p * k] = 0f;
            }
        }
        Map<String, Parameter> params = encoder.namedParameters();
        try (NDManager m = manager.newSubManager()) {
            NDArray word = params.get("embeddings.word_embeddings.weight").getArray();
            NDArray pos = params.get("embeddings.position_embeddings.weight").getArray();
            NDArray type = params.get("embeddings.token_type_embeddings.weight").getArray();
            NDArray gamma = params.get("embeddings.LayerNorm.weight").getArray();
            NDArray beta = params.get("embeddings.LayerNorm.bias").getArray();
            NDArray candEmb = word.get(m.create(candIds)).reshape(positions, k, d);
            candEmb.attach(m);
            NDArray posType = pos.get(new NDIndex("0:{}", t)).add(type.get(new NDIndex("0"))).reshape(1, t, d);
            posType.attach(m);
            NDArray pen = m.create(penalty, new Shape(positions, k));
            NDArray target = b.representations(m);
            float[] sm = new float[positions];
            for (long p : scoredIdx) {
                sm[(int) p] = 1f;
            }
            NDArray scoredMask = m.create(sm, new Shape(bs, t, 1));
            // engine-owned: autograd keeps the divisor for the backward pass (EngineScalars)
            NDArray norm = EngineScalars.constant(m, Math.max(1, scoredIdx.length) * d);
            NDArray logits = m.zeros(new Shape(positions, k));
            logits.setRequiresGradient(true);
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(cfg.learningRate())).build();
            float eps = encoder.config().layerNormEps();
            for (int step = 0; step < cfg.steps(); step++) {
                progress.checkCancelled();
                if (step % 10 == 0) {
                    progress.subTask("step " + step + "/" + cfg.steps());
                }
                try (NDManager s = m.newSubManager()) {
                    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        // Every intermediate array derives from the first operand, which lives in the
                        // step's manager, so the step's memory is freed when it closes.
                        NDArray penStep = s.create(penalty, new Shape(positions, k));
                        NDArray p = penStep.add(logits).softmax(1).reshape(positions, 1, k);
                        NDArray emb = p.batchMatMul(candEmb).reshape(bs, t, d).add(posType);
                        NDArray h = LayerNorm.layerNorm(emb, new Shape(d), gamma, beta, eps).singletonOrThrow();
                        NDArray out = encoder.runLayers(h, s.create(b.mask(), new Shape(bs, t)), 0, split, false);
                        NDArray loss = out.sub(target).square().mul(scoredMask).sum().div(norm);
                        gc.backward(loss);
                    }
                    try (NDArray g = logits.getGradient()) {
                        adam.update("logits", logits, g);
                        g.subi(g);
                    }
                }
            }
            int top = Math.min(5, k);
            long[] best = logits.add(pen).topK(top, 1, true, true).get(1).toType(DataType.INT64, false).toLongArray();
            long[][] out = new long[scoredIdx.length][top];
            for (int r = 0; r < scoredIdx.length; r++) {
                int p = (int) scoredIdx[r];
                for (int j = 0; j < top; j++) {
                    out[r][j] = candIds[p * k + (int) best[p * top + j]];
                }
            }
            return out;
        }
    }
}
