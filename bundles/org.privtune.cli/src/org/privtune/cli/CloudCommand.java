package org.privtune.cli;

import ai.djl.ndarray.NDManager;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import org.privtune.cloud.MiniLmTops;
import org.privtune.cloud.TopModelServer;
import org.privtune.djl.runtime.DjlRuntime;
import org.privtune.protocol.SplitProtocol;

/** {@code cloud}: the top-model endpoint that {@code train --cloud host:port} trains against. */
final class CloudCommand implements CliCommand {

    /** The port used when none is given. */
    static final int DEFAULT_PORT = 8470;

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
                "  Listens for devices (./privtune train --cloud host:port, or the studio's Training view) and",
                "  trains each session's top model (MiniLM layers above the split + head) on the perturbed",
                "  representations they send. --bind 0.0.0.0 accepts other machines; the connection is plain",
                "  TCP (protocol v" + SplitProtocol.VERSION + ", proto/privtune_split.proto of org.privtune.protocol), so",
                "  across networks run it behind a TLS tunnel. Runs until Ctrl-C, or until N sessions have ended.");
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o = Options.parse(args, Set.of("port", "bind", "max-sessions"), Set.of());
        int port = o.getInt("port", DEFAULT_PORT);
        if (port < 0 || port > 65535) {
            throw new UsageException("--port must be 0..65535 (0: any free port), got " + port);
        }
        int max = o.getInt("max-sessions", 0);
        if (max < 0) {
            throw new UsageException("--max-sessions must be >= 1 (or 0: no limit), got " + max);
        }
        String bind = o.get("bind", "127.0.0.1");
        try (NDManager manager = DjlRuntime.pytorch().newBaseManager();
                TopModelServer server = TopModelServer.start(new InetSocketAddress(bind, port), new MiniLmTops(manager),
                        line -> err.println("cloud: " + line))) {
            out.printf(Locale.ROOT, "PrivTune cloud endpoint listening on %s:%d (protocol v%d)%s%n", bind, server.port(),
                    SplitProtocol.VERSION, max > 0 ? ", until " + max + " session(s) have ended" : ", Ctrl-C stops it");
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
}
