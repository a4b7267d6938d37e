package org.privtune.device.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.privtune.cloud.TopModelServer;

/**
 * The contract is the .proto file: a Python client whose classes Debian's grpc_tools generates from
 * privtune_split.proto at start (releng/interop/split_client.py, python3-grpcio) checks the
 * endpoint's health, opens a session, trains, is refused with the field named, predicts and
 * fetches the top in pieces, against this Java endpoint on the loopback interface.
 */
class PythonInteropTest {

    static final String PYTHON = "/usr/bin/python3";

    /** The repository's root: the first parent of the working folder that holds releng/interop. */
    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("releng/interop/split_client.py"))) {
                return p;
            }
        }
        throw new AssertionError("releng/interop/split_client.py not found above " + Path.of("").toAbsolutePath());
    }

    static boolean pythonHasGrpc() throws InterruptedException {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import grpc, grpc_tools.protoc").redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aPythonClientGeneratedFromTheProtoTrainsAgainstTheJavaEndpoint() throws Exception {
        assumeTrue(pythonHasGrpc(), "Debian's python3-grpcio and python3-grpc-tools (.ci/run installs them)");
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        try (TopModelServer server = TopModelServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                RemoteTopModelTest.tinyTops(null), log::add)) {
            Process p = new ProcessBuilder(PYTHON, root().resolve("releng/interop/split_client.py").toString(),
                    "--endpoint", "localhost:" + server.port(), "--hidden", "32", "--steps", "3", "--batch", "4",
                    "--tokens", "6").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("health: SERVING"), out);
            assertTrue(out.contains("step 3: loss "), out);
            assertTrue(out.contains("refused: TrainStep.labels[0]: 5 is not a class of the session (0..1)"), out);
            assertTrue(out.contains("logits: shape [4, 2]"), out);
            assertTrue(out.trim().endsWith("ok"), out);
            EndpointLimitsTest.awaitOpen(server, 0);
            assertEquals(1, server.sessionsOpened());
            synchronized (log) {
                assertTrue(log.stream().anyMatch(l -> l.contains("closed after 3 training steps")), String.join("\n",
                        log));
            }
        }
    }
}
