package org.privtune.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.privtune.core.Progress;
import org.privtune.mechanism.MechanismResources;
import org.privtune.mechanism.ModelResources;
import org.privtune.mechanism.NeighbourGraph;
import org.privtune.mechanism.ReferenceSpace;
import org.privtune.mechanism.SpecialTokens;
import org.privtune.mechanism.TokenImportance;
import org.privtune.model.BertEncoder;
import org.privtune.model.EncoderSource;
import org.privtune.model.ModelTokens;
import org.privtune.model.TextTokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A real encoder (a built-in or a model folder), its reference space and neighbour graph at a
 * split layer, for the mechanism benchmark (the same calls the studio makes).
 */
final class ModelSetup {

    public final BertEncoder encoder;
    public final int split;
    public final ModelTokens ids;
    public final SpecialTokens tokens;
    public final ReferenceSpace reference;
    public final long referenceMillis;

    public ModelSetup(EncoderSource model, NDManager manager, int split, Path cacheDir, Progress progress)
            throws IOException {
        if (split < 0 || split > model.config().layers()) {
            throw new IllegalArgumentException("split " + split + " is not in 0.." + model.config().layers() + " ("
                    + model.name() + ")");
        }
        this.encoder = model.load(manager);
        this.ids = model.tokens();
        this.tokens = ModelResources.specialTokens(ids);
        this.split = split;
        long t0 = System.nanoTime();
        this.reference = ReferenceSpace.loadOrCompute(cacheDir, encoder.weightsSha256(), split, manager, this::bottom,
                ids.vocabSize(), ids.cls(), ids.sep(), 512, progress);
        this.referenceMillis = (System.nanoTime() - t0) / 1_000_000;
    }

    /** The bottom model at this split: embeddings and layers [0, split), token type 0. */
    public NDArray bottom(NDArray ids, NDArray mask) {
        NDArray types = ids.zerosLike();
        return encoder.bottom(ids, mask, types, split, false);
    }

    /** Resources with TF-IDF importance over the given training sentences. */
    public MechanismResources resources(NeighbourGraph graph, List<String> trainSentences, TextTokenizer tok) {
        return new MechanismResources(reference, graph, tokens, TokenImportance.fromTrainingIds(ids.vocabSize(),
                ModelResources.tokenIds(trainSentences, tok), tokens));
    }

    /** Non-empty lines of a text file. */
    public static List<String> readLines(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
