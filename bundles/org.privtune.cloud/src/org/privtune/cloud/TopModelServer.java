package org.privtune.cloud;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.privtune.model.InProcessTopModel;
import org.privtune.model.TopModelEndpoint;
import org.privtune.protocol.SplitProtocol;
import org.privtune.protocol.SplitProtocol.Ack;
import org.privtune.protocol.SplitProtocol.Checkpoint;
import org.privtune.protocol.SplitProtocol.FetchWeights;
import org.privtune.protocol.SplitProtocol.FloatTensor;
import org.privtune.protocol.SplitProtocol.Failure;
import org.privtune.protocol.SplitProtocol.Logits;
import org.privtune.protocol.SplitProtocol.Open;
import org.privtune.protocol.SplitProtocol.Opened;
import org.privtune.protocol.SplitProtocol.Predict;
import org.privtune.protocol.SplitProtocol.ProtocolException;
import org.privtune.protocol.SplitProtocol.Request;
import org.privtune.protocol.SplitProtocol.Response;
import org.privtune.protocol.SplitProtocol.Step;
import org.privtune.protocol.SplitProtocol.TrainStep;
import org.privtune.protocol.SplitProtocol.Weights;
import org.privtune.protocol.TransportSecurity;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * The cloud's top-model endpoint: accepts TCP connections, one split fine-tuning session per
 * connection ({@code proto/privtune_split.proto} of {@code org.privtune.protocol}), and trains the
 * session's top with {@link InProcessTopModel}, the same code the studio runs in-process.
 *
 * <p>Sessions take turns on the engine (one lock): the PyTorch generator that draws dropout masks
 * is process-global, so a session's training is reproducible from its seed only if no other
 * session draws in between its steps. A bad request is answered with a {@link Failure} naming the
 * field and the session goes on; a frame that is not a message of the protocol ends the session.
 */
public final class TopModelServer implements AutoCloseable {

    /** Builds the top of a session from its {@link Open} request. */
    public interface TopFactory {
        /**
         * @throws IllegalArgumentException naming the {@code OpenSession} field that cannot be served
         */
        HostedTop open(Open request) throws Exception;
    }

    /** A session's top: the endpoint that trains it and its hidden size d. */
    public interface HostedTop extends AutoCloseable {
        TopModelEndpoint endpoint();

        int hidden();

        int numLabels();

        /** Number of trainable values. */
        long parameters();

        @Override
        void close();
    }

    /** How long a new connection may take to send its OpenSession, by default. */
    public static final int OPEN_TIMEOUT_MS = 60_000;
    /** How long an open session may stay silent between requests before the endpoint ends it, by default. */
    public static final int IDLE_TIMEOUT_MS = 3_600_000;

    private volatile int openTimeoutMs = OPEN_TIMEOUT_MS;
    private volatile int idleTimeoutMs = IDLE_TIMEOUT_MS;

    private final ServerSocket socket;
    private final TopFactory factory;
    private final Consumer<String> log;
    private final Object engine = new Object();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong sessions = new AtomicLong();
    private long closedSessions;
    private final Thread acceptor;
    private volatile boolean closed;

    private final String token;

    private TopModelServer(ServerSocket socket, TopFactory factory, Consumer<String> log, String token) {
        this.socket = socket;
        this.factory = factory;
        this.log = log;
        this.token = token == null || token.isEmpty() ? null : token;
        this.acceptor = new Thread(this::acceptLoop, "privtune-cloud-accept");
        acceptor.setDaemon(true);
    }

    /**
     * Listens on {@code bind} (port 0 picks a free port, see {@link #port()}).
     *
     * @param log one line per session event (opened, closed, refused)
     */
    public static TopModelServer start(InetSocketAddress bind, TopFactory factory, Consumer<String> log)
            throws IOException {
        return start(bind, factory, log, null, null);
    }

    /**
     * Listens on {@code bind}, with TLS 1.3 when {@code tls} is given (see
     * {@link TransportSecurity#server}) and requiring {@code token} in every {@code OpenSession}
     * when it is not null or empty.
     */
    public static TopModelServer start(InetSocketAddress bind, TopFactory factory, Consumer<String> log,
            SSLContext tls, String token) throws IOException {
        ServerSocket s;
        if (tls == null) {
            s = new ServerSocket();
        } else {
            SSLServerSocket ssl = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
            ssl.setEnabledProtocols(new String[] {TransportSecurity.PROTOCOL});
            s = ssl;
        }
        s.setReuseAddress(true);
        s.bind(bind);
        TopModelServer server = new TopModelServer(s, factory, log, token);
        server.acceptor.start();
        return server;
    }

    /**
     * Sets how long a new connection may take to send its OpenSession and how long an open session
     * may stay silent; applies to connections accepted afterwards.
     */
    public void setTimeouts(int openMs, int idleMs) {
        if (openMs < 1 || idleMs < 1) {
            throw new IllegalArgumentException("timeouts must be positive, got " + openMs + " and " + idleMs);
        }
        openTimeoutMs = openMs;
        idleTimeoutMs = idleMs;
    }

    /** True when connections use TLS. */
    public boolean isTls() {
        return socket instanceof SSLServerSocket;
    }

    /** The port the server listens on. */
    public int port() {
        return socket.getLocalPort();
    }

    /** Sessions opened since the start. */
    public long sessionsOpened() {
        return sessions.get();
    }

    /** Sessions that were opened and have ended since the start. */
    public synchronized long sessionsClosed() {
        return closedSessions;
    }

    /** Waits until {@code n} sessions have ended (or the thread is interrupted). */
    public synchronized void awaitSessionsClosed(long n) throws InterruptedException {
        while (closedSessions < n) {
            wait();
        }
    }

    private synchronized void sessionEnded() {
        closedSessions++;
        notifyAll();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = socket.accept();
                s.setTcpNoDelay(true);
                open.add(s);
                Thread t = new Thread(() -> serve(s), "privtune-cloud-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    log.accept("accept failed: " + e.getMessage());
                }
            }
        }
    }

    private void serve(Socket s) {
        String peer = String.valueOf(s.getRemoteSocketAddress());
        HostedTop top = null;
        String id = null;
        long steps = 0;
        try (s; InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
                OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16)) {
            // a connection that says nothing (or never finishes a TLS handshake) must not hold a thread
            s.setSoTimeout(openTimeoutMs);
            Request first = SplitProtocol.readRequest(in);
            if (first == null) {
                return;
            }
            if (!(first instanceof Open o)) {
                SplitProtocol.write(new Failure("Request.body: the first request of a session must be open, got "
                        + first.getClass().getSimpleName()), out);
                return;
            }
            if (token != null && !TransportSecurity.sameToken(token, o.accessToken())) {
                log.accept("refused " + peer + ": " + (o.accessToken().isEmpty() ? "no" : "wrong") + " access token");
                SplitProtocol.write(new Failure("OpenSession.access_token: "
                        + (o.accessToken().isEmpty() ? "this endpoint requires one" : "not this endpoint's token")), out);
                return;
            }
            try {
                if (o.protocolVersion() != SplitProtocol.VERSION) {
                    throw new IllegalArgumentException("OpenSession.protocol_version: " + o.protocolVersion()
                            + " is not spoken here (this server speaks " + SplitProtocol.VERSION + ")");
                }
                synchronized (engine) {
                    top = factory.open(o);
                }
            } catch (Exception e) {
                String why = e instanceof IllegalArgumentException ? e.getMessage() : "cannot build the top: " + e;
                log.accept("refused " + peer + ": " + why);
                SplitProtocol.write(new Failure(why), out);
                return;
            }
            id = "s" + sessions.incrementAndGet();
            log.accept("session " + id + " opened by " + peer + ": " + o.baseModel() + " split " + o.splitLayer()
                    + ", " + o.labels().size() + " labels, " + top.parameters() + " trainable values, "
                    + o.totalSteps() + " steps");
            SplitProtocol.write(new Opened(id, top.parameters(), "PrivTune cloud endpoint, protocol "
                    + SplitProtocol.VERSION, top.hidden()), out);
            s.setSoTimeout(idleTimeoutMs);
            Request r;
            while ((r = SplitProtocol.readRequest(in)) != null) {
                Response resp;
                try {
                    synchronized (engine) {
                        resp = handle(top, r);
                    }
                    steps += r instanceof TrainStep ? 1 : 0;
                } catch (IllegalArgumentException e) {
                    resp = new Failure(e.getMessage());
                } catch (RuntimeException e) {
                    resp = new Failure("server error in " + r.getClass().getSimpleName() + ": " + e);
                    log.accept("session " + id + ": " + e);
                }
                SplitProtocol.write(resp, out);
            }
        } catch (ProtocolException e) {
            log.accept(who(id, peer) + " ended: " + e.getMessage());
        } catch (java.net.SocketTimeoutException e) {
            log.accept(who(id, peer) + " timed out: silent for " + (id == null ? openTimeoutMs : idleTimeoutMs)
                    + " ms");
        } catch (SocketException e) {
            if (!closed) {
                log.accept(who(id, peer) + " lost: " + e.getMessage());
            }
        } catch (IOException e) {
            log.accept(who(id, peer) + " failed: " + e);
        } finally {
            open.remove(s);
            if (top != null) {
                synchronized (engine) {
                    top.close();
                }
                log.accept("session " + id + " closed after " + steps + " training steps");
                sessionEnded();
            }
        }
    }

    private static String who(String id, String peer) {
        return id == null ? "connection from " + peer : "session " + id + " from " + peer;
    }

    private static Response handle(HostedTop top, Request r) {
        TopModelEndpoint e = top.endpoint();
        return switch (r) {
            case Open o -> throw new IllegalArgumentException("Request.open: the session is already open");
            case TrainStep t -> {
                checkBatch("TrainStep", top, t.representations());
                for (int i = 0; i < t.labels().length; i++) {
                    if (t.labels()[i] < 0 || t.labels()[i] >= top.numLabels()) {
                        throw new IllegalArgumentException("TrainStep.labels[" + i + "]: " + t.labels()[i]
                                + " is not a class of the session (0.." + (top.numLabels() - 1) + ")");
                    }
                }
                FloatTensor reps = t.representations();
                TopModelEndpoint.StepResult s = e.trainStep(reps.data(), reps.shape(), t.mask(), t.labels(),
                        t.wantGradient());
                yield new Step(s.loss(), s.correct(), s.gradientNorm(),
                        s.representationGradient() == null ? null
                                : new FloatTensor(reps.shape().clone(), s.representationGradient()));
            }
            case Predict p -> {
                checkBatch("Predict", top, p.representations());
                float[][] logits = e.predict(p.representations().data(), p.representations().shape(), p.mask());
                int b = logits.length;
                int c = b == 0 ? top.numLabels() : logits[0].length;
                float[] flat = new float[b * c];
                for (int i = 0; i < b; i++) {
                    System.arraycopy(logits[i], 0, flat, i * c, c);
                }
                yield new Logits(new FloatTensor(new long[] {b, c}, flat));
            }
            case Checkpoint k -> {
                if (k.restore()) {
                    e.restoreCheckpoint();
                } else {
                    e.saveCheckpoint();
                }
                yield new Ack();
            }
            case FetchWeights f -> {
                Map<String, FloatTensor> out = new LinkedHashMap<>();
                for (Map.Entry<String, float[]> w : e.topWeights().entrySet()) {
                    out.put(w.getKey(), new FloatTensor(new long[] {w.getValue().length}, w.getValue()));
                }
                yield new Weights(out);
            }
        };
    }

    private static void checkBatch(String message, HostedTop top, FloatTensor reps) {
        long[] s = reps.shape();
        if (s[2] != top.hidden()) {
            throw new IllegalArgumentException(message + ".representations: d = " + s[2] + " in shape "
                    + Arrays.toString(s) + ", the session's top takes d = " + top.hidden());
        }
        if (s[0] == 0 || s[1] == 0) {
            throw new IllegalArgumentException(message + ".representations: empty batch " + Arrays.toString(s));
        }
    }

    /** Stops listening and ends every open session. */
    @Override
    public void close() throws IOException {
        closed = true;
        socket.close();
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }
}
