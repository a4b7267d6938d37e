package org.privtune.mechanism;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.core.Progress;
import org.privtune.model.BertEncoder;
import org.privtune.model.BuiltInModel;
import org.privtune.model.EncoderFolder;
import org.privtune.model.EncoderSource;
import org.privtune.model.LabelledText;
import org.privtune.model.ModelTokens;
import org.privtune.model.TextTokenizer;

import ai.djl.ndarray.NDManager;

/**
 * Reference spaces and neighbour graphs are cached per model (its weights' SHA-256) and split: the
 * tiny BERT and the tiny RoBERTa share a cache folder and never read each other's entries; the
 * special tokens, importance and relevance follow each model's own vocabulary.
 */
class ModelCachesTest {

    private static final List<LabelledText> TRAIN = List.of(new LabelledText("the film was great fun", 1),
            new LabelledText("a dull and boring story", 0), new LabelledText("great acting, a fine film", 1),
            new LabelledText("the plot was bad", 0));

    static EncoderSource tiny(String name) throws Exception {
        String dir = System.getProperty("privtune.test.fixtures");
        Path base = dir != null ? Path.of(dir) : Path.of("../org.privtune.model.tests/fixtures");
        return EncoderFolder.open(base.resolve(name));
    }

    private static MechanismResources build(EncoderSource model, int split, Path cache, NDManager m) throws Exception {
        BertEncoder encoder = model.load(m);
        try (TextTokenizer tok = model.tokenizer(32, false)) {
            return ModelResources.build(model, encoder, split, cache, TRAIN, 2, tok, m, Progress.NONE);
        }
    }

    private static Set<String> files(Path dir, String prefix) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return new HashSet<>(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).toList());
        }
    }

    @Test
    void twoModelsShareACacheFolderWithoutMixingUpTheirEntries(@TempDir Path cache) throws Exception {
        EncoderSource bert = tiny("tiny-bert");
        EncoderSource roberta = tiny("tiny-roberta");
        assertNotEquals(bert.weightsSha256(), roberta.weightsSha256());
        try (NDManager m = Synthetic.manager()) {
            MechanismResources bert1 = build(bert, 1, cache, m);
            MechanismResources roberta1 = build(roberta, 1, cache, m);
            MechanismResources bert2 = build(bert, 2, cache, m);
            assertEquals(120, bert1.reference().vocabSize());
            assertEquals(321, roberta1.reference().vocabSize());
            assertEquals(16, roberta1.reference().dim());
            assertEquals(120, bert1.tokens().vocabSize());
            assertEquals(321, roberta1.tokens().vocabSize());
            assertEquals(120, bert1.graph().vocabSize());
            assertEquals(321, roberta1.graph().vocabSize());

            // one file per model and layer (layers 0, 1 and 2 of the BERT, 0 and 1 of the RoBERTa)
            Set<String> refs = files(cache, "reference-");
            assertEquals(5, refs.size(), refs.toString());
            assertEquals(5, files(cache, "graph-").size());
            for (String sha : List.of(bert.weightsSha256(), roberta.weightsSha256())) {
                assertTrue(Files.isRegularFile(ReferenceSpace.cacheFile(cache, sha, 1)));
            }
            assertNotEquals(ReferenceSpace.cacheFile(cache, bert.weightsSha256(), 1),
                    ReferenceSpace.cacheFile(cache, roberta.weightsSha256(), 1));
            assertNotEquals(ReferenceSpace.cacheFile(cache, bert.weightsSha256(), 1),
                    ReferenceSpace.cacheFile(cache, bert.weightsSha256(), 2));
            assertFalse(Arrays.equals(bert1.reference().data(), bert2.reference().data()), "split 1 is not split 2");

            // read back after the other model wrote its entries: each model gets what its own bottom computes
            BertEncoder bertEncoder = bert.load(m);
            ModelTokens ids = bert.tokens();
            ReferenceSpace fresh = ReferenceSpace.compute(m,
                    (x, mask) -> bertEncoder.bottom(x, mask, x.zerosLike(), 1, false), ids.vocabSize(), ids.cls(),
                    ids.sep(), 512, Progress.NONE);
            MechanismResources again = build(bert, 1, cache, m);
            assertArrayEquals(fresh.data(), again.reference().data());
            assertArrayEquals(bert1.reference().data(), again.reference().data());
            assertEquals(5, files(cache, "reference-").size(), "nothing recomputed on a hit");
            MechanismResources robertaAgain = build(roberta, 1, cache, m);
            assertArrayEquals(roberta1.reference().data(), robertaAgain.reference().data());
        }
    }

    @Test
    void specialTokensComeFromEachModelsTokenizer() throws Exception {
        ModelTokens bert = tiny("tiny-bert").tokens();
        assertEquals(2, bert.cls());
        assertEquals(3, bert.sep());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, bert.specials());
        ModelTokens roberta = tiny("tiny-roberta").tokens();
        assertEquals(0, roberta.cls(), "<s>");
        assertEquals(2, roberta.sep(), "</s>");
        assertArrayEquals(new int[] {0, 1, 2, 3, 320}, roberta.specials());
        assertEquals(0, roberta.placeholders().length);

        // the built-in model's set is bert-base-uncased's as before, so its cached graphs keep their keys
        ModelTokens mini = BuiltInModel.MINI_LM_L6.tokens();
        assertEquals(101, mini.cls());
        assertEquals(102, mini.sep());
        assertEquals(994, mini.placeholders().length);
        SpecialTokens s = ModelResources.specialTokens(mini);
        SpecialTokens before = SpecialTokens.bertUncased(30522);
        assertArrayEquals(before.specialFlags(), s.specialFlags());
        assertArrayEquals(before.nonTargetFlags(), s.nonTargetFlags());
    }
}
