package org.privtune.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.privtune.mechanism.TokenSubstitution;

/** A4: the Bayes guess argmax_v P(v) q(u | v) for a decoded substitute u. */
class SubstitutionInversionTest {

    @Test
    void guessesTheLikeliestSourceOfEachSubstitute() {
        // 1 and 2 always become 10; 3 becomes 11 or 12 with equal probability.
        TokenSubstitution law = v -> switch (v) {
            case 1, 2 -> new TokenSubstitution.Substitution(new int[] {10}, new double[] {1});
            case 3 -> new TokenSubstitution.Substitution(new int[] {11, 12}, new double[] {0.5, 0.5});
            default -> new TokenSubstitution.Substitution(new int[] {v}, new double[] {1});
        };
        double[] prior = new double[20];
        java.util.Arrays.fill(prior, 0.001);
        prior[1] = 0.5;
        prior[2] = 0.3;
        prior[3] = 0.15;
        SubstitutionInversion a4 = new SubstitutionInversion(law, prior, null);
        long[][] decoded = {{10}, {10}, {11}, {12}, {5}};
        long[] truth = {1, 2, 3, 3, 5};
        TokenRecovery r = a4.evaluate(decoded, truth);
        assertEquals(5, r.scored());
        assertEquals(4, r.top1Hits(), "10 -> 1 (wrong for the 2), 11 and 12 -> 3, 5 -> 5");
        assertEquals(5, r.top5Hits(), "2 is the second guess for 10");
    }
}
