package org.privtune.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.privtune.core.Progress;
import org.privtune.mechanism.MechanismResources;
import org.privtune.mechanism.MiniLmResources;
import org.privtune.mechanism.NeighbourGraph;
import org.privtune.mechanism.ReferenceSpace;
import org.privtune.mechanism.SpecialTokens;
import org.privtune.mechanism.TokenImportance;
import org.privtune.model.BertEncoder;
import org.privtune.model.MiniLmFiles;
import org.privtune.model.TextTokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The real MiniLM encoder, its reference space and neighbour graph at a split layer, for the
 * mechanism benchmark (the same calls the studio makes).
 */
final class MiniLmSetup {

    public static final int VOCAB = 30522;
    public static final int CLS = 101;
    public static final int SEP = 102;

    public final BertEncoder encoder;
    public final int split;
    public final SpecialTokens tokens = SpecialTokens.bertUncased(VOCAB);
    public final ReferenceSpace reference;
    public final long referenceMillis;

    public MiniLmSetup(NDManager manager, int split, Path cacheDir, Progress progress) throws IOException {
        this.encoder = BertEncoder.fromOnnx(manager, MiniLmFiles.readWeights());
        this.split = split;
        long t0 = System.nanoTime();
        this.reference = ReferenceSpace.loadOrCompute(cacheDir, encoder.weightsSha256(), split, manager, this::bottom,
                VOCAB, CLS, SEP, 512, progress);
        this.referenceMillis = (System.nanoTime() - t0) / 1_000_000;
    }

    /** The bottom model at this split: embeddings and layers [0, split), token type 0. */
    public NDArray bottom(NDArray ids, NDArray mask) {
        NDArray types = ids.zerosLike();
        return encoder.bottom(ids, mask, types, split, false);
    }

    /** Resources with TF-IDF importance over the given training sentences. */
    public MechanismResources resources(NeighbourGraph graph, List<String> trainSentences, TextTokenizer tok) {
        return new MechanismResources(reference, graph, tokens, TokenImportance.fromTrainingIds(VOCAB,
                MiniLmResources.tokenIds(trainSentences, tok), tokens));
    }

    /** Non-empty lines of a text file. */
    public static List<String> readLines(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
