package org.privtune.data;

/**
 * Fractions of each label's records that go to train, dev and test, and the seed that decides
 * which records those are.
 */
public record SplitSpec(double train, double dev, double test, long seed) {

    /** 70/15/15 with seed 42: the split the project's reported figures use. */
    public static final SplitSpec DEFAULT = new SplitSpec(0.70, 0.15, 0.15, 42L);

    public SplitSpec {
        if (train <= 0 || dev < 0 || test < 0 || Math.abs(train + dev + test - 1.0) > 1e-6) {
            throw new IllegalArgumentException(
                    "split fractions must be >= 0, train > 0, and add up to 1; got " + train + "/" + dev + "/" + test);
        }
    }

    public SplitSpec withSeed(long newSeed) {
        return new SplitSpec(train, dev, test, newSeed);
    }
}
