package org.privtune.cli;

import ai.djl.ndarray.NDManager;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.privtune.cloud.ModelTops;
import org.privtune.model.EncoderSource;
import org.privtune.model.ModelRegistry;
import org.privtune.core.InvalidInputException;
import org.privtune.cloud.TopModelServer;
import org.privtune.djl.runtime.DjlRuntime;
import org.privtune.protocol.SplitProtocol;
import org.privtune.protocol.TransportSecurity;

import javax.net.ssl.SSLContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cloud}: the top-model endpoint that {@code train --cloud host:port} trains against. */
@Command(name = "cloud", description = {
        "Serve the top model for train --cloud (the cloud endpoint).",
        "Listens for devices (./privtune train --cloud host:port, or the studio's Split Training view) and trains"
                + " each session's top model (the named model's layers above the split + head) on the perturbed representations"
                + " they send (gRPC service privtune.split.v1.SplitTraining, proto/privtune_split.proto; also"
                + " grpc.health.v1.Health and server reflection)." },
        footer = { "",
                "--bind 0.0.0.0 accepts other machines; it needs --tls unless --plain-on-network says that the"
                        + " network is trusted. Devices then pass --cloud-cert <its certificate>, and --cloud-token-file"
                        + " when --token-file is set (the token is sent only over TLS). Limits are refused before"
                        + " anything is allocated.",
                "Runs until Ctrl-C or SIGTERM (running steps finish, sessions are checkpointed, then freed), or"
                        + " until N sessions have ended (--max-sessions)." })
final class CloudCommand extends CliCommand {

    /**
     * Netty's per-connection warnings (a peer that is not HTTP/2, a stream reset by a device that
     * left) would fill the log; the endpoint logs what matters per session itself.
     */
    private static final java.util.logging.Logger NETTY = java.util.logging.Logger.getLogger("io.grpc.netty.shaded");

    /** The port used when none is given. */
    static final int DEFAULT_PORT = 8470;

    /** Environment variable holding the password of a PKCS#12 key or trust store. */
    static final String TLS_PASSWORD_ENV = "PRIVTUNE_TLS_PASSWORD";

    private final TopModelServer.Settings d = TopModelServer.Settings.defaults();

    @Option(names = "--model", paramLabel = "<name or folder>", converter = OptionTypes.Model.class,
            description = "A model whose tops this endpoint serves (repeat for several; default all-MiniLM-L6-v2): a"
                    + " built-in or a model folder. A device must name one of them and send the SHA-256 of the same"
                    + " weights.")
    List<EncoderSource> models;

    @Option(names = "--port", paramLabel = "<port>", converter = OptionTypes.Port.class, description = "The port (0: any free one).")
    int port = DEFAULT_PORT;

    @Option(names = "--bind", paramLabel = "<address>", description = "The address to listen on; 0.0.0.0 accepts other machines.")
    String bind = "127.0.0.1";

    @Option(names = "--max-sessions", paramLabel = "<n>", converter = OptionTypes.NonNegative.class,
            description = "Stop after this many sessions have ended (0: run until stopped).")
    int maxSessions = 0;

    @Option(names = "--tls", paramLabel = "<keystore.p12>", description = "Serve TLS 1.3 with the key and certificate of this PKCS#12 key store"
            + " (made by ./privtune cloud-keys), its password in the environment variable " + TLS_PASSWORD_ENV + ".")
    Path tls;

    @Option(names = "--token-file", paramLabel = "<file>",
            description = "Require the token on this file's first line as every call's credentials (needs --tls).")
    Path tokenFile;

    @Option(names = "--plain-on-network", description = "Allow a non-loopback --bind without --tls, on a network you trust.")
    boolean plainOnNetwork;

    @Option(names = "--checkpoints", paramLabel = "<folder>", description = "Keep each session's state there (every N requests, when its device goes"
            + " away, at shutdown; owner-only files, kept 24 h), so that a device whose connection was lost, or that"
            + " outlived a restart of the endpoint, resumes its session.")
    Path checkpoints;

    @Option(names = "--checkpoint-every", paramLabel = "<n>", converter = OptionTypes.Positive.class,
            description = "Requests between two checkpoints of a session (needs --checkpoints).")
    int checkpointEvery = d.checkpointEvery();

    @Option(names = "--health-port", paramLabel = "<port>", converter = OptionTypes.Port.class,
            description = "Also serve the standard gRPC health service alone, plain, on this port of the same address"
                    + " (for probes that cannot speak TLS, e.g. Kubernetes' gRPC probes).")
    Integer healthPort;

    @Option(names = "--max-open", paramLabel = "<n>", converter = OptionTypes.Positive.class,
            description = "Sessions open at once (the default follows this machine's memory).")
    int maxOpen = d.maxSessions();

    @Option(names = "--max-batch", paramLabel = "<n>", converter = OptionTypes.Positive.class, description = "Sentences per request.")
    int maxBatch = d.maxBatch();

    @Option(names = "--max-tokens", paramLabel = "<n>", converter = OptionTypes.Tokens.class, description = "Tokens per sentence.")
    int maxTokens = d.maxTokens();

    @Option(names = "--max-labels", paramLabel = "<n>", converter = OptionTypes.Positive.class, description = "Classes per session (at least 2).")
    int maxLabels = d.maxLabels();

    @Override
    public Integer call() throws Exception {
        if (maxLabels < 2) {
            throw usage("Invalid value for option '--max-labels': " + maxLabels + " is not at least 2");
        }
        TopModelServer.Settings settings = d.withMaxSessions(maxOpen).withRequestLimits(maxBatch, maxTokens, maxLabels);
        if (checkpoints != null) {
            settings = settings.withCheckpoints(checkpoints, checkpointEvery);
        } else if (spec.commandLine().getParseResult().hasMatchedOption("--checkpoint-every")) {
            throw usage("--checkpoint-every needs --checkpoints <folder>");
        }
        SSLContext context = tls == null ? null : file("tls", () -> TransportSecurity.server(tls, password()));
        String token = tokenFile == null ? null : file("token-file", () -> TransportSecurity.readToken(tokenFile));
        if (token != null && context == null) {
            throw usage("--token-file needs --tls: devices send the token only over TLS");
        }
        InetSocketAddress address = new InetSocketAddress(bind, port);
        if (address.isUnresolved()) {
            throw usage("--bind: '" + bind + "' is not an address of this machine");
        }
        if (context == null && !address.getAddress().isLoopbackAddress()) {
            if (!plainOnNetwork) {
                throw usage("--bind " + bind + " without --tls would send the representations and labels across the network in the clear: add --tls"
                        + " <keystore.p12> (./privtune cloud-keys makes one), or --plain-on-network on a network you"
                        + " trust");
            }
            err.println("cloud: warning: listening on " + bind + " without --tls (--plain-on-network): the"
                    + " representations and labels cross the network in the clear");
        }
        NETTY.setLevel(java.util.logging.Level.SEVERE);
        List<EncoderSource> served = models == null || models.isEmpty() ? List.of(ModelRegistry.DEFAULT) : models;
        NDManager manager = DjlRuntime.pytorch().newBaseManager();
        TopModelServer server;
        try {
            server = TopModelServer.start(address, new ModelTops(manager, served), line -> err.println("cloud: " + line), context,
                    token, settings);
        } catch (java.io.IOException e) {
            manager.close();
            throw usage("cannot listen on " + bind + ":" + port + ": " + e.getMessage());
        }
        if (healthPort != null) {
            try {
                healthPort = server.serveHealth(new InetSocketAddress(address.getAddress(), healthPort));
            } catch (java.io.IOException | RuntimeException e) {
                server.close();
                manager.close();
                throw usage("--health-port: cannot listen on " + bind + ":" + healthPort + ": " + e.getMessage());
            }
        }
        // SIGTERM or Ctrl-C: stop accepting, let running steps finish, free every session, then the
        // engine; the hook waits for that, so the JVM never exits while a step is running.
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "privtune-cloud-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            out.printf(Locale.ROOT, "PrivTune cloud endpoint listening on %s:%d (gRPC, protocol v%d, %s, %s)%s%n", bind,
                    server.port(), SplitProtocol.VERSION, context == null ? "plain" : "TLS 1.3",
                    token == null ? "no access token" : "access token required",
                    maxSessions > 0 ? ", until " + maxSessions + " session(s) have ended" : ", Ctrl-C stops it");
            out.printf(Locale.ROOT, "limits: %d sessions at once (%.1f GiB of memory here), %d sentences x %d tokens per"
                    + " request, %d classes, requests up to %.1f MiB%n", settings.maxSessions(),
                    TopModelServer.physicalMemory() / (double) (1L << 30), settings.maxBatch(), settings.maxTokens(),
                    settings.maxLabels(), server.limits().maxRequestBytes() / (double) (1 << 20));
            out.printf(Locale.ROOT, "serving the tops of %s%n", served.stream()
                    .map(m -> m.baseModel() + " (" + m.config().layers() + " layers)")
                    .collect(java.util.stream.Collectors.joining(", ")));
            if (healthPort != null) {
                out.printf(Locale.ROOT, "health service alone (plain) on %s:%d%n", bind, healthPort);
            }
            if (settings.checkpoints() != null) {
                out.printf(Locale.ROOT, "checkpoints: every %d requests, in %s%n", settings.checkpointEvery(),
                        settings.checkpoints().toAbsolutePath());
            }
            out.flush();
            if (maxSessions > 0) {
                Thread waiter = new Thread(() -> {
                    try {
                        server.awaitSessionsClosed(maxSessions);
                    } catch (InterruptedException e) {
                        return;
                    }
                    stop.countDown();
                }, "privtune-cloud-sessions");
                waiter.setDaemon(true);
                waiter.start();
            }
            stop.await();
            server.close();
            out.printf(Locale.ROOT, "served %d session(s)%n", server.sessionsClosed());
            out.flush();
        } finally {
            server.close();
            manager.close();
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already: the hook is waiting for this
            }
        }
        return 0;
    }

    /** Runs a file-reading step of an option; its refusal names the option and the file. */
    static <T> T file(String option, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--" + option, 0, null, e.getMessage(), e);
        }
    }

    /** The key or trust store password from {@link #TLS_PASSWORD_ENV} (empty when unset). */
    static char[] password() {
        String p = System.getenv(TLS_PASSWORD_ENV);
        return p == null ? new char[0] : p.toCharArray();
    }
}
