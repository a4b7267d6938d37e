package org.privtune.data;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A 64-bit hash of a string and a seed that is fixed by this code alone (FNV-1a over the UTF-8
 * bytes, then the SplitMix64 finaliser), so splits and shuffles derived from it are identical on
 * every JVM and platform. {@code String.hashCode}, {@code HashMap} order and {@code java.util.Random}
 * are deliberately not used for anything that decides which record goes where.
 */
public final class StableHash {

    private StableHash() {
    }

    public static long of(String key, long seed) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h ^ mix(seed + 0x9e3779b97f4a7c15L));
    }

    /**
     * The records ordered by their id's hash under {@code seed}, ties by id: a pseudo-random order
     * that depends on nothing but the ids and the seed. Hashes are computed once per record.
     */
    public static List<Record> orderBy(List<Record> records, long seed) {
        long[] keys = new long[records.size()];
        Integer[] order = new Integer[records.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = of(records.get(i).id(), seed);
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Long.compare(keys[a], keys[b]);
            return c != 0 ? c : records.get(a).id().compareTo(records.get(b).id());
        });
        List<Record> out = new ArrayList<>(keys.length);
        for (Integer i : order) {
            out.add(records.get(i));
        }
        return out;
    }

    /** SplitMix64 finaliser: spreads every input bit over the whole word. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
