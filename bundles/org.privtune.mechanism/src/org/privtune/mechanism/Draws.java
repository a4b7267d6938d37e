package org.privtune.mechanism;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Where a mechanism's random draws come from.
 *
 * <p><b>Secret</b> (a spec without a seed, the default): every draw comes from a fresh
 * {@code L64X128MixRandom} (192 bits of state) seeded with bytes of a {@link SecureRandom}, one
 * generator per draw. Nothing that crosses the wire (the spec's public parameters, shapes, step
 * order) determines them, so a cloud cannot replay the noise, the substitutions or the shuffles.
 * The engine's own generator is not used here: PyTorch seeds its CPU generator with 32 bits, few
 * enough to search.
 *
 * <p><b>Fixed</b> (a spec with {@code seed=N}: experiments and tests): each draw is a function of
 * the seed and the call count, exactly as every published row was measured (normals from the
 * engine's generator, the rest from {@link SplittableRandom}). Whoever knows the seed can replay
 * the noise; such runs are labelled {@link MechanismSpec#FIXED_SEED_LABEL}.
 */
final class Draws implements AutoCloseable {

    private final Long seed;
    private final SecureRandom entropy;
    /** Secret runs: the large normal batches, drawn one batch ahead. */
    private final NormalsAhead ahead;

    private Draws(Long seed) {
        this.seed = seed;
        this.entropy = seed == null ? new SecureRandom() : null;
        this.ahead = seed == null ? new NormalsAhead(entropy) : null;
    }

    static Draws of(MechanismSpec spec) {
        return new Draws(spec.seed());
    }

    boolean fixed() {
        return seed != null;
    }

    /**
     * The seed of call {@code call} for a fixed-seed run, mixed with {@code salt} (0 for the
     * mechanism's main stream); 0 in a secret run, where the derived seeds passed to the other
     * methods are ignored.
     */
    long callSeed(long salt, long call) {
        return seed == null ? 0L : TorchRandom.mix(seed ^ salt, call);
    }

    /** A fresh Java generator: from {@code fixedSeed} in a fixed run, secret otherwise. */
    RandomGenerator generator(long fixedSeed) {
        if (seed != null) {
            return new SplittableRandom(fixedSeed);
        }
        return ahead.generator();
    }

    /** Standard normals of {@code shape} in {@code m}. */
    NDArray normal(NDManager m, Shape shape, long fixedSeed) {
        if (seed != null) {
            return TorchRandom.withSeed(fixedSeed, () -> m.randomNormal(shape));
        }
        int n = Math.toIntExact(shape.size());
        if (n < NormalsAhead.MIN_AHEAD) {
            return m.create(NormalsAhead.draw(generator(0L), n), shape);
        }
        float[] v = ahead.take(n);
        // a prepared array may be longer than this batch: only its first n values are used
        return m.create(java.nio.FloatBuffer.wrap(v, 0, n), shape);
    }

    /** Secret runs: {hits, misses} of the draws prepared ahead; null for a fixed seed. */
    long[] aheadCounts() {
        return ahead == null ? null : ahead.counts();
    }

    @Override
    public void close() {
        if (ahead != null) {
            ahead.close();
        }
    }

    /** Uniforms in [lo, hi) of {@code shape} in {@code m}. */
    NDArray uniform(NDManager m, float lo, float hi, Shape shape, long fixedSeed) {
        if (seed != null) {
            return TorchRandom.withSeed(fixedSeed, () -> m.randomUniform(lo, hi, shape));
        }
        RandomGenerator g = generator(0L);
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * g.nextFloat();
        }
        return m.create(v, shape);
    }
}
