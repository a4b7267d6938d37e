package org.privtune.attack;

import java.util.Arrays;
import java.util.List;

import org.privtune.mechanism.TokenSubstitution;
import org.privtune.model.TextTokenizer;

/**
 * A4, inversion of a text-level substitution with a token prior: the attacker decodes the sent
 * token u from each received representation (plain nearest neighbour, which recovers the
 * substitute almost always because the representation is u's own) and guesses the tokens v with
 * the largest P(v) q(u | v), where q is the mechanism's known substitution law and P the token
 * frequencies of the attacker's public auxiliary text (add-one smoothed). This is the Bayes
 * decision for a context-free attacker; the learned A2 may exploit context as well, so neither
 * bounds the other and the runner reports both.
 */
public final class SubstitutionInversion {

    /** Per decoded u, the five likeliest v, best first (-1 padding). */
    private final int[][] best;

    public SubstitutionInversion(TokenSubstitution mechanism, double[] prior, boolean[] excluded) {
        int vocab = prior.length;
        double[][] score = new double[vocab][];
        int[][] ids = new int[vocab][];
        for (int v = 0; v < vocab; v++) {
            if (excluded != null && excluded[v]) {
                continue;
            }
            TokenSubstitution.Substitution s = mechanism.substitutes(v);
            for (int j = 0; j < s.ids().length; j++) {
                int u = s.ids()[j];
                double sc = prior[v] * s.probabilities()[j];
                if (score[u] == null) {
                    score[u] = new double[5];
                    Arrays.fill(score[u], -1);
                    ids[u] = new int[5];
                    Arrays.fill(ids[u], -1);
                }
                insert(score[u], ids[u], sc, v);
            }
        }
        this.best = ids;
    }

    private static void insert(double[] sc, int[] id, double value, int v) {
        if (value <= sc[sc.length - 1]) {
            return;
        }
        int i = sc.length - 1;
        while (i > 0 && sc[i - 1] < value) {
            sc[i] = sc[i - 1];
            id[i] = id[i - 1];
            i--;
        }
        sc[i] = value;
        id[i] = v;
    }

    /** Token-type frequencies of tokenised public text, add-one smoothed over the vocabulary. */
    public static double[] prior(List<TextTokenizer.Batch> batches, int vocab, boolean[] special) {
        double[] p = new double[vocab];
        Arrays.fill(p, 1);
        double total = vocab;
        for (TextTokenizer.Batch b : batches) {
            for (int i = 0; i < b.size(); i++) {
                for (int t = 0; t < b.length(); t++) {
                    int id = (int) b.ids()[i][t];
                    if (b.mask()[i][t] != 0 && id >= 0 && id < vocab && !special[id]) {
                        p[id]++;
                        total++;
                    }
                }
            }
        }
        for (int v = 0; v < vocab; v++) {
            p[v] /= total;
        }
        return p;
    }

    /** Top-1/top-5 recovery of the true tokens from the decoded substitutes (top-1 guess of u per position). */
    public TokenRecovery evaluate(long[][] decodedSubstitutes, long[] truth) {
        long[][] guesses = new long[decodedSubstitutes.length][];
        for (int i = 0; i < guesses.length; i++) {
            int u = (int) decodedSubstitutes[i][0];
            int[] b = u >= 0 && u < best.length ? best[u] : null;
            guesses[i] = b == null ? new long[] {u} : Arrays.stream(b).filter(v -> v >= 0).asLongStream().toArray();
            if (guesses[i].length == 0) {
                guesses[i] = new long[] {u};
            }
        }
        return TokenRecovery.score(guesses, truth);
    }
}
