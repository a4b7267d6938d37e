package org.privtune.cli;

import ai.djl.ndarray.NDManager;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import org.privtune.cloud.MiniLmTops;
import org.privtune.core.InvalidInputException;
import org.privtune.cloud.TopModelServer;
import org.privtune.djl.runtime.DjlRuntime;
import org.privtune.protocol.SplitProtocol;
import org.privtune.protocol.TransportSecurity;

import javax.net.ssl.SSLContext;

/** {@code cloud}: the top-model endpoint that {@code train --cloud host:port} trains against. */
final class CloudCommand implements CliCommand {

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
        return String.join("\n",
                "./privtune cloud [--port " + DEFAULT_PORT + "] [--bind 127.0.0.1] [--max-sessions N]",
                "                 [--tls <keystore.p12>] [--token-file <file>]",
                "  Listens for devices (./privtune train --cloud host:port, or the studio's Split Training view)",
                "  and trains each session's top model (MiniLM layers above the split + head) on the perturbed",
                "  representations they send (protocol v" + SplitProtocol.VERSION + ", proto/privtune_split.proto).",
                "  --bind 0.0.0.0 accepts other machines. --tls serves TLS 1.3 with the key and certificate of a",
                "  PKCS#12 key store (password in the environment variable " + TLS_PASSWORD_ENV + "); devices then",
                "  pass --cloud-cert <its certificate>. --token-file requires the token on the file's first line",
                "  from every device (--cloud-token-file). Runs until Ctrl-C, or until N sessions have ended.");
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o = Options.parse(args, Set.of("port", "bind", "max-sessions", "tls", "token-file"), Set.of());
        int port = o.getInt("port", DEFAULT_PORT);
        if (port < 0 || port > 65535) {
            throw new UsageException("--port must be 0..65535 (0: any free port), got " + port);
        }
        int max = o.getInt("max-sessions", 0);
        if (max < 0) {
            throw new UsageException("--max-sessions must be >= 1 (or 0: no limit), got " + max);
        }
        String bind = o.get("bind", "127.0.0.1");
        SSLContext tls = o.get("tls", null) == null ? null
                : file("tls", () -> TransportSecurity.server(Path.of(o.get("tls", null)), password()));
        String token = o.get("token-file", null) == null ? null
                : file("token-file", () -> TransportSecurity.readToken(Path.of(o.get("token-file", null))));
        InetSocketAddress address = new InetSocketAddress(bind, port);
        if (tls == null && !address.getAddress().isLoopbackAddress()) {
            err.println("cloud: warning: listening on " + bind + " without --tls: the representations and the token"
                    + " cross the network in the clear");
        }
        try (NDManager manager = DjlRuntime.pytorch().newBaseManager();
                TopModelServer server = TopModelServer.start(address, new MiniLmTops(manager),
                        line -> err.println("cloud: " + line), tls, token)) {
            out.printf(Locale.ROOT, "PrivTune cloud endpoint listening on %s:%d (protocol v%d, %s, %s)%s%n", bind,
                    server.port(), SplitProtocol.VERSION, tls == null ? "plain TCP" : "TLS 1.3",
                    token == null ? "no access token" : "access token required",
                    max > 0 ? ", until " + max + " session(s) have ended" : ", Ctrl-C stops it");
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Thread hook = new Thread(stop::countDown, "privtune-cloud-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                if (max > 0) {
                    server.awaitSessionsClosed(max);
                } else {
                    stop.await();
                }
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down already
                }
            }
            out.printf(Locale.ROOT, "served %d session(s)%n", server.sessionsClosed());
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
