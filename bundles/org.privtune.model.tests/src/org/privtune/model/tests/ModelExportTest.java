package org.privtune.model.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.model.BertEncoder;
import org.privtune.model.BuiltInModel;
import org.privtune.model.DeviceTransform;
import org.privtune.model.InProcessTopModel;
import org.privtune.model.LabelledText;
import org.privtune.model.ModelExport;
import org.privtune.model.Pooling;
import org.privtune.model.SplitModel;
import org.privtune.model.SplitTrainer;
import org.privtune.model.TextTokenizer;
import org.privtune.model.TrainingConfig;

/** Export then import gives identical predictions; corrupt or mismatched exports are refused with a reason. */
class ModelExportTest {

    static final NDManager manager = MiniLmFixture.manager();
    static final TextTokenizer tokenizer = MiniLmFixture.tokenizer();
    static final List<String> TEXTS = List.of("what a lovely day", "this is the worst phone I ever had", "fine");


    /** A tiny model moved away from its initialisation by two training steps, then exported. */
    static SplitModel exportTrained(Path dir) throws Exception {
        BertEncoder enc = new BertEncoder(manager, SplitGradientTest.TINY);
        enc.setWeightsSha256("0123abcd");
        SplitModel model = new SplitModel(manager, enc, 2, Pooling.MEAN, List.of("neg", "pos"), 0.1f, 3);
        List<LabelledText> data = List.of(new LabelledText("good", 1), new LabelledText("bad", 0),
                new LabelledText("very good indeed", 1), new LabelledText("awful and bad", 0));
        TrainingConfig cfg = TrainingConfig.defaults().withEpochs(1).withBatchSize(2).withLearningRate(1e-3f);
        new SplitTrainer(model, tokenizer, manager).train(data, List.of(), cfg, DeviceTransform.IDENTITY,
                Progress.NONE);
        try (InputStream tok = BuiltInModel.MINI_LM_L6.openTokenizer()) {
            ModelExport.write(dir, model, tok, 32, Map.of("mechanism", "dchi", "epsilon", 10.0));
        }
        return model;
    }

    static float[][] logits(SplitModel model, TextTokenizer tok) {
        InProcessTopModel top = InProcessTopModel.forInference(model, manager);
        return new SplitTrainer(model, tok, manager).logits(TEXTS, DeviceTransform.IDENTITY, top);
    }

    @Test
    void reimportGivesIdenticalPredictions(@TempDir Path dir) throws Exception {
        SplitModel original = exportTrained(dir);
        float[][] before = logits(original, tokenizer);
        try (ModelExport.Imported imp = ModelExport.read(dir, manager, "0123abcd")) {
            assertEquals(2, imp.model().split());
            assertEquals(List.of("neg", "pos"), imp.model().labels());
            assertEquals("dchi", imp.config().noise().get("mechanism"));
            float[][] p = imp.probabilities(TEXTS, manager);
            assertEquals(1.0, p[0][0] + p[0][1], 1e-5);
            float[][] after = logits(imp.model(), imp.tokenizer());
            for (int i = 0; i < before.length; i++) {
                assertArrayEquals(before[i], after[i], 0f, "sentence " + i);
            }
        }
        for (String f : List.of("config.json", ModelExport.BOTTOM_PARAMS, ModelExport.TOP_PARAMS,
                ModelExport.SAFETENSORS, ModelExport.TOKENIZER)) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        try (NDManager m = manager.newSubManager();
                InputStream in = Files.newInputStream(dir.resolve(ModelExport.SAFETENSORS))) {
            NDList tensors = NDList.decode(m, in);
            NDArray cls = tensors.get("classifier.weight");
            NDArray q = tensors.get("encoder.layer.0.attention.self.query.weight");
            assertArrayEquals(original.topParameters().get("classifier.weight").getArray().toFloatArray(),
                    cls.toFloatArray());
            assertArrayEquals(original.bottomParameters().get("encoder.layer.0.attention.self.query.weight")
                    .getArray().toFloatArray(), q.toFloatArray());
            assertEquals(original.bottomParameters().size() + original.topParameters().size(), tensors.size());
        }
    }

    @Test
    void corruptParamsAreRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        exportTrained(dir);
        Path top = dir.resolve(ModelExport.TOP_PARAMS);
        byte[] b = Files.readAllBytes(top);
        b[b.length / 2] ^= 0x5a;
        Files.write(top, b);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ModelExport.read(dir, manager, null));
        assertTrue(e.getMessage().contains(ModelExport.TOP_PARAMS) && e.getMessage().contains("checksum mismatch"),
                e.getMessage());
    }

    @Test
    void otherBaseWeightsAreRefused(@TempDir Path dir) throws Exception {
        exportTrained(dir);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ModelExport.read(dir, manager, "ffff"));
        assertEquals("baseWeightsSha256", e.field());
        assertTrue(e.getMessage().contains("ffff") && e.getMessage().contains("0123abcd"), e.getMessage());
    }

    @Test
    void editedSplitLayerIsRefused(@TempDir Path dir) throws Exception {
        exportTrained(dir);
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"splitLayer\" : 2", "\"splitLayer\" : 3"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ModelExport.read(dir, manager, null));
        assertTrue(e.getMessage().contains("do not match the architecture"), e.getMessage());
    }
}
