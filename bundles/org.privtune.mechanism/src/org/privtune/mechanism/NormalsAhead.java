package org.privtune.mechanism;

import java.security.SecureRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Standard normals for secret runs, drawn one batch ahead on a background thread. The d_chi
 * directions (and Gaussian noise) depend only on the batch's shape, not on its representations,
 * so the draw for the next batch can run while the device computes the bottom and waits for the
 * cloud; only the copy into a tensor and the scaled sums stay on the critical path.
 *
 * <p>Memory is bounded to one batch ahead: a single array of the largest size asked for so far.
 * A request takes the prefix it needs of the prepared array (its values are independent, so any
 * prefix has the same distribution) and the rest is dropped, never sent nor reused. Every array
 * comes from a fresh generator seeded with {@link SecureRandom} bytes. A request larger than the
 * prepared array is drawn on the calling thread.
 */
final class NormalsAhead implements AutoCloseable {

    /** Requests smaller than this are drawn on the calling thread (a few rows: not worth a hand-off). */
    static final int MIN_AHEAD = 1 << 16;

    private static final RandomGeneratorFactory<RandomGenerator> FACTORY = RandomGeneratorFactory.of("L64X128MixRandom");
    /** One daemon thread for every mechanism: draws are short and a device runs one batch at a time. */
    private static final ExecutorService DRAWS = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "privtune-noise-draws");
        t.setDaemon(true);
        return t;
    });

    private final SecureRandom entropy;
    private Future<float[]> next;
    private int nextSize;
    private long hits;
    private long misses;

    NormalsAhead(SecureRandom entropy) {
        this.entropy = entropy;
    }

    /** {@code n} fresh standard normals (at least n values; read only the first n). */
    synchronized float[] take(int n) {
        float[] out = null;
        if (next != null && nextSize >= n) {
            try {
                out = next.get();
                hits++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | CancellationException e) {
                out = null;
            }
        } else if (next != null) {
            next.cancel(false);
        }
        if (out == null) {
            misses++;
            out = draw(generator(), n);
        }
        int size = Math.max(n, nextSize);
        RandomGenerator g = generator();
        next = DRAWS.submit(() -> draw(g, size));
        nextSize = size;
        return out;
    }

    /** Requests served from a prepared array, and drawn on the calling thread. */
    synchronized long[] counts() {
        return new long[] {hits, misses};
    }

    RandomGenerator generator() {
        byte[] b = new byte[32];
        entropy.nextBytes(b);
        return FACTORY.create(b);
    }

    static float[] draw(RandomGenerator g, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) g.nextGaussian();
        }
        return v;
    }

    @Override
    public synchronized void close() {
        if (next != null) {
            next.cancel(false);
            next = null;
        }
    }
}
