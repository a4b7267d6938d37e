package org.privtune.attack;

import java.util.List;

import org.privtune.core.Progress;
import org.privtune.mechanism.NoiseMechanism;
import org.privtune.mechanism.ReferenceSpace;
import org.privtune.model.TextTokenizer;

import ai.djl.ndarray.NDManager;

/**
 * A fast privacy estimate for interactive views (the studio's Noise Tuner): A1, plain and
 * mechanism-aware, on a small cached sample of tokenised sentences. Takes well under a second for
 * a few hundred tokens once the clean bottom outputs of the sample are cached in the
 * {@link DevicePath}. It is only a lower bound on the inversion risk: the learned attack (A2) is
 * usually far stronger (see docs/results.md), so a low A1 alone never means "private".
 */
public final class InversionEstimate {

    private InversionEstimate() {
    }

    /**
     * @param mechanism the mechanism to perturb the sample with (the same instance is used as the
     *                  attacker's knowledge of the deterministic part)
     * @param excluded  ids never guessed (e.g. {@code SpecialTokens.nonTargetFlags()})
     */
    public static NearestNeighbourInversion.Result nearestNeighbour(DevicePath path, List<TextTokenizer.Batch> sample,
            NoiseMechanism mechanism, ReferenceSpace reference, boolean[] excluded, NDManager manager) {
        ObservedRepresentations observed = path.observe(sample, mechanism, Progress.NONE);
        return NearestNeighbourInversion.run(reference, mechanism, excluded, observed, manager);
    }
}
