package org.privtune.device.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.cloud.TopModelServer;
import org.privtune.device.RemoteTopModel;
import org.privtune.device.RemoteTopModel.RemoteEndpointException;
import org.privtune.model.SplitModel;
import org.privtune.model.TopModelEndpoint;
import org.privtune.protocol.SplitProtocol.Open;
import org.privtune.core.InvalidInputException;
import org.privtune.protocol.EndpointKeys;
import org.privtune.protocol.GrpcTransport;
import org.privtune.protocol.TransportSecurity;

/** TLS 1.3 with a pinned certificate and the access token, against a real endpoint on localhost. */
class TransportSecurityTest {

    private static final String PASS = "test-store-pass";
    private static final String TOKEN = "s3cret-token-for-the-test";

    /** A PKCS#12 key store with an EC key for localhost and its certificate as PEM. */
    static Path[] keyAndCert(Path dir, String name) throws IOException {
        EndpointKeys.Generated g = EndpointKeys.generate(dir.resolve(name), "localhost", PASS.toCharArray(), 2);
        assertTrue(TransportSecurity.readToken(g.token()).length() >= 32, "a random token of 24 bytes");
        return new Path[] {g.keyStore(), g.certificate()};
    }

    @Test
    void keysArePrivateAndNotOverwritten(@TempDir Path dir) throws IOException {
        keyAndCert(dir, "cloud");
        for (String secret : new String[] {"cloud/cloud.p12", "cloud/token.txt"}) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    java.nio.file.Files.getPosixFilePermissions(dir.resolve(secret))), secret + " is private");
        }
        byte[] before = java.nio.file.Files.readAllBytes(dir.resolve("cloud/cloud.p12"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EndpointKeys.generate(dir.resolve("cloud"), "localhost", PASS.toCharArray(), 2));
        assertTrue(e.getMessage().endsWith("cloud.p12: exists; choose another folder (nothing was written)"),
                e.getMessage());
        assertArrayEquals(before, java.nio.file.Files.readAllBytes(dir.resolve("cloud/cloud.p12")));
        e = assertThrows(IllegalArgumentException.class,
                () -> EndpointKeys.generate(dir.resolve("x"), "localhost", "short".toCharArray(), 2));
        assertTrue(e.getMessage().startsWith("password:"), e.getMessage());
    }

    @Test
    void tlsWithATokenTrainsAndRefusesTheWrongCertificateTokenOrPlainText(@TempDir Path dir) throws Exception {
        Path[] cloud = keyAndCert(dir, "cloud");
        Path[] other = keyAndCert(dir, "other");
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        try (TopModelServer server = TopModelServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                RemoteTopModelTest.tinyTops(null), log::add, TransportSecurity.server(cloud[0], PASS.toCharArray()),
                TOKEN)) {
            assertTrue(server.isTls());
            String at = "localhost:" + server.port();
            SplitModel device = RemoteTopModelTest.tiny(RemoteTopModelTest.manager, 4);
            Open open = RemoteTopModel.openRequest(device, RemoteTopModelTest.CFG, 0f, 10);
            var trusted = TransportSecurity.client(cloud[1], new char[0]);

            try (RemoteTopModel remote = RemoteTopModel.connect(new RemoteTopModel.Connection(at, trusted, TOKEN,
                    30_000, 1 << 20), open)) {
                float[] reps = new float[64];
                for (int i = 0; i < reps.length; i++) {
                    reps[i] = (float) Math.cos(i);
                }
                TopModelEndpoint.StepResult r = remote.trainStep(reps, new long[] {1, 2, 32}, new long[][] {{1, 1}},
                        new int[] {0}, false);
                assertTrue(Float.isFinite(r.loss()), "a step over TLS");
                assertEquals(1, remote.predict(reps, new long[] {1, 2, 32}, new long[][] {{1, 1}}).length);
            }
            RemoteEndpointException e = assertThrows(RemoteEndpointException.class, () -> RemoteTopModel.connect(
                    new RemoteTopModel.Connection(at, trusted, "guess", 30_000, 1 << 20), open));
            assertTrue(e.getMessage().contains("refused the session: access token: not this endpoint's token"),
                    e.getMessage());
            e = assertThrows(RemoteEndpointException.class, () -> RemoteTopModel.connect(at, open, 30_000, trusted));
            assertTrue(e.getMessage().contains("access token: this endpoint requires one"), e.getMessage());
            e = assertThrows(RemoteEndpointException.class, () -> RemoteTopModel.connect(new RemoteTopModel.Connection(
                    at, TransportSecurity.client(other[1], new char[0]), TOKEN, 30_000, 1 << 20), open));
            assertTrue(e.getMessage().startsWith("TLS handshake with " + at + " failed"), e.getMessage());
            e = assertThrows(RemoteEndpointException.class, () -> RemoteTopModel.connect(at, open, 30_000));
            assertTrue(e.getMessage().contains("needs TLS on the device too"), e.getMessage());
            // the device never sends the token without TLS: refused before connecting ...
            InvalidInputException clear = assertThrows(InvalidInputException.class,
                    () -> new RemoteTopModel.Connection(at, null, TOKEN, 30_000, 1 << 20));
            assertEquals("token", clear.field());
            assertEquals(1, server.sessionsOpened(), "only the session with the right certificate and token opened");
        }
        synchronized (log) {
            assertFalse(log.isEmpty());
            for (String line : log) {
                assertFalse(line.contains(TOKEN), "the token never reaches the log: " + line);
            }
            assertTrue(log.stream().anyMatch(l -> l.contains("wrong access token")), String.join("\n", log));
        }
    }

    @Test
    void aPlainEndpointRefusesATlsDevice(@TempDir Path dir) throws Exception {
        Path[] cloud = keyAndCert(dir, "cloud");
        try (TopModelServer server = TopModelServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                RemoteTopModelTest.tinyTops(null), l -> { })) {
            SplitModel device = RemoteTopModelTest.tiny(RemoteTopModelTest.manager, 4);
            RemoteEndpointException e = assertThrows(RemoteEndpointException.class, () -> RemoteTopModel.connect(
                    "localhost:" + server.port(), RemoteTopModel.openRequest(device, RemoteTopModelTest.CFG, 0f, 10),
                    30_000, TransportSecurity.client(cloud[1], new char[0])));
            assertTrue(e.getMessage().startsWith("TLS handshake with localhost:" + server.port() + " failed"),
                    e.getMessage());
            assertEquals(0, server.sessionsOpened());
            // the call credentials themselves refuse to travel on a plain channel
            ManagedChannel plain = NettyChannelBuilder.forAddress("localhost", server.port()).usePlaintext().build();
            try {
                StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                        () -> HealthGrpc.newBlockingStub(plain).withCallCredentials(GrpcTransport.bearer(TOKEN))
                                .check(HealthCheckRequest.getDefaultInstance()));
                assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
                assertTrue(refused.getStatus().getDescription().contains("sent only over TLS"),
                        refused.getStatus().getDescription());
            } finally {
                plain.shutdownNow();
            }
        }
    }

    @Test
    void theHealthServiceAloneIsServedPlainBesideATlsEndpoint(@TempDir Path dir) throws Exception {
        Path[] cloud = keyAndCert(dir, "cloud");
        TopModelServer server = TopModelServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                RemoteTopModelTest.tinyTops(null), line -> { }, TransportSecurity.server(cloud[0], PASS.toCharArray()),
                TOKEN);
        int healthPort = server.serveHealth(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ManagedChannel plain = NettyChannelBuilder.forAddress("localhost", healthPort).usePlaintext().build();
        try {
            for (String service : new String[] {"", TopModelServer.SERVICE}) {
                assertEquals(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING, HealthGrpc
                        .newBlockingStub(plain).withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
                        .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus(), service);
            }
            // nothing but health there: the training service is not on the plain port, without or with the token
            SplitModel device = RemoteTopModelTest.tiny(RemoteTopModelTest.manager, 4);
            RemoteEndpointException e = assertThrows(RemoteEndpointException.class, () -> RemoteTopModel.connect(
                    "localhost:" + healthPort, RemoteTopModel.openRequest(device, RemoteTopModelTest.CFG, 0f, 10),
                    10_000));
            assertTrue(e.getMessage().contains("UNIMPLEMENTED"), e.getMessage());
            server.close();
            StatusRuntimeException gone = assertThrows(StatusRuntimeException.class, () -> HealthGrpc
                    .newBlockingStub(plain).withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService(TopModelServer.SERVICE).build()));
            // the port is closed (UNAVAILABLE), the service already withdrawn (NOT_FOUND), or the
            // connection was reset by the closing server under the call (INTERNAL, RST_STREAM)
            Status.Code code = gone.getStatus().getCode();
            String why = String.valueOf(gone.getStatus().getDescription());
            assertTrue(code == Status.Code.UNAVAILABLE || code == Status.Code.NOT_FOUND
                    || (code == Status.Code.INTERNAL && why.contains("RST_STREAM")), gone.getStatus().toString());
        } finally {
            plain.shutdownNow();
            server.close();
        }
    }
}
