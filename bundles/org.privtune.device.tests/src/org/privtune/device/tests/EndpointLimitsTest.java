package org.privtune.device.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.cloud.TopModelServer;
import org.privtune.core.Progress;
import org.privtune.device.RemoteTopModel;
import org.privtune.device.RemoteTopModel.RemoteEndpointException;
import org.privtune.model.DeviceTransform;
import org.privtune.model.SplitModel;
import org.privtune.model.SplitTrainer;
import org.privtune.model.TopModelEndpoint;
import org.privtune.model.TrainingReport;
import org.privtune.protocol.EndpointKeys;
import org.privtune.protocol.GrpcTransport;
import org.privtune.protocol.SplitProtocol;
import org.privtune.protocol.SplitProtocol.FloatTensor;
import org.privtune.protocol.SplitProtocol.Open;
import org.privtune.protocol.SplitProtocol.Predict;
import org.privtune.protocol.SplitProtocol.TrainStep;
import org.privtune.protocol.TransportSecurity;
import org.privtune.protocol.v1.SplitTrainingGrpc;
import org.privtune.protocol.v1.Tensor;

/**
 * The endpoint's bounds against a real server on the loopback interface: sessions, message size,
 * checks before allocation (before the token too), values the top would train on, and a fuzz run
 * of 10,000 random and mutated messages after which a real training still succeeds.
 */
class EndpointLimitsTest {

    /** Raw bytes as the messages of the Session method, to send what no generated client would. */
    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final MethodDescriptor<byte[], byte[]> RAW_SESSION = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName(SplitTrainingGrpc.getSessionMethod().getFullMethodName())
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

    static final TopModelServer.Settings SMALL = TopModelServer.Settings.defaults().withMaxSessions(2)
            .withRequestLimits(8, 16, 4);

    static TopModelServer server(List<String> log, TopModelServer.Settings settings) throws IOException {
        return TopModelServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                RemoteTopModelTest.tinyTops(null), log::add, null, null, settings);
    }

    static Open open(long seed) {
        SplitModel device = RemoteTopModelTest.tiny(RemoteTopModelTest.manager, seed);
        return RemoteTopModel.openRequest(device, RemoteTopModelTest.CFG, 0f, 100);
    }

    /** What a raw call got back: answers, and how it ended. */
    record Outcome(List<byte[]> answers, Status status) {
    }

    /** Sends {@code messages} on one call, half-closes, and waits for the end (at most 60 s). */
    static Outcome rawCall(ManagedChannel channel, CallOptions options, List<byte[]> messages)
            throws InterruptedException {
        List<byte[]> answers = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Status> end = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<byte[]> out = ClientCalls.asyncBidiStreamingCall(channel.newCall(RAW_SESSION, options),
                new StreamObserver<>() {
                    @Override
                    public void onNext(byte[] value) {
                        answers.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        end.set(Status.fromThrowable(t));
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        end.set(Status.OK);
                        done.countDown();
                    }
                });
        try {
            for (byte[] m : messages) {
                out.onNext(m);
            }
            out.onCompleted();
        } catch (RuntimeException e) {
            // the server ended the call already
        }
        assertTrue(done.await(60, TimeUnit.SECONDS), "the call ends");
        return new Outcome(answers, end.get());
    }

    static ManagedChannel plain(TopModelServer server) {
        return NettyChannelBuilder.forAddress("localhost", server.port()).usePlaintext()
                .maxInboundMessageSize(64 << 20).build();
    }

    /** Resident memory of this JVM (the server's process), from /proc. */
    static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }

    @Test
    void sessionsBeyondTheLimitAreRefusedUntilOneEnds() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        try (TopModelServer server = server(log, SMALL)) {
            String at = "localhost:" + server.port();
            RemoteTopModel a = RemoteTopModel.connect(at, open(1), 30_000);
            try (RemoteTopModel b = RemoteTopModel.connect(at, open(2), 30_000)) {
                RemoteEndpointException e = assertThrows(RemoteEndpointException.class,
                        () -> RemoteTopModel.connect(at, open(3), 30_000));
                assertTrue(e.getMessage().contains("refused the session: this endpoint has 2 sessions open, its limit"),
                        e.getMessage());
                assertTrue(e.connectionLost(), "a full endpoint is worth trying again later");
                assertEquals(2, server.sessionsOpen());
                a.close();
                awaitOpen(server, 1);
                try (RemoteTopModel c = RemoteTopModel.connect(at, open(3), 30_000)) {
                    assertEquals(2, server.sessionsOpen());
                    assertNotNull(c.session().session());
                }
            }
            awaitOpen(server, 0);
        }
    }

    @Test
    void valuesTheTopWouldTrainOnAreRefusedAndTheSessionGoesOn() throws Exception {
        try (TopModelServer server = server(new ArrayList<>(), SMALL);
                RemoteTopModel cloud = RemoteTopModel.connect("localhost:" + server.port(), open(5), 30_000)) {
            float[] reps = new float[64];
            for (int i = 0; i < reps.length; i++) {
                reps[i] = (float) Math.sin(i);
            }
            long[] shape = {1, 2, 32};
            float[] nan = reps.clone();
            nan[40] = Float.NaN;
            RemoteEndpointException e = assertThrows(RemoteEndpointException.class,
                    () -> cloud.trainStep(nan, shape, new long[][] {{1, 1}}, new int[] {0}, false));
            assertTrue(e.getMessage().contains("TrainStep.representations: NaN at sentence 0, token 1, dimension 8"),
                    e.getMessage());
            e = assertThrows(RemoteEndpointException.class,
                    () -> cloud.trainStep(reps, shape, new long[][] {{1, -1}}, new int[] {0}, false));
            assertTrue(e.getMessage().contains("TrainStep.attention_mask: -1 at sentence 0, token 1 (0 or 1)"),
                    e.getMessage());
            long[][] longRow = new long[1][17];
            java.util.Arrays.fill(longRow[0], 1);
            e = assertThrows(RemoteEndpointException.class,
                    () -> cloud.predict(new float[17 * 32], new long[] {1, 17, 32}, longRow));
            assertTrue(e.getMessage().contains("Predict.representations: T = 17"), e.getMessage()); // 16 at most
            e = assertThrows(RemoteEndpointException.class, () -> cloud.predict(new float[9 * 32 * 2],
                    new long[] {9, 2, 32}, new long[9][2]));
            assertTrue(e.getMessage().contains("Predict.representations: B = 9"), e.getMessage());
            float[] huge = reps.clone();
            java.util.Arrays.fill(huge, 3e38f);
            e = assertThrows(RemoteEndpointException.class,
                    () -> cloud.trainStep(huge, shape, new long[][] {{1, 1}}, new int[] {0}, false));
            assertTrue(e.getMessage().contains("the step was not applied"), e.getMessage());
            // the session goes on, its weights untouched by what was refused
            TopModelEndpoint.StepResult r = cloud.trainStep(reps, shape, new long[][] {{1, 1}}, new int[] {1}, false);
            assertTrue(Float.isFinite(r.loss()) && r.loss() > 0, "loss " + r.loss());
            for (float[] w : cloud.topWeights().values()) {
                for (float v : w) {
                    assertTrue(Float.isFinite(v), "the top's weights stay finite");
                }
            }
        }
    }

    @Test
    void nothingIsReadBeforeTheTokenAndNothingLargeBeforeTheChecks(@TempDir Path dir) throws Exception {
        EndpointKeys.Generated keys = EndpointKeys.generate(dir.resolve("k"), "localhost", "pass-word".toCharArray(), 2);
        String token = TransportSecurity.readToken(keys.token());
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        // a 24-byte request declaring a mask of [2^26, 0]
        byte[] bomb = org.privtune.protocol.v1.Request.newBuilder().setTrainStep(org.privtune.protocol.v1.TrainStep
                .newBuilder().setAttentionMask(Tensor.newBuilder().addShape(1L << 26).addShape(0))
                .setRepresentations(Tensor.newBuilder().addShape(1L << 26).addShape(0).addShape(32))).build()
                .toByteArray();
        assertTrue(bomb.length <= 32, bomb.length + " bytes");
        try (TopModelServer server = TopModelServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                RemoteTopModelTest.tinyTops(null), log::add, TransportSecurity.server(keys.keyStore(),
                        "pass-word".toCharArray()), token, SMALL)) {
            ManagedChannel tls = NettyChannelBuilder.forAddress("localhost", server.port())
                    .sslContext(GrpcTransport.clientTls(TransportSecurity.client(keys.certificate(), new char[0])))
                    .build();
            try {
                long before = rssBytes();
                Outcome noToken = rawCall(tls, CallOptions.DEFAULT, List.of(bomb, bomb, bomb));
                assertEquals(Status.Code.UNAUTHENTICATED, noToken.status().getCode(), noToken.status().toString());
                assertEquals("access token: this endpoint requires one", noToken.status().getDescription());
                Outcome wrongToken = rawCall(tls, CallOptions.DEFAULT.withCallCredentials(GrpcTransport.bearer("guess")),
                        List.of(bomb));
                assertEquals(Status.Code.UNAUTHENTICATED, wrongToken.status().getCode());
                // with the token, the shape is refused from the 24 bytes, naming the field
                Outcome withToken = rawCall(tls, CallOptions.DEFAULT.withCallCredentials(GrpcTransport.bearer(token)),
                        List.of(bomb));
                assertEquals(Status.Code.INVALID_ARGUMENT, withToken.status().getCode());
                assertTrue(withToken.status().getDescription().startsWith("TrainStep.representations: B = 67108864"),
                        withToken.status().getDescription());
                // a message larger than the largest legal request is refused by the transport
                byte[] large = new byte[server.limits().maxRequestBytes() + 1024];
                Outcome tooLarge = rawCall(tls, CallOptions.DEFAULT.withCallCredentials(GrpcTransport.bearer(token)),
                        List.of(large));
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, tooLarge.status().getCode(), tooLarge.status().toString());
                assertTrue(rssBytes() - before < 64L << 20, "no large allocation: RSS grew by "
                        + (rssBytes() - before) / (1 << 20) + " MiB");
                assertEquals(0, server.sessionsOpened());
            } finally {
                tls.shutdownNow();
            }
        }
        synchronized (log) {
            assertTrue(log.stream().anyMatch(l -> l.endsWith("no access token")), String.join("\n", log));
            assertTrue(log.stream().anyMatch(l -> l.endsWith("wrong access token")), String.join("\n", log));
        }
    }

    /**
     * 10,000 messages (fixed seed): random bytes, valid messages with bytes flipped, cut or
     * appended, and valid structures with extreme shapes and values, in 100 calls of 100, half of
     * them after a valid OpenSession. The endpoint answers or ends each call, never fails inside,
     * stays within a stated memory bound, and trains a real session afterwards.
     */
    @Test
    void tenThousandRandomAndMutatedMessagesLeaveTheEndpointServing() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        TopModelServer.Settings settings = SMALL.withMaxSessions(4);
        try (TopModelServer server = server(log, settings)) {
            ManagedChannel channel = plain(server);
            Random rnd = new Random(20_261_207L);
            byte[] validOpen = SplitProtocol.encode(open(7));
            List<byte[]> seeds = List.of(validOpen, SplitProtocol.encode(new TrainStep(ramp(rnd, 2, 3, 32),
                    new long[][] {{1, 1, 1}, {1, 1, 0}}, new int[] {0, 1}, false)),
                    SplitProtocol.encode(new Predict(ramp(rnd, 1, 4, 32), new long[][] {{1, 1, 1, 1}})),
                    SplitProtocol.encode(new SplitProtocol.Checkpoint(true)),
                    SplitProtocol.encode(new SplitProtocol.FetchWeights()));
            long before = rssBytes();
            AtomicInteger sent = new AtomicInteger();
            int answered = 0;
            int ended = 0;
            try {
                for (int call = 0; call < 100; call++) {
                    List<byte[]> messages = new ArrayList<>();
                    if (call % 2 == 0) {
                        messages.add(validOpen);
                    }
                    while (messages.size() < 100) {
                        messages.add(fuzz(rnd, seeds));
                    }
                    sent.addAndGet(messages.size());
                    Outcome o = rawCall(channel, CallOptions.DEFAULT, messages);
                    answered += o.answers().size();
                    ended += o.status().isOk() ? 0 : 1;
                    // ended by the endpoint only for what it refuses before a session is open, naming it
                    assertTrue(o.status().isOk() || o.status().getCode() == Status.Code.INVALID_ARGUMENT
                            || o.status().getCode() == Status.Code.FAILED_PRECONDITION, "call " + call + ": "
                                    + o.status());
                    assertTrue(call % 2 == 1 || o.status().isOk(), "call " + call + " opened a session, which goes on"
                            + " after every refusal: " + o.status());
                }
            } finally {
                channel.shutdownNow();
            }
            assertEquals(10_000, sent.get());
            assertTrue(answered > 3_000, answered + " answers: the opened calls went on after refusals");
            assertTrue(ended > 10, ended + " calls ended by the endpoint");
            long grown = rssBytes() - before;
            assertTrue(grown < 512L << 20, "RSS grew by " + grown / (1 << 20) + " MiB (bound: 512 MiB)");
            awaitOpen(server, 0);
            synchronized (log) {
                assertFalse(log.stream().anyMatch(l -> l.contains("server error")), String.join("\n", log));
            }
            // and a real training still succeeds
            SplitModel device = RemoteTopModelTest.tiny(RemoteTopModelTest.manager, 9);
            int total = SplitTrainer.totalSteps(48, RemoteTopModelTest.CFG);
            try (RemoteTopModel cloud = RemoteTopModel.connect("localhost:" + server.port(),
                    RemoteTopModel.openRequest(device, RemoteTopModelTest.CFG, 0f, total), 30_000)) {
                TrainingReport report = new SplitTrainer(device, RemoteTopModelTest.tokenizer, RemoteTopModelTest.manager)
                        .train(RemoteTopModelTest.toy(48, 0), RemoteTopModelTest.toy(16, 1), RemoteTopModelTest.CFG,
                                DeviceTransform.IDENTITY, cloud, Progress.NONE);
                assertTrue(report.bestDev().accuracy() >= 0.9, "trained after the fuzz: " + report.bestDev());
            }
        }
    }

    static FloatTensor ramp(Random rnd, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        float[] d = new float[(int) n];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rnd.nextGaussian();
        }
        return new FloatTensor(shape, d);
    }

    /** One fuzzed message. */
    static byte[] fuzz(Random rnd, List<byte[]> seeds) {
        byte[] base = seeds.get(rnd.nextInt(seeds.size()));
        switch (rnd.nextInt(6)) {
            case 0 -> { // random bytes
                byte[] b = new byte[rnd.nextInt(64)];
                rnd.nextBytes(b);
                return b;
            }
            case 1 -> { // flipped bytes
                byte[] b = base.clone();
                for (int k = 1 + rnd.nextInt(3); k > 0 && b.length > 0; k--) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
                return b;
            }
            case 2 -> { // cut
                return java.util.Arrays.copyOf(base, base.length == 0 ? 0 : rnd.nextInt(base.length));
            }
            case 3 -> { // garbage appended (unknown fields, or broken ones)
                byte[] tail = new byte[1 + rnd.nextInt(16)];
                rnd.nextBytes(tail);
                byte[] b = java.util.Arrays.copyOf(base, base.length + tail.length);
                System.arraycopy(tail, 0, b, base.length, tail.length);
                return b;
            }
            case 4 -> { // extreme shapes, declared without the bytes
                long[] dims = {0, 1, 2, 4, 8, 9, 17, 32, 1L << 26, 1L << 40, -1, Long.MAX_VALUE};
                Tensor.Builder t = Tensor.newBuilder();
                for (int k = rnd.nextInt(5); k > 0; k--) {
                    t.addShape(dims[rnd.nextInt(dims.length)]);
                }
                Tensor.Builder m = Tensor.newBuilder().addShape(dims[rnd.nextInt(dims.length)])
                        .addShape(dims[rnd.nextInt(dims.length)]);
                var step = org.privtune.protocol.v1.TrainStep.newBuilder().setRepresentations(t).setAttentionMask(m);
                for (int k = rnd.nextInt(4); k > 0; k--) {
                    step.addLabels(rnd.nextInt(5) - 2);
                }
                return org.privtune.protocol.v1.Request.newBuilder().setTrainStep(step).build().toByteArray();
            }
            default -> { // a well-formed step with odd values
                float[] odd = {Float.NaN, Float.POSITIVE_INFINITY, 3e38f, -3e38f, 0f, 1e-38f, 1f};
                FloatTensor reps = ramp(rnd, 2, 3, 32);
                for (int k = rnd.nextInt(4); k > 0; k--) {
                    reps.data()[rnd.nextInt(reps.data().length)] = odd[rnd.nextInt(odd.length)];
                }
                long[][] mask = new long[2][3];
                for (long[] row : mask) {
                    for (int j = 0; j < row.length; j++) {
                        row[j] = rnd.nextInt(10) == 0 ? rnd.nextInt(5) - 2 : 1;
                    }
                }
                return SplitProtocol.encode(new TrainStep(reps, mask, new int[] {rnd.nextInt(3), rnd.nextInt(2)},
                        rnd.nextBoolean()));
            }
        }
    }

    static void awaitOpen(TopModelServer server, int n) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (server.sessionsOpen() != n && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(n, server.sessionsOpen(), "sessions open");
    }
}
