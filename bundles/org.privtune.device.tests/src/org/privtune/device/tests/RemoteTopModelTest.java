package org.privtune.device.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

import org.junit.jupiter.api.Test;
import org.privtune.cloud.ModelTops;
import org.privtune.cloud.TopModelServer;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.device.RemoteTopModel;
import org.privtune.device.RemoteTopModel.RemoteEndpointException;
import org.privtune.model.BertConfig;
import org.privtune.model.BertEncoder;
import org.privtune.model.BuiltInModel;
import org.privtune.model.DeviceTransform;
import org.privtune.model.InProcessTopModel;
import org.privtune.model.LabelledText;
import org.privtune.model.Metrics;
import org.privtune.model.Pooling;
import org.privtune.model.SplitModel;
import org.privtune.model.SplitTrainer;
import org.privtune.model.TextTokenizer;
import org.privtune.model.TopModelEndpoint;
import org.privtune.model.TrainingConfig;
import org.privtune.model.TrainingReport;
import org.privtune.protocol.SplitProtocol;
import org.privtune.protocol.SplitProtocol.Open;
import org.privtune.protocol.v1.SplitTrainingGrpc;

/**
 * The device connector against a real cloud endpoint on the loopback interface, with a tiny
 * random BERT on both sides (the wire and the training loop are what is tested; MiniLM's weights
 * would only make the test slow).
 */
class RemoteTopModelTest {

    static final BertConfig TINY = new BertConfig(30522, 32, 4, 4, 64, 64, 2, 1e-12f);
    static final NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
    static final TextTokenizer tokenizer;

    static {
        try {
            tokenizer = BuiltInModel.MINI_LM_L6.tokenizer(32, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SplitModel tiny(NDManager m, long seed) {
        Engine.getEngine("PyTorch").setRandomSeed((int) seed); // the encoder's random weights too
        return new SplitModel(m, new BertEncoder(m, TINY), 1, Pooling.MEAN, List.of("neg", "pos"), 0f, seed);
    }

    /** Positive sentences say "good", negative ones "bad". */
    static List<LabelledText> toy(int n, int offset) {
        String[] nouns = {"film", "meal", "phone", "hotel", "book", "song", "car", "game"};
        List<LabelledText> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = (i + offset) % 2;
            out.add(new LabelledText("the " + nouns[(i * 3 + offset) % nouns.length] + " was "
                    + (label == 1 ? "good" : "bad"), label));
        }
        return out;
    }

    /** The cloud side for these tests: the same tiny BERT, its Open checked as ModelTops checks it. */
    static TopModelServer.TopFactory tinyTops(List<float[]> received) {
        return o -> {
            ModelTops.check(o);
            NDManager m = manager.newSubManager();
            SplitModel model = tiny(m, o.seed());
            InProcessTopModel top = ModelTops.trainer(model, m, o);
            if (received == null) {
                return ModelTops.hosted(top, model, m);
            }
            // records what reaches the cloud
            TopModelEndpoint recording = new TopModelEndpoint() {
                @Override
                public StepResult trainStep(float[] r, long[] shape, long[][] mask, int[] labels, boolean g) {
                    received.add(r.clone());
                    return top.trainStep(r, shape, mask, labels, g);
                }

                @Override
                public float[][] predict(float[] r, long[] shape, long[][] mask) {
                    received.add(r.clone());
                    return top.predict(r, shape, mask);
                }

                @Override
                public void saveCheckpoint() {
                    top.saveCheckpoint();
                }

                @Override
                public void restoreCheckpoint() {
                    top.restoreCheckpoint();
                }

                @Override
                public Map<String, float[]> topWeights() {
                    return top.topWeights();
                }
            };
            return ModelTops.hosted(recording, model, m);
        };
    }

    static TopModelServer server(TopModelServer.TopFactory f, List<String> log) throws IOException {
        return TopModelServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), f, log::add);
    }

    static final TrainingConfig CFG = new TrainingConfig(4, 8, 16, 3e-3f, 0.01f, 0.1f, 1.0f, 0, 9, false, 0f);

    @Test
    void trainingAgainstTheCloudEndpointMatchesInProcessTraining() throws Exception {
        List<LabelledText> train = toy(48, 0);
        List<LabelledText> dev = toy(16, 1);
        int total = SplitTrainer.totalSteps(train.size(), CFG);

        SplitModel local = tiny(manager, 9);
        SplitTrainer localTrainer = new SplitTrainer(local, tokenizer, manager);
        TrainingReport inProcess = localTrainer.train(train, dev, CFG, DeviceTransform.IDENTITY,
                InProcessTopModel.forTraining(local, manager, CFG, total), Progress.NONE);

        List<String> log = Collections.synchronizedList(new ArrayList<>());
        try (TopModelServer server = server(tinyTops(null), log)) {
            SplitModel device = tiny(manager, 9);
            SplitTrainer trainer = new SplitTrainer(device, tokenizer, manager);
            TrainingReport remote;
            try (RemoteTopModel cloud = RemoteTopModel.connect("localhost:" + server.port(),
                    RemoteTopModel.openRequest(device, CFG, 0f, total), 30_000)) {
                assertEquals(32, cloud.session().hidden());
                remote = trainer.train(train, dev, CFG, DeviceTransform.IDENTITY, cloud, Progress.NONE);
                Map<String, float[]> fetched = cloud.topWeights();
                // the trained top's weights, fetched from the cloud, equal the in-process ones
                for (Map.Entry<String, Parameter> e : local.topParameters().entrySet()) {
                    float[] want = e.getValue().getArray().toFloatArray();
                    float[] got = fetched.get(e.getKey());
                    assertEquals(want.length, got.length, e.getKey());
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], got[i], 1e-4f, e.getKey() + "[" + i + "]");
                    }
                }
                // loaded on the device, they predict what the cloud predicts
                device.setTopWeights(fetched);
                Metrics viaCloud = trainer.evaluate(dev, DeviceTransform.IDENTITY, cloud, 8);
                Metrics onDevice = trainer.evaluate(dev, DeviceTransform.IDENTITY,
                        InProcessTopModel.forInference(device, manager), 8);
                assertEquals(viaCloud.accuracy(), onDevice.accuracy());
                assertEquals(viaCloud.loss(), onDevice.loss(), 1e-6);
                assertTrue(cloud.bytesSent() > (long) total * 8 * 4 * 32 * 4, "every step sent its batch");
            }
            assertEquals(inProcess.epochs().size(), remote.epochs().size());
            assertEquals(inProcess.bestEpoch(), remote.bestEpoch());
            for (int i = 0; i < remote.epochs().size(); i++) {
                TrainingReport.Epoch a = inProcess.epochs().get(i);
                TrainingReport.Epoch b = remote.epochs().get(i);
                assertEquals(a.trainLoss(), b.trainLoss(), 1e-4, "epoch " + (i + 1) + " train loss");
                assertEquals(a.dev().accuracy(), b.dev().accuracy(), "epoch " + (i + 1) + " dev accuracy");
            }
            assertTrue(remote.bestDev().accuracy() >= 0.9, "the toy task is learnt through the wire: "
                    + remote.bestDev());
            awaitLog(log, "closed after " + total + " training steps");
            assertEquals(1, server.sessionsOpened());
        }
    }

    @Test
    void theCloudReceivesWhatTheDeviceTransformSent() throws Exception {
        List<float[]> received = Collections.synchronizedList(new ArrayList<>());
        DeviceTransform sendSevens = (hidden, ids, mask) -> hidden.zerosLike().add(7f);
        try (TopModelServer server = server(tinyTops(received), new ArrayList<>())) {
            SplitModel device = tiny(manager, 3);
            List<LabelledText> train = toy(16, 0);
            TrainingConfig cfg = new TrainingConfig(1, 8, 16, 1e-3f, 0.01f, 0.1f, 1.0f, 0, 3, false, 0f);
            try (RemoteTopModel cloud = RemoteTopModel.connect("localhost:" + server.port(),
                    RemoteTopModel.openRequest(device, cfg, 0f, 2), 30_000)) {
                new SplitTrainer(device, tokenizer, manager).train(train, List.of(), cfg, sendSevens, cloud,
                        Progress.NONE);
            }
        }
        assertEquals(2, received.size(), "two training steps of 8 sentences");
        for (float[] r : received) {
            for (float v : r) {
                assertEquals(7f, v, "only the transform's output crosses the wire");
            }
        }
    }

    @Test
    void badRequestsAreAnsweredWithTheFieldAndTheSessionGoesOn() throws Exception {
        try (TopModelServer server = server(tinyTops(null), new ArrayList<>())) {
            String at = "localhost:" + server.port();
            SplitModel device = tiny(manager, 1);
            Open good = RemoteTopModel.openRequest(device, CFG, 0f, 10);
            RemoteEndpointException e = assertThrows(RemoteEndpointException.class, () -> RemoteTopModel.connect(at,
                    new Open(SplitProtocol.VERSION, good.baseModel(), 1, good.labels(), "max", 0f, 1, 1e-3f, 0.1f, 0f, 1f,
                            10), 30_000));
            assertTrue(e.getMessage().contains("refused the session: OpenSession.pooling: 'max'"), e.getMessage());
            e = assertThrows(RemoteEndpointException.class, () -> RemoteTopModel.connect(at,
                    new Open(3, good.baseModel(), 1, good.labels(), "mean", 0f, 1, 1e-3f, 0.1f, 0f, 1f, 10), 30_000));
            assertTrue(e.getMessage().contains("OpenSession.protocol_version: 3"), e.getMessage());

            try (RemoteTopModel cloud = RemoteTopModel.connect(at, good, 30_000)) {
                e = assertThrows(RemoteEndpointException.class, () -> cloud.trainStep(new float[10],
                        new long[] {1, 2, 5}, new long[][] {{1, 1}}, new int[] {0}, false));
                assertTrue(e.getMessage().contains("TrainStep.representations: d = 5"), e.getMessage());
                e = assertThrows(RemoteEndpointException.class, () -> cloud.trainStep(new float[64],
                        new long[] {1, 2, 32}, new long[][] {{1, 1}}, new int[] {2}, false));
                assertTrue(e.getMessage().contains("TrainStep.labels[0]: 2 is not a class"), e.getMessage());
                // the session goes on
                float[] reps = new float[64];
                for (int i = 0; i < reps.length; i++) {
                    reps[i] = (float) Math.sin(i);
                }
                TopModelEndpoint.StepResult r = cloud.trainStep(reps, new long[] {1, 2, 32}, new long[][] {{1, 1}},
                        new int[] {1}, true);
                assertTrue(Float.isFinite(r.loss()) && r.loss() > 0, "loss " + r.loss());
                assertEquals(64, r.representationGradient().length, "plain split learning gets its gradient");
                assertEquals(1, cloud.predict(reps, new long[] {1, 2, 32}, new long[][] {{1, 1}}).length);
            }
        }
        IllegalArgumentException model = assertThrows(IllegalArgumentException.class, () -> new ModelTops(manager)
                .open(new Open(1, "bert-base-uncased", 2, List.of("a", "b"), "mean", 0f, 1, 1e-3f, 0.1f, 0f, 1f, 10)));
        assertTrue(model.getMessage().startsWith("OpenSession.base_model: 'bert-base-uncased'"), model.getMessage());
    }

    @Test
    void unreachableEndpointsAndGarbageFramesFailClearly() throws Exception {
        InvalidInputException bad = assertThrows(InvalidInputException.class, () -> RemoteTopModel.parse("localhost"));
        assertEquals("endpoint", bad.field());
        bad = assertThrows(InvalidInputException.class, () -> RemoteTopModel.parse("localhost:99999"));
        assertEquals("port", bad.field());

        int free;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        Open open = new Open(SplitProtocol.VERSION, "x", 1, List.of("a", "b"), "mean", 0f, 1, 1e-3f, 0f, 0f, 1f, 1);
        RemoteEndpointException e = assertThrows(RemoteEndpointException.class,
                () -> RemoteTopModel.connect("localhost:" + free, open, 5_000));
        assertTrue(e.getMessage().startsWith("cannot open a session at localhost:" + free), e.getMessage());

        List<String> log = Collections.synchronizedList(new ArrayList<>());
        TopModelServer.Settings quick = TopModelServer.Settings.defaults().withTimeouts(300, 300);
        try (TopModelServer server = TopModelServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                tinyTops(null), log::add, null, null, quick)) {
            try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                raw.getOutputStream().write(new byte[] {3, (byte) 0xff, (byte) 0xff, (byte) 0xff});
                raw.getOutputStream().flush();
                raw.setSoTimeout(10_000);
                assertTrue(readsToTheEnd(raw.getInputStream()), "the server closes a connection that is not HTTP/2");
            }
            // a connection that never says anything is closed, and so is a call that sends no OpenSession
            try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                silent.setSoTimeout(10_000);
                assertTrue(readsToTheEnd(silent.getInputStream()), "the server closed the silent connection");
            }
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", server.port()).usePlaintext().build();
            try {
                BlockingQueue<Throwable> ended = new LinkedBlockingQueue<>();
                SplitTrainingGrpc.newStub(channel).session(new StreamObserver<>() {
                    @Override
                    public void onNext(org.privtune.protocol.v1.Response r) {
                    }

                    @Override
                    public void onError(Throwable t) {
                        ended.add(t);
                    }

                    @Override
                    public void onCompleted() {
                        ended.add(new AssertionError("completed"));
                    }
                });
                Throwable t = ended.poll(10, TimeUnit.SECONDS);
                assertEquals(Status.Code.DEADLINE_EXCEEDED, Status.fromThrowable(t).getCode(), String.valueOf(t));
                awaitLog(log, "timed out: sent no OpenSession within 300 ms");
                // the standard health service answers, without a session
                assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
                        .check(HealthCheckRequest.newBuilder().setService(TopModelServer.SERVICE).build()).getStatus());
            } finally {
                channel.shutdownNow();
            }
            // and still serves the next device
            SplitModel device = tiny(manager, 1);
            try (RemoteTopModel cloud = RemoteTopModel.connect("localhost:" + server.port(),
                    RemoteTopModel.openRequest(device, CFG, 0f, 10), 30_000)) {
                assertFalse(cloud.topWeights().isEmpty());
            }
        }
    }

    /** True when the stream ends (the peer closed the connection) within the socket's timeout. */
    static boolean readsToTheEnd(InputStream in) throws IOException {
        byte[] b = new byte[4096];
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            if (in.read(b) == -1) {
                return true;
            }
        }
        return false;
    }

    private static void awaitLog(List<String> log, String part) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            synchronized (log) {
                if (log.stream().anyMatch(l -> l.contains(part))) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no log line with '" + part + "' in " + log);
    }
}
