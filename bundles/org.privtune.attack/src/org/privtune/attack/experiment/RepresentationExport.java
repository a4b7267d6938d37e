package org.privtune.attack.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.privtune.attack.DevicePath;
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
import ai.djl.ndarray.types.Shape;

/**
 * Writes what the cloud receives for a set of sentences, plus what an outside auditor needs to
 * score an attack, as one safetensors file: {@code representations} float32 [N, T, d] (perturbed,
 * padded to the longest sentence), {@code attention_mask} int64 [N, T], {@code token_ids} int64
 * [N, T] (the true ids, for scoring only), {@code scored} int64 [N, T] (1 where a position is
 * non-special and non-padding), {@code reference} float32 [V, d] (R at the split layer).
 */
public final class RepresentationExport {

    private RepresentationExport() {
    }

    public static void write(ObservedRepresentations observed, ReferenceSpace reference, Path file,
            NDManager manager) throws IOException {
        int n = observed.sentences();
        int t = observed.batches().stream().mapToInt(ObservedRepresentations.Batch::length).max().orElse(0);
        int d = observed.dim();
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
        try (NDManager m = manager.newSubManager()) {
            NDList list = new NDList(named(m.create(reps, new Shape(n, t, d)), "representations"),
                    named(m.create(mask, new Shape(n, t)), "attention_mask"),
                    named(m.create(ids, new Shape(n, t)), "token_ids"),
                    named(m.create(scored, new Shape(n, t)), "scored"),
                    named(reference.toNDArray(m), "reference"));
            DataDirectory.writeAtomically(file, out -> list.encode(out, NDList.Encoding.SAFETENSORS));
        }
    }

    private static NDArray named(NDArray a, String name) {
        a.setName(name);
        return a;
    }

    /** Perturbs {@code batches} with a fresh mechanism of {@code spec} and writes the file. */
    public static ObservedRepresentations export(DevicePath path, List<TextTokenizer.Batch> batches,
            MechanismSpec spec, SplitExperiment setup, Path file, Progress progress) throws IOException {
        NDManager manager = setup.manager();
        try (NoiseMechanism mech = Mechanisms.create(spec, setup.resourcesFor(spec, progress), manager)) {
            ObservedRepresentations obs = path.observe(batches, mech, progress);
            write(obs, setup.reference(), file, manager);
            return obs;
        }
    }
}
