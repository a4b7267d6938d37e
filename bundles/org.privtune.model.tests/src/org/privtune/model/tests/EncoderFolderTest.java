package org.privtune.model.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.core.InvalidInputException;
import org.privtune.model.BertEncoder;
import org.privtune.model.BuiltInModel;
import org.privtune.model.EncoderFolder;
import org.privtune.model.EncoderSource;
import org.privtune.model.HiddenStateComparison;
import org.privtune.model.ModelRegistry;
import org.privtune.model.OnnxRuntimeOracle;
import org.privtune.model.TextTokenizer;
import org.privtune.model.DeviceTransform;
import org.privtune.model.InProcessTopModel;
import org.privtune.model.LabelledText;
import org.privtune.model.ModelExport;
import org.privtune.model.Pooling;
import org.privtune.model.SplitModel;
import org.privtune.model.SplitTrainer;
import org.privtune.model.TrainingConfig;

/**
 * Encoders loaded from folders in Hugging Face layout: the tiny BERT and RoBERTa match their ONNX
 * exports, split gradients equal joint ones, a folder model trains, exports and re-imports, and
 * every broken folder is refused with a message naming the file and the field.
 */
class EncoderFolderTest {

    @TempDir
    Path tmp;

    private static BertEncoder loadTimed(EncoderSource source) throws Exception {
        long t0 = System.nanoTime();
        BertEncoder enc = source.load(MiniLmFixture.manager());
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s loaded in %.2f s%n", source.name(), s);
        assertTrue(s <= 5, source.name() + " loaded in " + s + " s, target 5 s");
        return enc;
    }

    private static OnnxRuntimeOracle.Result oracle(EncoderSource source, BertEncoder enc) throws Exception {
        OnnxRuntimeOracle.Result r = OnnxRuntimeOracle.verify(source, enc, MiniLmFixture.manager());
        System.out.printf("oracle %s: %d sentences, %d tokens padded, max |DJL - ONNX| = %.3g%n", source.name(),
                r.sentences(), r.paddedLength(), r.maxAbsDiff());
        assertEquals(HiddenStateComparison.SENTENCES.size(), r.sentences());
        assertTrue(r.passed(), "max abs difference " + r.maxAbsDiff());
        return r;
    }

    @Test
    void tinyBertFromSafetensorsMatchesItsOnnxExport() throws Exception {
        EncoderSource source = ModelRegistry.resolve(TinyModels.folder(TinyModels.BERT).toString());
        assertEquals("bert", source.modelType());
        assertEquals(0, source.config().positionOffset());
        assertEquals(3, source.config().layers());
        oracle(source, loadTimed(source));
    }

    @Test
    void tinyRobertaFromSafetensorsMatchesItsOnnxExport() throws Exception {
        EncoderFolder source = EncoderFolder.open(TinyModels.folder(TinyModels.ROBERTA));
        assertEquals("roberta", source.modelType());
        assertEquals(2, source.config().positionOffset(), "positions start at pad_token_id 1 + 1");
        assertEquals(1, source.config().typeVocabSize());
        assertEquals(64, source.config().usablePositions());
        BertEncoder enc = loadTimed(source);
        // byte-level BPE: <s> ... </s>, padded with <pad> (1), never with <s> (0)
        try (TextTokenizer tok = source.tokenizer(64, false)) {
            TextTokenizer.Batch b = tok.encode(java.util.List.of("the food was great", "Meh."));
            assertEquals(0, b.ids()[0][0]);
            assertEquals(2, b.ids()[1][(int) Arrays.stream(b.mask()[1]).sum() - 1]);
            assertEquals(1, b.ids()[1][b.length() - 1]);
            assertEquals(0, b.mask()[1][b.length() - 1]);
        }
        OnnxRuntimeOracle.Result r = oracle(source, enc);
        assertTrue(r.paddedLength() > 30, "long sentences reach far into the position table: " + r.paddedLength());
    }

    @Test
    void onnxWeightsInTheFolderLoadAsSafetensorsDo() throws Exception {
        Path dir = TinyModels.copy(TinyModels.BERT, tmp.resolve("bert-onnx"));
        Files.delete(dir.resolve(EncoderFolder.SAFETENSORS));
        Files.copy(TinyModels.folder(TinyModels.BERT).resolve(EncoderFolder.ONNX_SUBFOLDER),
                dir.resolve(EncoderFolder.ONNX));
        EncoderFolder source = EncoderFolder.open(dir);
        assertEquals(dir.resolve(EncoderFolder.ONNX), source.weightsFile());
        oracle(source, loadTimed(source));
    }

    @Test
    void paddingDoesNotChangeRealTokensAndSentencesDiffer() throws Exception {
        EncoderFolder source = EncoderFolder.open(TinyModels.folder(TinyModels.ROBERTA));
        BertEncoder enc = source.load(MiniLmFixture.manager());
        try (TextTokenizer tok = source.tokenizer(64, false)) {
            TextTokenizer.Batch alone = tok.encode(java.util.List.of("great"));
            TextTokenizer.Batch padded = tok.encode(java.util.List.of("great", "a much longer sentence than that"));
            float[] a = HiddenStateComparison.lastHiddenState(enc, alone, MiniLmFixture.manager());
            float[] p = HiddenStateComparison.lastHiddenState(enc, padded, MiniLmFixture.manager());
            int h = enc.config().hidden();
            float[] firstRow = Arrays.copyOf(p, a.length);
            assertTrue(HiddenStateComparison.maxAbsDiff(a, firstRow, alone.mask(), h) < 1e-5);
            Set<Float> distinct = new HashSet<>();
            for (int i = 0; i < a.length; i += h) {
                distinct.add(a[i]);
            }
            assertEquals(alone.length(), distinct.size(), "every position has its own state");
        }
    }

    @Test
    void splitGradientsOfFolderModelsEqualJointGradients() throws Exception {
        for (String name : new String[] {TinyModels.BERT, TinyModels.ROBERTA}) {
            EncoderFolder source = EncoderFolder.open(TinyModels.folder(name));
            try (TextTokenizer tok = source.tokenizer(32, false)) {
                SplitGradientTest.assertSplitGradientsEqualJoint(source.load(MiniLmFixture.manager()), tok, 1);
            }
        }
    }

    @Test
    void robertaFolderModelTrainsExportsAndReimports() throws Exception {
        EncoderFolder source = EncoderFolder.open(TinyModels.folder(TinyModels.ROBERTA));
        var manager = MiniLmFixture.manager();
        BertEncoder enc = source.load(manager);
        SplitModel model = new SplitModel(manager, enc, 1, Pooling.MEAN, java.util.List.of("neg", "pos"), 0.1f, 3);
        java.util.List<LabelledText> data = java.util.List.of(new LabelledText("good", 1),
                new LabelledText("bad", 0), new LabelledText("very good indeed", 1),
                new LabelledText("awful and bad", 0));
        java.util.List<String> texts = java.util.List.of("what a lovely day", "the worst phone", "fine");
        Path out = tmp.resolve("export");
        try (TextTokenizer tok = source.tokenizer(32, false)) {
            new SplitTrainer(model, tok, manager).train(data, java.util.List.of(),
                    TrainingConfig.defaults().withEpochs(1).withBatchSize(2).withLearningRate(1e-3f),
                    DeviceTransform.IDENTITY, org.privtune.core.Progress.NONE);
            ModelExport.write(out, model, source, 32, java.util.Map.of());
            float[][] before = new SplitTrainer(model, tok, manager).logits(texts, DeviceTransform.IDENTITY,
                    InProcessTopModel.forInference(model, manager));
            try (ModelExport.Imported imp = ModelExport.read(out, manager, enc.weightsSha256())) {
                assertEquals("tiny-roberta", imp.config().baseModel());
                assertEquals(source.config(), imp.config().architecture());
                float[][] after = new SplitTrainer(imp.model(), imp.tokenizer(), manager).logits(texts,
                        DeviceTransform.IDENTITY, InProcessTopModel.forInference(imp.model(), manager));
                for (int i = 0; i < before.length; i++) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(before[i], after[i], 0f, "sentence " + i);
                }
                TextTokenizer.Batch b = imp.tokenizer().encode(texts);
                assertEquals(1, b.ids()[2][b.length() - 1], "the import pads with RoBERTa's <pad>");
            }
        }
    }

    @Test
    void registryNamesBuiltInsAndFolders() throws Exception {
        assertSame(BuiltInModel.MINI_LM_L6, ModelRegistry.resolve(null));
        assertSame(BuiltInModel.BGE_SMALL_EN_V15, ModelRegistry.resolve("bge-small-en-v1.5"));
        assertSame(BuiltInModel.BGE_SMALL_EN_V15, ModelRegistry.resolve("BAAI/bge-small-en-v1.5"));
        assertSame(BuiltInModel.MINI_LM_L6, ModelRegistry.resolve("all-minilm-l6-v2"));
        assertEquals(12, BuiltInModel.BGE_SMALL_EN_V15.config().layers());
        String missing = tmp.resolve("nowhere").toString();
        assertEquals(missing + ": neither a built-in model (all-MiniLM-L6-v2, bge-small-en-v1.5) nor a model folder",
                assertThrows(InvalidInputException.class, () -> ModelRegistry.resolve(missing)).getMessage());
    }

    // --- broken folders ----------------------------------------------------------------------

    private static void edit(Path file, String from, String to) throws Exception {
        String s = Files.readString(file);
        assertTrue(s.contains(from), file + " contains " + from);
        Files.writeString(file, s.replace(from, to));
    }

    private static String refusal(Path dir) {
        return assertThrows(InvalidInputException.class,
                () -> EncoderFolder.open(dir).load(MiniLmFixture.manager())).getMessage();
    }

    @Test
    void unsupportedModelTypeIsNamed() throws Exception {
        Path dir = TinyModels.copy(TinyModels.BERT, tmp.resolve("gpt2"));
        edit(dir.resolve("config.json"), "\"model_type\": \"bert\"", "\"model_type\": \"gpt2\"");
        assertEquals(dir.resolve("config.json") + ", field 'model_type': 'gpt2' is not supported; supported: "
                + "bert (BERT, MiniLM, BGE, E5) and roberta", refusal(dir));
    }

    @Test
    void missingFilesAreNamed() throws Exception {
        Path noTokenizer = TinyModels.copy(TinyModels.BERT, tmp.resolve("no-tokenizer"));
        Files.delete(noTokenizer.resolve("tokenizer.json"));
        assertEquals(noTokenizer.resolve("tokenizer.json") + ": file missing: a model folder holds config.json, "
                + "tokenizer.json and model.safetensors (or model.onnx)", refusal(noTokenizer));

        Path noConfig = TinyModels.copy(TinyModels.BERT, tmp.resolve("no-config"));
        Files.delete(noConfig.resolve("config.json"));
        assertEquals(noConfig.resolve("config.json") + ": file missing: a model folder holds config.json, "
                + "tokenizer.json and model.safetensors (or model.onnx)", refusal(noConfig));

        Path noWeights = TinyModels.copy(TinyModels.ROBERTA, tmp.resolve("no-weights"));
        Files.delete(noWeights.resolve("model.safetensors"));
        assertEquals(noWeights.resolve("model.safetensors")
                + ": file missing: the weights are model.safetensors or model.onnx", refusal(noWeights));

        Path noField = TinyModels.copy(TinyModels.BERT, tmp.resolve("no-field"));
        edit(noField.resolve("config.json"), "\"hidden_size\": 16,", "");
        assertEquals(noField.resolve("config.json") + ", field 'hidden_size': missing", refusal(noField));
    }

    @Test
    void weightShapeThatDoesNotMatchConfigIsNamed() throws Exception {
        Path dir = TinyModels.copy(TinyModels.BERT, tmp.resolve("wide"));
        edit(dir.resolve("config.json"), "\"intermediate_size\": 32", "\"intermediate_size\": 48");
        assertEquals(dir.resolve("model.safetensors") + ", field 'encoder.layer.0.intermediate.dense.weight': shape "
                + "[32, 16] does not match config.json, which asks for [48, 16] (intermediate_size 48, hidden_size 16, "
                + "num_hidden_layers 3)", refusal(dir));

        Path deeper = TinyModels.copy(TinyModels.ROBERTA, tmp.resolve("deeper"));
        edit(deeper.resolve("config.json"), "\"num_hidden_layers\": 3", "\"num_hidden_layers\": 4");
        assertEquals(deeper.resolve("model.safetensors") + ", field 'encoder.layer.3.attention.self.query.weight': "
                + "tensor missing (config.json asks for [16, 16]: hidden_size 16, num_hidden_layers 4)", refusal(deeper));
    }

    @Test
    void tokenizerWhoseVocabularyDisagreesWithTheEmbeddingsIsNamed() throws Exception {
        Path dir = TinyModels.copy(TinyModels.BERT, tmp.resolve("other-tokenizer"));
        Files.copy(TinyModels.folder(TinyModels.ROBERTA).resolve("tokenizer.json"), dir.resolve("tokenizer.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(dir.resolve("tokenizer.json") + ", field 'model.vocab': the vocabulary has 321 tokens, but the "
                + "embeddings have 120 rows (model.safetensors embeddings.word_embeddings.weight, config.json vocab_size)",
                refusal(dir));
    }
}
