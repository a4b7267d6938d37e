package org.privtune.attack.experiment;

import java.util.Locale;

/**
 * One cell of the experiment grid: a mechanism, its eps and a seed (the seed decides the
 * mechanism's noise, the top model's initialisation and the data order). {@code none} has no
 * eps; it is written as 0.
 */
public record Setting(String mechanism, double eps, int seed) {

    /** A file-name-safe unique key, e.g. {@code privtune_eps8_seed1}. */
    public String key() {
        String m = mechanism.replace("+", "plus").replaceAll("[^A-Za-z0-9_-]", "_");
        if (eps == 0) {
            return String.format(Locale.ROOT, "%s_seed%d", m, seed);
        }
        String e = eps == Math.rint(eps) ? Long.toString((long) eps) : Double.toString(eps).replace('.', 'p');
        return String.format(Locale.ROOT, "%s_eps%s_seed%d", m, e, seed);
    }

    /** Mechanism and eps without the seed (the group over which mean and std are taken). */
    public String group() {
        return eps == 0 ? mechanism : String.format(Locale.ROOT, "%s eps=%s", mechanism, fmt(eps));
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
