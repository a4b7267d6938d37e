package org.privtune.cli;

import ai.djl.ndarray.NDManager;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.privtune.cloud.MiniLmTops;
import org.privtune.core.InvalidInputException;
import org.privtune.cloud.TopModelServer;
import org.privtune.djl.runtime.DjlRuntime;
import org.privtune.protocol.SplitProtocol;
import org.privtune.protocol.TransportSecurity;

import javax.net.ssl.SSLContext;

/** {@code cloud}: the top-model endpoint that {@code train --cloud host:port} trains against. */
final class CloudCommand implements CliCommand {

    /**
     * Netty's per-connection warnings (a peer that is not HTTP/2, a stream reset by a device that
     * left) would fill the log; the endpoint logs what matters per session itself.
     */
    private static final java.util.logging.Logger NETTY = java.util.logging.Logger.getLogger("io.grpc.netty.shaded");

    /** The port used when none is given. */
    static final int DEFAULT_PORT = 8470;

    /** Environment variable holding the password of a PKCS#12 key or trust store. */
    static final String TLS_PASSWORD_ENV = "PRIVTUNE_TLS_PASSWORD";

    @Override
    public String name() {
        return "cloud";
    }

    @Override
    public String summary() {
        return "serve the cloud's top model of split fine-tuning (the endpoint of train --cloud)";
    }

    @Override
    public String usage() {
        TopModelServer.Settings d = TopModelServer.Settings.defaults();
        return String.join("\n",
                "./privtune cloud [--port " + DEFAULT_PORT + "] [--bind 127.0.0.1] [--max-sessions N]",
                "                 [--tls <keystore.p12>] [--token-file <file>] [--plain-on-network]",
                "                 [--checkpoints <folder> [--checkpoint-every " + d.checkpointEvery() + "]]",
                "                 [--health-port N] [--max-open N] [--max-batch " + d.maxBatch() + "] [--max-tokens " + d.maxTokens()
                        + "] [--max-labels " + d.maxLabels() + "]",
                "  Listens for devices (./privtune train --cloud host:port, or the studio's Split Training view)",
                "  and trains each session's top model (MiniLM layers above the split + head) on the perturbed",
                "  representations they send (gRPC service privtune.split.v1.SplitTraining, protocol v"
                        + SplitProtocol.VERSION + ",",
                "  proto/privtune_split.proto; also grpc.health.v1.Health and server reflection).",
                "  --bind 0.0.0.0 accepts other machines; it needs --tls (TLS 1.3 with the key and certificate of",
                "  a PKCS#12 key store, password in the environment variable " + TLS_PASSWORD_ENV + ") unless",
                "  --plain-on-network says that the network is trusted. Devices then pass --cloud-cert <its",
                "  certificate>. --token-file requires the token on the file's first line as every call's",
                "  credentials (--cloud-token-file on the device, sent only over TLS). --health-port serves the",
                "  standard health service alone, plain, on that port of the same address (for probes that cannot",
                "  speak TLS).",
                "  Limits, refused before anything is allocated: --max-open sessions at once (default from the",
                "  machine's memory, " + d.maxSessions() + " here), --max-batch sentences and --max-tokens tokens per"
                        + " request, --max-labels",
                "  classes per session. --checkpoints keeps each session's state there (every N requests, when",
                "  its device goes away, at shutdown; owner-only files, kept 24 h) so that a device whose",
                "  connection was lost, or that outlived a restart of the endpoint, resumes its session.",
                "  Runs until Ctrl-C or SIGTERM (running steps finish, sessions are checkpointed, then freed),",
                "  or until N sessions have ended (--max-sessions).");
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o = Options.parse(args, Set.of("port", "bind", "max-sessions", "tls", "token-file", "max-open",
                "max-batch", "max-tokens", "max-labels", "checkpoints", "checkpoint-every", "health-port"),
                Set.of("plain-on-network"));
        int port = o.getInt("port", DEFAULT_PORT);
        if (port < 0 || port > 65535) {
            throw new UsageException("--port must be 0..65535 (0: any free port), got " + port);
        }
        int max = o.getInt("max-sessions", 0);
        if (max < 0) {
            throw new UsageException("--max-sessions must be >= 1 (or 0: no limit), got " + max);
        }
        TopModelServer.Settings d = TopModelServer.Settings.defaults();
        int maxOpen = positive(o, "max-open", d.maxSessions());
        int maxBatch = positive(o, "max-batch", d.maxBatch());
        int maxTokens = positive(o, "max-tokens", d.maxTokens());
        int maxLabels = positive(o, "max-labels", d.maxLabels());
        if (maxTokens > 512) {
            throw new UsageException("--max-tokens: MiniLM takes at most 512 tokens, got " + maxTokens);
        }
        if (maxLabels < 2) {
            throw new UsageException("--max-labels must be at least 2, got " + maxLabels);
        }
        TopModelServer.Settings settings = d.withMaxSessions(maxOpen).withRequestLimits(maxBatch, maxTokens, maxLabels);
        if (o.get("checkpoints", null) != null) {
            settings = settings.withCheckpoints(Path.of(o.get("checkpoints", null)),
                    positive(o, "checkpoint-every", d.checkpointEvery()));
        } else if (o.get("checkpoint-every", null) != null) {
            throw new UsageException("--checkpoint-every needs --checkpoints <folder>");
        }
        String bind = o.get("bind", "127.0.0.1");
        SSLContext tls = o.get("tls", null) == null ? null
                : file("tls", () -> TransportSecurity.server(Path.of(o.get("tls", null)), password()));
        String token = o.get("token-file", null) == null ? null
                : file("token-file", () -> TransportSecurity.readToken(Path.of(o.get("token-file", null))));
        if (token != null && tls == null) {
            throw new UsageException("--token-file needs --tls: devices send the token only over TLS");
        }
        InetSocketAddress address = new InetSocketAddress(bind, port);
        if (address.isUnresolved()) {
            throw new UsageException("--bind: '" + bind + "' is not an address of this machine");
        }
        if (tls == null && !address.getAddress().isLoopbackAddress()) {
            if (!o.has("plain-on-network")) {
                throw new UsageException("--bind " + bind + " without --tls would send the representations and labels across the network in the clear: add --tls"
                        + " <keystore.p12> (./privtune cloud-keys makes one), or --plain-on-network on a network you"
                        + " trust");
            }
            err.println("cloud: warning: listening on " + bind + " without --tls (--plain-on-network): the"
                    + " representations and labels cross the network in the clear");
        }
        NETTY.setLevel(java.util.logging.Level.SEVERE);
        NDManager manager = DjlRuntime.pytorch().newBaseManager();
        TopModelServer server;
        try {
            server = TopModelServer.start(address, new MiniLmTops(manager), line -> err.println("cloud: " + line), tls,
                    token, settings);
        } catch (java.io.IOException e) {
            manager.close();
            throw new UsageException("cannot listen on " + bind + ":" + port + ": " + e.getMessage());
        }
        int healthPort = o.getInt("health-port", -1);
        if (healthPort >= 0) {
            try {
                healthPort = server.serveHealth(new InetSocketAddress(address.getAddress(), healthPort));
            } catch (java.io.IOException | RuntimeException e) {
                server.close();
                manager.close();
                throw new UsageException("--health-port: cannot listen on " + bind + ":" + healthPort + ": "
                        + e.getMessage());
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
                    server.port(), SplitProtocol.VERSION, tls == null ? "plain" : "TLS 1.3",
                    token == null ? "no access token" : "access token required",
                    max > 0 ? ", until " + max + " session(s) have ended" : ", Ctrl-C stops it");
            out.printf(Locale.ROOT, "limits: %d sessions at once (%.1f GiB of memory here), %d sentences x %d tokens per"
                    + " request, %d classes, requests up to %.1f MiB%n", settings.maxSessions(),
                    TopModelServer.physicalMemory() / (double) (1L << 30), settings.maxBatch(), settings.maxTokens(),
                    settings.maxLabels(), server.limits().maxRequestBytes() / (double) (1 << 20));
            if (healthPort >= 0) {
                out.printf(Locale.ROOT, "health service alone (plain) on %s:%d%n", bind, healthPort);
            }
            if (settings.checkpoints() != null) {
                out.printf(Locale.ROOT, "checkpoints: every %d requests, in %s%n", settings.checkpointEvery(),
                        settings.checkpoints().toAbsolutePath());
            }
            out.flush();
            if (max > 0) {
                Thread waiter = new Thread(() -> {
                    try {
                        server.awaitSessionsClosed(max);
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

    private static int positive(Options o, String name, int fallback) {
        int v = o.getInt(name, fallback);
        if (v < 1) {
            throw new UsageException("--" + name + " must be at least 1, got " + v);
        }
        return v;
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
