package org.privtune.attack.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.privtune.attack.DevicePath;
import org.privtune.attack.NearestNeighbourInversion;
import org.privtune.attack.ObservedRepresentations;
import org.privtune.core.Progress;
import org.privtune.data.DataDirectory;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.Mechanisms;
import org.privtune.mechanism.NoiseMechanism;
import org.privtune.mechanism.ReferenceSpace;
import org.privtune.model.TextTokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Writes what the cloud receives for a set of sentences, plus what an outside auditor needs to
 * score an attack, as one safetensors file: {@code representations} float32 [N, T, d] (perturbed,
 * padded to the longest sentence), {@code attention_mask} int64 [N, T], {@code token_ids} int64
 * [N, T] (the true ids, for scoring only), {@code scored} int64 [N, T] (1 where a position is
 * non-special and non-padding), {@code reference} float32 [V, d] (R at the split layer),
 * {@code reference_aware} float32 [V, d] (R with the mechanism's deterministic part applied to
 * every row, the mechanism-aware attacker's table; equal to R for zero-mean mechanisms) and
 * {@code candidates} int64 [V] (1 for the ids an attacker may guess: special tokens and
 * placeholders are never sent perturbed, so A1 never guesses them). With the last two an outside
 * script can repeat all four A1 variants exactly ({@code releng/audit/a1_audit.py}).
 */
public final class RepresentationExport {

    private RepresentationExport() {
    }

    /**
     * @param awareReference [V, d] table of the mechanism-aware attacker (see the class comment)
     * @param excluded       per id, true when an attacker never guesses it
     */
    public static void write(ObservedRepresentations observed, ReferenceSpace reference, NDArray awareReference,
            boolean[] excluded, Path file, NDManager manager) throws IOException {
        int n = observed.sentences();
        int t = observed.batches().stream().mapToInt(ObservedRepresentations.Batch::length).max().orElse(0);
        int d = observed.dim();
        int v = reference.vocabSize();
        if (!awareReference.getShape().equals(new Shape(v, reference.dim()))
                || awareReference.getDataType() != DataType.FLOAT32 || excluded.length != v) {
            throw new IllegalArgumentException("aware table " + awareReference.getShape() + " "
                    + awareReference.getDataType() + " and " + excluded.length
                    + " candidate flags do not match R [" + v + ", " + reference.dim() + "]");
        }
        float[] reps = new float[n * t * d];
        long[] mask = new long[n * t];
        long[] ids = new long[n * t];
        long[] scored = new long[n * t];
        int row = 0;
        for (ObservedRepresentations.Batch b : observed.batches()) {
            for (int s = 0; s < b.sentences(); s++, row++) {
                for (int p = 0; p < b.length(); p++) {
                    int src = s * b.length() + p;
                    int dst = row * t + p;
                    mask[dst] = b.mask()[src];
                    ids[dst] = b.ids()[src];
                    scored[dst] = b.scored()[src] ? 1 : 0;
                    System.arraycopy(b.representations(), src * d, reps, dst * d, d);
                }
            }
        }
        long[] candidates = new long[v];
        for (int i = 0; i < v; i++) {
            candidates[i] = excluded[i] ? 0 : 1;
        }
        try (NDManager m = manager.newSubManager()) {
            // A copy of the caller's table: the list's arrays get names, the caller's keeps its own.
            NDArray aware = awareReference.duplicate();
            aware.attach(m);
            NDList list = new NDList(named(m.create(reps, new Shape(n, t, d)), "representations"),
                    named(m.create(mask, new Shape(n, t)), "attention_mask"),
                    named(m.create(ids, new Shape(n, t)), "token_ids"),
                    named(m.create(scored, new Shape(n, t)), "scored"),
                    named(reference.toNDArray(m), "reference"),
                    named(aware, "reference_aware"),
                    named(m.create(candidates), "candidates"));
            DataDirectory.writeAtomically(file, out -> list.encode(out, NDList.Encoding.SAFETENSORS));
        }
    }

    private static NDArray named(NDArray a, String name) {
        a.setName(name);
        return a;
    }

    /** What {@link #export} wrote, and the experiment's A1 on it for an auditor to compare with. */
    public record Exported(ObservedRepresentations observed, NearestNeighbourInversion.Result a1) {
    }

    /**
     * Perturbs {@code batches} with a fresh mechanism of {@code spec}, writes the file, then runs
     * the experiment's four A1 variants on the same representations (the attacker's tables are
     * the ones written), so that a script outside the project can check its figures against ours.
     */
    public static Exported export(DevicePath path, List<TextTokenizer.Batch> batches, MechanismSpec spec,
            SplitExperiment setup, Path file, Progress progress) throws IOException {
        NDManager manager = setup.manager();
        ReferenceSpace r = setup.reference();
        boolean[] excluded = setup.tokens().nonTargetFlags();
        try (NoiseMechanism mech = Mechanisms.create(spec, setup.resourcesFor(spec, progress), manager)) {
            ObservedRepresentations obs = path.observe(batches, mech, progress);
            try (NDManager m = manager.newSubManager()) {
                NDArray ids = m.arange(0, r.vocabSize(), 1, DataType.INT64);
                NDArray aware = mech.deterministicPart(r.toNDArray(m), ids);
                write(obs, r, aware, excluded, file, m);
                progress.begin("A1 nearest neighbour on the exported representations", -1);
                // The written table is the aware attacker's; a zero-mean mechanism's equals R.
                boolean identity = NearestNeighbourInversion.isIdentity(r, mech, m);
                return new Exported(obs, NearestNeighbourInversion.runWithAwareTable(r, identity ? null : aware,
                        excluded, obs, manager));
            }
        }
    }
}
