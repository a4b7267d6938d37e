package org.privtune.attack;

import java.util.ArrayList;
import java.util.List;

import org.privtune.mechanism.MechanismResources;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.Mechanisms;
import org.privtune.mechanism.NoiseMechanism;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * R, the known-seed replay: the cloud knows the mechanism's public parameters, the shapes it
 * receives and the order of the batches, so it can run the mechanism itself with a seed it
 * guesses, on dummy input of the same shapes ([CLS] first, [SEP] at the last unmasked place, one
 * ordinary token everywhere else). If the guess is the device's seed, the replay reproduces the
 * device's randomness: the shuffle (which depends only on the mask and the special positions)
 * and the additive noise's random part (exactly for d_chi and Gaussian noise; up to the
 * importance scale for SAP and PrivTune). The attacker puts the rows back in their places,
 * subtracts the replayed noise and runs the nearest-neighbour inversion (A1, strongest variant)
 * and, where rows were put back, the position prior (A0) on the result.
 *
 * <p>Against a device whose randomness is secret the replay reproduces nothing: the score is
 * then that of a wrong seed, which is the chance level this attack is measured against.
 */
public final class ReplayAttack {

    private final MechanismResources resources;
    private final boolean[] excluded;
    private final boolean[] special;
    private final PositionPrior prior;
    private final long cls;
    private final long sep;
    private final long dummy;

    /**
     * @param excluded ids the inversion never guesses (specials, placeholders)
     * @param special  per id: a special token (never scored)
     * @param prior    the clean position prior (A0) used once rows are back in place
     * @param cls      the id that opens a sentence
     * @param sep      the id that closes it
     * @param dummy    the ordinary token of the dummy input
     */
    public ReplayAttack(MechanismResources resources, boolean[] excluded, boolean[] special, PositionPrior prior,
            long cls, long sep, long dummy) {
        this.resources = resources;
        this.excluded = excluded.clone();
        this.special = special.clone();
        this.prior = prior;
        this.cls = cls;
        this.sep = sep;
        this.dummy = dummy;
    }

    /**
     * Replays {@code guess} (the victim's public spec with the attacker's seed) over the batches
     * the cloud received, in the order it received them, and scores the recovered tokens.
     *
     * @param observed what the cloud received from a mechanism's first calls, batch by batch
     * @param attacker the attacker's own instance of the mechanism, for the mechanism-aware table
     */
    public TokenRecovery run(ObservedRepresentations observed, MechanismSpec guess, NoiseMechanism attacker,
            NDManager manager) {
        Replayed back = replay(observed, guess, manager);
        TokenRecovery best = NearestNeighbourInversion.run(resources.reference(), attacker, excluded, back.rows(), manager)
                .strongest();
        if (back.reordered() && prior != null) {
            TokenRecovery a0 = prior.evaluate(back.rows());
            best = a0.top1() > best.top1() ? a0 : best;
        }
        return best;
    }

    /** What the replay gives: the rows with the replayed noise removed, put back in replayed order. */
    public record Replayed(ObservedRepresentations rows, boolean reordered) {
    }

    /** The received rows as the replay of {@code guess} restores them. */
    public Replayed replay(ObservedRepresentations observed, MechanismSpec guess, NDManager manager) {
        List<ObservedRepresentations.Batch> corrected = new ArrayList<>();
        boolean reordered = false;
        try (NDManager m = manager.newSubManager(); NoiseMechanism replay = Mechanisms.create(guess, resources, m)) {
            for (ObservedRepresentations.Batch b : observed.batches()) {
                try (NDManager bm = m.newSubManager()) {
                    NDArray mask = b.mask(bm);
                    NDArray ids = bm.create(dummyIds(b), new Shape(b.sentences(), b.length()));
                    NDArray sentIds = replay.beforeBottom(ids, mask);
                    int[] order = replay.lastOrder();
                    NDArray zeros = bm.zeros(new Shape(b.sentences(), b.length(), b.dim()), DataType.FLOAT32);
                    float[] noise = replay.afterBottom(zeros, sentIds, mask).toFloatArray();
                    corrected.add(restore(b, noise, order));
                    reordered |= order != null;
                }
            }
        }
        return new Replayed(new ObservedRepresentations(corrected), reordered);
    }

    /** [CLS] first, [SEP] at the last unmasked position, the dummy token between, padding 0. */
    private long[] dummyIds(ObservedRepresentations.Batch b) {
        long[] ids = new long[b.positions()];
        for (int s = 0; s < b.sentences(); s++) {
            int last = -1;
            for (int t = 0; t < b.length(); t++) {
                if (b.mask()[s * b.length() + t] != 0) {
                    last = t;
                }
            }
            for (int t = 0; t <= last; t++) {
                ids[s * b.length() + t] = t == 0 ? cls : t == last ? sep : dummy;
            }
        }
        return ids;
    }

    /**
     * The received rows minus the replayed noise, each moved back to the place the replayed order
     * says it came from, with its true id (the observation's ids are in sent order).
     */
    private ObservedRepresentations.Batch restore(ObservedRepresentations.Batch b, float[] noise, int[] order) {
        int d = b.dim();
        int n = b.positions();
        float[] rows = new float[n * d];
        long[] ids = new long[n];
        long[] mask = b.mask().clone();
        boolean[] scored = new boolean[n];
        for (int i = 0; i < n; i++) {
            int to = order == null ? i : order[i];
            for (int k = 0; k < d; k++) {
                rows[to * d + k] = b.representations()[i * d + k] - noise[i * d + k];
            }
            ids[to] = b.ids()[i];
        }
        for (int i = 0; i < n; i++) {
            scored[i] = mask[i] != 0 && !(ids[i] >= 0 && ids[i] < special.length && special[(int) ids[i]]);
        }
        return new ObservedRepresentations.Batch(b.sentences(), b.length(), d, rows, mask, ids, scored);
    }
}
