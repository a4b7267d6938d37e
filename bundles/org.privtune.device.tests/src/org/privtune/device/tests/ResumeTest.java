package org.privtune.device.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.cloud.TopModelServer;
import org.privtune.core.Progress;
import org.privtune.device.RemoteTopModel;
import org.privtune.model.DeviceTransform;
import org.privtune.model.SplitModel;
import org.privtune.model.SplitTrainer;
import org.privtune.model.TrainingReport;

/**
 * A session survives its connection and its endpoint: the endpoint checkpoints it (every 3
 * requests, when the device goes away, at shutdown), the device reconnects with back-off, resumes
 * and sends again what the checkpoint lacks. The training ends with the same bits as one without
 * faults (dropout on), through a relay on the loopback interface that cuts connections, and
 * across an endpoint that is stopped and replaced by another that only has an older checkpoint
 * (the state a kill -9 leaves).
 */
class ResumeTest {

    static final int EVERY = 3;

    /** Epoch losses, dev accuracies and the trained top of one training through {@code port}. */
    record Result(double[] losses, double[] dev, Map<String, float[]> top, int resumes, long redone) {
    }

    static Result train(int port, Runnable duringTraining) {
        SplitModel device = RemoteTopModelTest.tiny(RemoteTopModelTest.manager, 9);
        int total = SplitTrainer.totalSteps(48, RemoteTopModelTest.CFG);
        try (RemoteTopModel cloud = RemoteTopModel.connect(new RemoteTopModel.Connection("localhost:" + port, null,
                null, 30_000, 1 << 20, 60_000), RemoteTopModel.openRequest(device, RemoteTopModelTest.CFG, 0.1f,
                        total))) {
            Thread chaos = new Thread(duringTraining, "chaos");
            chaos.start();
            TrainingReport report = new SplitTrainer(device, RemoteTopModelTest.tokenizer, RemoteTopModelTest.manager)
                    .train(RemoteTopModelTest.toy(48, 0), RemoteTopModelTest.toy(16, 1), RemoteTopModelTest.CFG,
                            DeviceTransform.IDENTITY, cloud, Progress.NONE);
            chaos.interrupt();
            double[] losses = report.epochs().stream().mapToDouble(TrainingReport.Epoch::trainLoss).toArray();
            double[] dev = report.epochs().stream().mapToDouble(e -> e.dev().accuracy()).toArray();
            return new Result(losses, dev, cloud.topWeights(), cloud.resumes(), cloud.requestsRedone());
        }
    }

    static TopModelServer server(Path checkpoints, List<String> log) throws Exception {
        TopModelServer.Settings s = TopModelServer.Settings.defaults();
        if (checkpoints != null) {
            s = s.withCheckpoints(checkpoints, EVERY);
        }
        return TopModelServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                RemoteTopModelTest.tinyTops(null), log::add, null, null, s);
    }

    static Result reference() throws Exception {
        try (TopModelServer plain = server(null, new ArrayList<>())) {
            return train(plain.port(), () -> { });
        }
    }

    static void assertSame(Result want, Result got) {
        assertArrayEquals(want.losses(), got.losses(), "every epoch's training loss");
        assertArrayEquals(want.dev(), got.dev(), "every epoch's dev accuracy");
        assertEquals(want.top().keySet(), got.top().keySet());
        for (String name : want.top().keySet()) {
            assertArrayEquals(want.top().get(name), got.top().get(name), name);
        }
    }

    @Test
    void cutConnectionsAreResumedAndTheTrainingIsTheSame(@TempDir Path dir) throws Exception {
        Result want = reference();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        try (TopModelServer server = server(dir.resolve("ckpt"), log); Relay relay = new Relay(server.port())) {
            Result got = train(relay.port(), () -> {
                try {
                    for (int cut = 1; cut <= 3; cut++) {
                        long at = relay.bytesToEndpoint() + 60_000;
                        while (relay.bytesToEndpoint() < at) {
                            Thread.sleep(5);
                        }
                        relay.cut();
                    }
                } catch (InterruptedException e) {
                    // the training ended first
                }
            });
            assertTrue(got.resumes() >= 1, "resumed " + got.resumes() + " times\n" + String.join("\n", log));
            assertSame(want, got);
            assertTrue(got.redone() <= (long) got.resumes() * EVERY, got.redone() + " requests sent again");
        }
        synchronized (log) {
            assertTrue(log.stream().anyMatch(l -> l.contains("resumed at request")), String.join("\n", log));
        }
        try (Stream<Path> left = Files.list(dir.resolve("ckpt"))) {
            assertEquals(0, left.count(), "a session that ended as its device wanted leaves no checkpoint");
        }
    }

    @Test
    void anEndpointReplacedWithAnOlderCheckpointLosesAtMostItsInterval(@TempDir Path dir) throws Exception {
        Result want = reference();
        Path live = dir.resolve("live");
        Path killed = Files.createDirectories(dir.resolve("as-left-by-kill-9"));
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        TopModelServer first = server(live, log);
        TopModelServer[] second = new TopModelServer[1];
        try (Relay relay = new Relay(first.port())) {
            Result got = train(relay.port(), () -> {
                try {
                    // the first periodic checkpoint, as a kill -9 would leave it on disk ...
                    Path ckpt = null;
                    while (ckpt == null) {
                        Thread.sleep(2);
                        try (Stream<Path> s = Files.list(live)) {
                            ckpt = s.filter(p -> p.toString().endsWith(".ckpt")).findFirst().orElse(null);
                        } catch (java.io.IOException e) {
                            // not made yet
                        }
                    }
                    Files.copy(ckpt, killed.resolve(ckpt.getFileName()));
                    // ... while the device goes on for a few more steps
                    long at = relay.bytesToEndpoint() + 20_000;
                    while (relay.bytesToEndpoint() < at) {
                        Thread.sleep(2);
                    }
                    first.close();
                    relay.cut();
                    second[0] = server(killed, log);
                    relay.retarget(second[0].port());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertEquals(1, got.resumes(), String.join("\n", log));
            assertTrue(got.redone() >= 1 && got.redone() <= EVERY, got.redone() + " requests sent again (the"
                    + " checkpoint was older than the device's last answer, by at most " + EVERY + ")");
            assertSame(want, got);
        } finally {
            first.close();
            if (second[0] != null) {
                second[0].close();
            }
        }
        assertFalse(log.stream().anyMatch(l -> l.contains("checkpoint not written")), String.join("\n", log));
    }
}
