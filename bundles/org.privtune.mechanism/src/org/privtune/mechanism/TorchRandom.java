package org.privtune.mechanism;

import java.util.function.Supplier;

import ai.djl.engine.Engine;

/**
 * Reproducible draws from the PyTorch engine's generator. Its seed is process-global, so every
 * seeded draw holds one lock while it sets the seed and draws: a mechanism's output then depends
 * only on its own seed and call count, not on other threads' draws.
 */
final class TorchRandom {

    private static final Object LOCK = new Object();

    private TorchRandom() {
    }

    static <T> T withSeed(long seed, Supplier<T> draws) {
        synchronized (LOCK) {
            Engine.getEngine("PyTorch").setRandomSeed(toInt(seed));
            return draws.get();
        }
    }

    /** Mixes a base seed and a call index into a well-spread 64-bit seed (SplitMix64 finaliser). */
    static long mix(long seed, long call) {
        long z = seed + 0x9E3779B97F4A7C15L * (call + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static int toInt(long seed) {
        return (int) (seed ^ (seed >>> 32)) & 0x7fffffff;
    }
}
