package org.privtune.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The benchmark's per-step summary: quartiles of sorted ratios, linear between order statistics. */
class MechanismBenchmarkTest {

    @Test
    void quantilesOfSortedValues() {
        double[] odd = {0.01, 0.02, 0.04, 0.05, 0.30};
        assertEquals(0.04, MechanismBenchmark.quantile(odd, 0.5), 1e-12, "median of five");
        assertEquals(0.02, MechanismBenchmark.quantile(odd, 0.25), 1e-12);
        assertEquals(0.05, MechanismBenchmark.quantile(odd, 0.75), 1e-12, "one stall (0.30) does not move it");
        double[] even = {1, 2, 3, 4};
        assertEquals(2.5, MechanismBenchmark.quantile(even, 0.5), 1e-12, "between the middle two");
        assertEquals(1.75, MechanismBenchmark.quantile(even, 0.25), 1e-12);
        assertEquals(4, MechanismBenchmark.quantile(even, 1), 1e-12);
        assertEquals(7, MechanismBenchmark.quantile(new double[] {7}, 0.5), 1e-12, "a single step");
    }
}
