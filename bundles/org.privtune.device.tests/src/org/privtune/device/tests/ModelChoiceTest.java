package org.privtune.device.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.cloud.ModelTops;
import org.privtune.cloud.TopModelServer;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.device.FineTuningRun;
import org.privtune.device.RemoteTopModel;
import org.privtune.device.RemoteTopModel.RemoteEndpointException;
import org.privtune.djl.runtime.DjlRuntime;
import org.privtune.model.EncoderFolder;
import org.privtune.model.EncoderSource;
import org.privtune.model.ExportConfig;
import org.privtune.model.ModelExport;
import org.privtune.model.Pooling;
import org.privtune.model.TrainingConfig;
import org.privtune.protocol.SplitProtocol;
import org.privtune.protocol.SplitProtocol.Open;

import ai.djl.ndarray.NDManager;

/**
 * The model is the device's choice: the endpoint serves the top of the model the device names
 * (the tiny BERT and RoBERTa of the model bundle's tests here) and refuses another model or other
 * weights of it, naming the field; a run on a model folder trains, exports its name and hash, and
 * gives the same model with the top in this process or on the endpoint.
 */
class ModelChoiceTest {

    static EncoderSource tiny(String name) throws Exception {
        String dir = System.getProperty("privtune.test.fixtures");
        Path base = dir != null ? Path.of(dir) : Path.of("../org.privtune.model.tests/fixtures");
        return EncoderFolder.open(base.resolve(name));
    }

    private static Open open(String model, int split, String sha) {
        return new Open(SplitProtocol.VERSION, model, split, List.of("neg", "pos"), "mean", 0.1f, 1, 1e-3f, 0.1f, 0f,
                1f, 10, "", sha);
    }

    @Test
    void theEndpointServesTheNamedModelAndRefusesAnotherOrOtherWeights() throws Exception {
        EncoderSource bert = tiny("tiny-bert");
        EncoderSource roberta = tiny("tiny-roberta");
        try (NDManager manager = DjlRuntime.pytorch().newBaseManager()) {
            ModelTops tops = new ModelTops(manager, List.of(bert, roberta));
            assertEquals(16, tops.maxHidden());
            try (TopModelServer.HostedTop top = tops.open(open("tiny-roberta", 1, roberta.weightsSha256()))) {
                assertEquals(16, top.hidden());
                assertTrue(top.parameters() > 2 * 16 * 16, "two layers and the head: " + top.parameters());
            }
            IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                    () -> tops.open(open("tiny-roberta", 1, bert.weightsSha256())));
            assertEquals("OpenSession.base_weights_sha256: the device's tiny-roberta has weights SHA-256 "
                    + bert.weightsSha256() + ", this endpoint's tiny-roberta has " + roberta.weightsSha256()
                    + "; both sides must run the same model", other.getMessage());
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                    () -> tops.open(open("tiny-bert", 1, "")));
            assertTrue(none.getMessage().startsWith("OpenSession.base_weights_sha256: missing"), none.getMessage());
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> tops.open(open("bge-small-en-v1.5", 1, bert.weightsSha256())));
            assertEquals("OpenSession.base_model: 'bge-small-en-v1.5' is not served here (this endpoint serves"
                    + " tiny-bert, tiny-roberta)", unknown.getMessage());
            IllegalArgumentException deep = assertThrows(IllegalArgumentException.class,
                    () -> tops.open(open("tiny-bert", 4, bert.weightsSha256())));
            assertEquals("OpenSession.split_layer: 4 is not in 0..3 (tiny-bert has 3 layers)", deep.getMessage());

            // over the wire the device gets the refusal with the field named
            try (TopModelServer server = TopModelServer.start(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), tops, l -> { })) {
                RemoteEndpointException e = assertThrows(RemoteEndpointException.class, () -> RemoteTopModel
                        .connect("localhost:" + server.port(), open("tiny-bert", 1, roberta.weightsSha256()), 30_000));
                assertTrue(e.getMessage().contains("OpenSession.base_weights_sha256: the device's tiny-bert has weights"
                        + " SHA-256 " + roberta.weightsSha256()), e.getMessage());
                assertEquals(0, server.sessionsOpened());
            }
        }
    }

    @Test
    void aRunOnAModelFolderExportsItsNameAndHashAndTrainsAlikeOnTheEndpoint(@TempDir Path dir) throws Exception {
        EncoderSource bert = tiny("tiny-bert");
        TrainingConfig cfg = TrainingConfig.defaults().withEpochs(1).withBatchSize(32).withSeed(42)
                .withLearningRate(1e-3f);
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        FineTuningRun.Result local = FineTuningRun.run(new FineTuningRun.Request("sentiment", 2, Pooling.MEAN, cfg,
                cfg.maxLength(), null, null, 64, dir.resolve("local"), dir.resolve("cache"), bert), Progress.NONE,
                lines::add, null);
        assertTrue(lines.stream().anyMatch(l -> l.contains(bert.name() + " split at layer 2")), String.join("\n", lines));
        FineTuningRun.Result remote;
        try (NDManager manager = DjlRuntime.pytorch().newBaseManager();
                TopModelServer server = TopModelServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        new ModelTops(manager, List.of(bert)), l -> { })) {
            remote = FineTuningRun.run(new FineTuningRun.Request("sentiment", 2, Pooling.MEAN, cfg, cfg.maxLength(),
                    null, FineTuningRun.Cloud.plain("localhost:" + server.port()), 64, dir.resolve("remote"),
                    dir.resolve("cache"), bert), Progress.NONE, lines::add, null);
            assertEquals(1, server.sessionsOpened());
        }
        assertEquals(local.test().accuracy(), remote.test().accuracy(), "same test accuracy");
        try (NDManager m = DjlRuntime.pytorch().newBaseManager();
                ModelExport.Imported imported = ModelExport.read(dir.resolve("remote"), m, bert.weightsSha256())) {
            ExportConfig c = imported.config();
            assertEquals("tiny-bert", c.baseModel());
            assertEquals(bert.weightsSha256(), c.baseWeightsSha256());
            assertEquals(3, c.architecture().layers());
            ModelExport.checkBase(dir.resolve("remote"), c, bert);
            EncoderSource roberta = tiny("tiny-roberta");
            InvalidInputException refused = assertThrows(InvalidInputException.class,
                    () -> ModelExport.checkBase(dir.resolve("remote"), c, roberta));
            assertEquals("baseModel", refused.field());
            assertTrue(refused.getMessage().contains("this model was trained on tiny-bert (weights SHA-256 "
                    + bert.weightsSha256() + "), not on tiny-roberta (weights SHA-256 " + roberta.weightsSha256() + ")"),
                    refused.getMessage());
        }
        InvalidInputException tooDeep = assertThrows(InvalidInputException.class,
                () -> new FineTuningRun.Request("sentiment", 4, Pooling.MEAN, cfg, cfg.maxLength(), null, null, 64,
                        dir.resolve("x"), null, bert));
        assertEquals("split", tooDeep.field());
        assertTrue(tooDeep.getMessage().contains("split layer must be 0..3 (" + bert.name() + " has 3 layers), got 4"),
                tooDeep.getMessage());
    }
}
