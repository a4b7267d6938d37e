package org.privtune.mechanism;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.privtune.core.PrivTuneHome;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.Record;
import org.privtune.model.BertEncoder;
import org.privtune.model.EncoderSource;
import org.privtune.model.LabelledText;
import org.privtune.model.ModelTokens;
import org.privtune.model.TextTokenizer;

import ai.djl.ndarray.NDManager;

/**
 * Everything {@link Mechanisms#create} needs for a model cut at one layer, built the same way for
 * the command line, the Noise Tuner and the experiment runner: R at the split and its k-NN graph
 * (cached on disk under the model's weights SHA-256 and the split, so two models never share an
 * entry), the text-level graph over the input embeddings for {@code santext}, TF-IDF importance
 * and, when labels are given, the task relevance of {@code privtune-swap}, all from the device's
 * training sentences and over the model's own vocabulary.
 */
public final class ModelResources {

    /** Degree of the cached graph; specs with a smaller k use its first k neighbours. */
    public static final int GRAPH_K = 10;

    private ModelResources() {
    }

    /**
     * The cache of reference spaces and graphs shared by the studio and every command:
     * {@code privtune.cache.dir}, else {@code cache} in the state folder ({@link PrivTuneHome}).
     */
    public static Path defaultCacheDir() {
        String d = System.getProperty("privtune.cache.dir");
        return d != null && !d.isBlank() ? Path.of(d) : PrivTuneHome.dir(PrivTuneHome.CACHE);
    }

    /** {@code records} of {@code d} with their label indices: the training sentences {@link #build} takes. */
    public static List<LabelledText> labelled(Dataset d, List<Record> records) {
        return records.stream().map(r -> new LabelledText(r.text(), d.labelIndex(r))).toList();
    }

    /**
     * @param train   the device's training sentences; labels are used when {@code classes} > 0
     * @param classes number of labels, or 0 when there are none (no task relevance)
     */
    public static MechanismResources build(EncoderSource model, BertEncoder encoder, int split, Path cacheDir,
            List<LabelledText> train, int classes, TextTokenizer tokenizer, NDManager manager, Progress progress) {
        ModelTokens ids;
        try {
            ids = model.tokens();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the tokenizer of " + model.name(), e);
        }
        return build(ids, encoder, split, cacheDir, train, classes, tokenizer, manager, progress);
    }

    /** The special and placeholder ids of a model as the mechanisms use them. */
    public static SpecialTokens specialTokens(ModelTokens ids) {
        return SpecialTokens.of(ids.vocabSize(), ids.specials(), ids.placeholders());
    }

    /**
     * As {@link #build(EncoderSource, BertEncoder, int, Path, List, int, TextTokenizer, NDManager, Progress)}
     * with the model's token ids already read.
     */
    public static MechanismResources build(ModelTokens model, BertEncoder encoder, int split, Path cacheDir,
            List<LabelledText> train, int classes, TextTokenizer tokenizer, NDManager manager, Progress progress) {
        if (split < 0 || split > encoder.config().layers()) {
            throw new IllegalArgumentException("split layer " + split + " is not in 0.." + encoder.config().layers());
        }
        int vocab = model.vocabSize();
        int cls = model.cls();
        int sep = model.sep();
        SpecialTokens tokens = specialTokens(model);
        String sha = encoder.weightsSha256();
        progress.subTask("reference space at layer " + split);
        ReferenceSpace r = ReferenceSpace.loadOrCompute(cacheDir, sha, split, manager,
                (ids, mask) -> encoder.bottom(ids, mask, ids.zerosLike(), split, false), vocab, cls, sep, 512, progress);
        progress.checkCancelled();
        progress.subTask("neighbour graph (k = " + GRAPH_K + ")");
        NeighbourGraph graph = NeighbourGraph.loadOrBuild(cacheDir, sha, split, r, GRAPH_K, tokens, manager, progress);
        NeighbourGraph textGraph = graph;
        if (split != 0) {
            progress.subTask("input embedding space (santext)");
            ReferenceSpace r0 = ReferenceSpace.loadOrCompute(cacheDir, sha, 0, manager,
                    (ids, mask) -> encoder.bottom(ids, mask, ids.zerosLike(), 0, false), vocab, cls, sep, 512, progress);
            textGraph = NeighbourGraph.loadOrBuild(cacheDir, sha, 0, r0, GRAPH_K, tokens, manager, progress);
        }
        progress.checkCancelled();
        progress.subTask("token importance");
        List<int[]> ids = tokenIds(train.stream().map(LabelledText::text).toList(), tokenizer);
        TokenImportance importance = TokenImportance.fromTrainingIds(vocab, ids, tokens);
        TaskRelevance relevance = classes > 0
                ? TaskRelevance.fromLabelledIds(vocab, ids, train.stream().mapToInt(LabelledText::label).toArray(),
                        classes, tokens)
                : null;
        return new MechanismResources(r, graph, tokens, importance, textGraph, relevance);
    }

    /** Token ids of each sentence without padding. */
    public static List<int[]> tokenIds(List<String> texts, TextTokenizer tokenizer) {
        List<int[]> out = new ArrayList<>();
        for (int s = 0; s < texts.size(); s += 64) {
            TextTokenizer.Batch b = tokenizer.encode(texts.subList(s, Math.min(texts.size(), s + 64)));
            for (int i = 0; i < b.size(); i++) {
                long[] row = b.ids()[i];
                long[] mask = b.mask()[i];
                out.add(java.util.stream.IntStream.range(0, row.length).filter(j -> mask[j] != 0)
                        .map(j -> (int) row[j]).toArray());
            }
        }
        return out;
    }
}
