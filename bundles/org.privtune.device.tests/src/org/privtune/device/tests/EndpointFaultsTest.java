package org.privtune.device.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.privtune.cloud.ModelTops;
import org.privtune.cloud.TopModelServer;
import org.privtune.device.RemoteTopModel;
import org.privtune.device.RemoteTopModel.RemoteEndpointException;
import org.privtune.model.InProcessTopModel;
import org.privtune.model.SplitModel;

/** Shutdown under load, and a silent endpoint, with real sockets on the loopback interface. */
class EndpointFaultsTest {

    static float[] reps(int n, int salt) {
        float[] r = new float[n];
        for (int i = 0; i < n; i++) {
            r[i] = (float) Math.sin(i * 0.37 + salt);
        }
        return r;
    }

    /**
     * Three devices step as fast as they can; the endpoint is closed under them and its engine
     * manager right after (what SIGTERM does in ./privtune cloud). close() returns only when no
     * engine work runs, so closing the manager does not pull memory from under a step; every device
     * hears that the endpoint is going, and the sessions are freed.
     */
    @Test
    void closingUnderRunningStepsFreesEverySessionAndThenTheEngine() throws Exception {
        NDManager engineMemory = Engine.getEngine("PyTorch").newBaseManager();
        TopModelServer.TopFactory tops = o -> {
            ModelTops.check(o);
            NDManager m = engineMemory.newSubManager();
            SplitModel model = RemoteTopModelTest.tiny(m, o.seed());
            InProcessTopModel top = ModelTops.trainer(model, m, o);
            return ModelTops.hosted(top, model, m);
        };
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        List<String> deviceErrors = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger steps = new AtomicInteger();
        TopModelServer server = TopModelServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), tops,
                log::add);
        List<Thread> devices = new ArrayList<>();
        for (int d = 0; d < 3; d++) {
            int salt = d;
            Thread t = new Thread(() -> {
                SplitModel device = RemoteTopModelTest.tiny(RemoteTopModelTest.manager, salt);
                try (RemoteTopModel cloud = RemoteTopModel.connect("localhost:" + server.port(),
                        RemoteTopModel.openRequest(device, RemoteTopModelTest.CFG, 0.1f, 100_000), 30_000)) {
                    while (true) {
                        cloud.trainStep(reps(8 * 16 * 32, salt), new long[] {8, 16, 32}, ones(8, 16),
                                new int[] {0, 1, 0, 1, 0, 1, 0, 1}, false);
                        steps.incrementAndGet();
                    }
                } catch (RemoteEndpointException e) {
                    deviceErrors.add(e.connectionLost() + ": " + e.getMessage());
                }
            });
            t.start();
            devices.add(t);
        }
        long end = System.nanoTime() + 30_000_000_000L;
        while (steps.get() < 30 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertTrue(steps.get() >= 30, "the devices are training: " + steps.get() + " steps");
        server.close();
        engineMemory.close(); // crashes the JVM if a step still ran on memory of this manager
        for (Thread t : devices) {
            t.join(30_000);
            assertFalse(t.isAlive(), "every device stops");
        }
        assertEquals(3, deviceErrors.size(), String.join("\n", deviceErrors));
        for (String e : deviceErrors) { // told that the endpoint went away (not that it refused a step)
            assertTrue(e.startsWith("true: "), e);
        }
        assertEquals(3, server.sessionsClosed(), String.join("\n", log));
        assertEquals(0, server.sessionsOpen());
        synchronized (log) {
            assertFalse(log.stream().anyMatch(l -> l.contains("server error")), String.join("\n", log));
        }
        // the engine goes on for the rest of the process
        try (TopModelServer next = TopModelServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                RemoteTopModelTest.tinyTops(null), l -> { });
                RemoteTopModel cloud = RemoteTopModel.connect("localhost:" + next.port(),
                        RemoteTopModel.openRequest(RemoteTopModelTest.tiny(RemoteTopModelTest.manager, 1),
                                RemoteTopModelTest.CFG, 0f, 10), 30_000)) {
            assertTrue(Float.isFinite(cloud.trainStep(reps(64, 0), new long[] {1, 2, 32}, ones(1, 2), new int[] {1},
                    false).loss()));
        }
    }

    /**
     * An endpoint that stops answering (SIGSTOP, a cut cable) while the connection stays open is
     * reported by the device within 30 s, whatever its answer timeout: keepalive pings go
     * unanswered.
     */
    @Test
    void aSilentEndpointIsReportedWithinThirtySeconds() throws Exception {
        try (TopModelServer server = TopModelServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                RemoteTopModelTest.tinyTops(null), l -> { });
                Relay relay = new Relay(server.port())) {
            SplitModel device = RemoteTopModelTest.tiny(RemoteTopModelTest.manager, 2);
            try (RemoteTopModel cloud = RemoteTopModel.connect(new RemoteTopModel.Connection("localhost:" + relay.port(),
                    null, null, 600_000, 1 << 20), RemoteTopModel.openRequest(device, RemoteTopModelTest.CFG, 0f, 10))) {
                cloud.trainStep(reps(64, 0), new long[] {1, 2, 32}, ones(1, 2), new int[] {1}, false);
                relay.freeze();
                long t0 = System.nanoTime();
                RemoteEndpointException e = org.junit.jupiter.api.Assertions.assertThrows(RemoteEndpointException.class,
                        () -> cloud.trainStep(reps(64, 1), new long[] {1, 2, 32}, ones(1, 2), new int[] {0}, false));
                double s = (System.nanoTime() - t0) / 1e9;
                assertTrue(s < 30, "reported after " + s + " s: " + e.getMessage());
                assertTrue(e.connectionLost(), e.getMessage());
                assertTrue(e.getMessage().contains("failed during TrainStep"), e.getMessage());
            }
        }
    }

    static long[][] ones(int b, int t) {
        long[][] m = new long[b][t];
        for (long[] row : m) {
            java.util.Arrays.fill(row, 1);
        }
        return m;
    }
}
