package org.privtune.attack;

/**
 * Token recovery of an inversion attack over the scored positions (non-special, non-padding):
 * how often the true token is the attacker's first guess (top-1) or among its first five (top-5).
 */
public record TokenRecovery(int scored, int top1Hits, int top5Hits) {

    public static final TokenRecovery EMPTY = new TokenRecovery(0, 0, 0);

    public double top1() {
        return scored == 0 ? Double.NaN : top1Hits / (double) scored;
    }

    public double top5() {
        return scored == 0 ? Double.NaN : top5Hits / (double) scored;
    }

    public TokenRecovery plus(TokenRecovery o) {
        return new TokenRecovery(scored + o.scored, top1Hits + o.top1Hits, top5Hits + o.top5Hits);
    }

    /**
     * Scores ranked guesses: {@code guesses[i]} are the attacker's ids for row i, best first
     * (at least one); {@code truth[i]} the true id.
     */
    public static TokenRecovery score(long[][] guesses, long[] truth) {
        int t1 = 0;
        int t5 = 0;
        for (int i = 0; i < truth.length; i++) {
            long[] g = guesses[i];
            if (g.length > 0 && g[0] == truth[i]) {
                t1++;
            }
            for (int j = 0; j < Math.min(5, g.length); j++) {
                if (g[j] == truth[i]) {
                    t5++;
                    break;
                }
            }
        }
        return new TokenRecovery(truth.length, t1, t5);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "top1=%.4f top5=%.4f (n=%d)", top1(), top5(), scored);
    }
}
