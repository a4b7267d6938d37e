package org.privtune.mechanism;

/**
 * What a mechanism did to one batch, per position (row-major over [B, T]).
 *
 * @param mechanism   spec text of the mechanism
 * @param positions   B * T
 * @param perturbed   positions changed (non-special, non-padding)
 * @param noiseNorms  ||output - input|| per position (0 where untouched; for santext the distance
 *                    between the original and replacement token's reference rows)
 * @param shiftNorms  norm of the deterministic part (the mean shift s * delta) per position
 * @param targets     per position the target or replacement token id, -1 when there is none
 * @param scales      the importance scale s per position (1 where no scaling applies)
 */
public record PerturbationReport(String mechanism, int positions, int perturbed, float[] noiseNorms,
        float[] shiftNorms, int[] targets, float[] scales) {

    /** Mean of the noise norms over perturbed positions. */
    public double meanNoiseNorm() {
        return meanOverPerturbed(noiseNorms);
    }

    private double meanOverPerturbed(float[] a) {
        if (perturbed == 0) {
            return 0;
        }
        double s = 0;
        for (float x : a) {
            s += x;
        }
        return s / perturbed;
    }
}
