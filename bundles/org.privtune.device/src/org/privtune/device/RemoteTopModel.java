package org.privtune.device;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

import org.privtune.core.InvalidInputException;
import org.privtune.model.Pooling;
import org.privtune.model.SplitModel;
import org.privtune.model.TopModelEndpoint;
import org.privtune.model.TrainingConfig;
import org.privtune.protocol.GrpcTransport;
import org.privtune.protocol.SplitProtocol;
import org.privtune.protocol.SplitProtocol.Ack;
import org.privtune.protocol.SplitProtocol.Checkpoint;
import org.privtune.protocol.SplitProtocol.Failure;
import org.privtune.protocol.SplitProtocol.FetchWeights;
import org.privtune.protocol.SplitProtocol.FloatTensor;
import org.privtune.protocol.SplitProtocol.Logits;
import org.privtune.protocol.SplitProtocol.Open;
import org.privtune.protocol.SplitProtocol.Opened;
import org.privtune.protocol.SplitProtocol.Predict;
import org.privtune.protocol.SplitProtocol.ProtocolException;
import org.privtune.protocol.SplitProtocol.Request;
import org.privtune.protocol.SplitProtocol.Response;
import org.privtune.protocol.SplitProtocol.Step;
import org.privtune.protocol.SplitProtocol.TrainStep;
import org.privtune.protocol.TransportSecurity;
import org.privtune.protocol.v1.SplitTrainingGrpc;

/**
 * The device's connector to a remote top-model endpoint ({@code ./privtune cloud} or any server
 * of {@code proto/privtune_split.proto}): a {@link TopModelEndpoint} whose every call is one
 * request and its answer on the session's gRPC call, so {@code SplitTrainer} trains against the
 * cloud exactly as it does in-process. What it sends is what the trainer hands it: perturbed
 * representations, the attention mask and the labels.
 *
 * <p>Every answer is awaited at most {@link Connection#answerTimeoutMs}; HTTP/2 keepalive pings
 * every 10 s (10 s to answer) find an endpoint that is stopped or cut off sooner than that. The
 * access token is sent only over TLS.
 *
 * <p>One class of some 590 lines because connecting, deadlines, reconnecting with back-off,
 * resuming a checkpointed session and fetching the trained top in chunks all share the one call
 * state of the session; the messages and their checks are in {@code SplitProtocol}.
 */
public final class RemoteTopModel implements TopModelEndpoint {

    /** Thrown when the endpoint refuses a request or the connection fails. */
    public static final class RemoteEndpointException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean connectionLost;

        public RemoteEndpointException(String message, Throwable cause) {
            this(message, cause, false);
        }

        public RemoteEndpointException(String message, Throwable cause, boolean connectionLost) {
            super(message, cause);
            this.connectionLost = connectionLost;
        }

        /** True when the connection failed or went silent (a retry may help), false when the endpoint refused. */
        public boolean connectionLost() {
            return connectionLost;
        }
    }

    /** Keepalive ping interval and the time a ping may take to be answered. */
    public static final long KEEPALIVE_MS = 10_000;

    /**
     * How to reach an endpoint.
     *
     * @param hostPort        "host:port"
     * @param tls             TLS context trusting the endpoint's certificate ({@link TransportSecurity#client}),
     *                        or null for plain HTTP/2
     * @param token           the endpoint's access token, or null/empty; refused without {@code tls}
     * @param answerTimeoutMs longest wait for one answer (a step on a busy endpoint can take seconds)
     * @param maxAnswerBytes  largest answer accepted (the trainer's largest gradient or a weights piece)
     * @param reconnectMs     how long to try to reconnect and resume the session when the connection is lost
     *                        and the endpoint checkpoints sessions (0: never)
     */
    public record Connection(String hostPort, SSLContext tls, String token, long answerTimeoutMs, int maxAnswerBytes,
            long reconnectMs) {

        /** Reconnects for up to 2 minutes. */
        public Connection(String hostPort, SSLContext tls, String token, long answerTimeoutMs, int maxAnswerBytes) {
            this(hostPort, tls, token, answerTimeoutMs, maxAnswerBytes, 120_000);
        }

        public Connection {
            parse(hostPort);
            token = token == null ? "" : token;
            if (!token.isEmpty() && tls == null) {
                throw new InvalidInputException("cloud endpoint", 0, "token", "an access token is sent only over TLS:"
                        + " give the endpoint's certificate too (--cloud-cert)");
            }
            if (answerTimeoutMs < 1 || maxAnswerBytes < 1 << 16 || reconnectMs < 0) {
                throw new IllegalArgumentException("answer timeout and size must be positive (size at least 64 KiB),"
                        + " the reconnection time at least 0");
            }
        }

        /** Plain, no token, 60 s per answer, answers up to 64 MiB. */
        public static Connection plain(String hostPort) {
            return new Connection(hostPort, null, null, 60_000, 64 << 20);
        }

        /** Answers as large as the gradient of a batch of {@code cfg} for a top of width {@code hidden}. */
        public static int answerBytesFor(TrainingConfig cfg, int hidden) {
            long grad = (long) cfg.batchSize() * cfg.maxLength() * hidden * 4 + (1 << 16);
            long piece = 4L * SplitProtocol.WEIGHT_PIECE_VALUES + (1 << 16);
            return (int) Math.min(Integer.MAX_VALUE - 8, Math.max(grad, piece));
        }

        /** Never prints the token. */
        @Override
        public String toString() {
            return hostPort + (tls == null ? "" : " (TLS)") + (token.isEmpty() ? "" : " (token)");
        }
    }

    private final Connection connection;
    private Link link;
    private Open open;
    private Opened opened;
    private long bytesSent;
    private long requestCount;
    private long applied;
    private final ArrayDeque<org.privtune.protocol.v1.Request> journal = new ArrayDeque<>();
    private int resumes;
    private long redone;

    private static final Object END = new Object();

    /** One gRPC call (and its channel): the session's current connection. */
    private final class Link {
        private final ManagedChannel channel;
        private final StreamObserver<org.privtune.protocol.v1.Request> requests;
        private final BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
        private boolean broken;

        Link() {
            Connection c = connection;
            InetSocketAddress addr = parse(c.hostPort());
            NettyChannelBuilder b = NettyChannelBuilder.forAddress(addr.getHostString(), addr.getPort())
                    .maxInboundMessageSize(c.maxAnswerBytes()).maxInboundMetadataSize(16 << 10)
                    .keepAliveTime(KEEPALIVE_MS, TimeUnit.MILLISECONDS)
                    .keepAliveTimeout(KEEPALIVE_MS, TimeUnit.MILLISECONDS).keepAliveWithoutCalls(true)
                    .directExecutor().disableRetry();
            if (c.tls() != null) {
                b.sslContext(GrpcTransport.clientTls(c.tls()));
            } else {
                b.usePlaintext();
            }
            this.channel = b.build();
            SplitTrainingGrpc.SplitTrainingStub stub = SplitTrainingGrpc.newStub(channel);
            if (!c.token().isEmpty()) {
                stub = stub.withCallCredentials(GrpcTransport.bearer(c.token()));
            }
            this.requests = stub.session(new StreamObserver<>() {
                @Override
                public void onNext(org.privtune.protocol.v1.Response r) {
                    answers.add(r);
                }

                @Override
                public void onError(Throwable t) {
                    answers.add(t);
                }

                @Override
                public void onCompleted() {
                    answers.add(END);
                }
            });
        }

        void close() {
            try {
                if (!broken) {
                    requests.onCompleted();
                }
            } catch (RuntimeException e) {
                // the call is gone already
            }
            channel.shutdown();
            try {
                if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
                    channel.shutdownNow();
                }
            } catch (InterruptedException e) {
                channel.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    private RemoteTopModel(Connection c) {
        this.connection = c;
        this.link = new Link();
    }

    /** As {@link #openRequest(SplitModel, String, TrainingConfig, float, int)} for the default built-in model. */
    public static Open openRequest(SplitModel model, TrainingConfig cfg, float dropout, int totalSteps) {
        return openRequest(model, org.privtune.model.ModelRegistry.DEFAULT.baseModel(), cfg, dropout, totalSteps);
    }

    /**
     * The {@link Open} request that asks for the same top as {@code model} trained with {@code cfg}:
     * of the base model {@code baseModel} ({@link org.privtune.model.EncoderSource#baseModel()}) whose
     * weights have the SHA-256 of {@code model}'s encoder.
     */
    public static Open openRequest(SplitModel model, String baseModel, TrainingConfig cfg, float dropout,
            int totalSteps) {
        return new Open(SplitProtocol.VERSION, baseModel, model.split(), model.labels(),
                model.pooling() == Pooling.CLS ? "cls" : "mean", dropout, cfg.seed(), cfg.learningRate(),
                cfg.warmupFraction(), cfg.weightDecay(), cfg.clipNorm(), totalSteps, "",
                model.encoder().weightsSha256());
    }

    /** Connects plainly to {@code hostPort} and opens a session; each answer is awaited {@code timeoutMillis}. */
    public static RemoteTopModel connect(String hostPort, Open open, int timeoutMillis) {
        return connect(hostPort, open, timeoutMillis, null);
    }

    /**
     * Connects with TLS 1.3 when {@code tls} is given ({@link TransportSecurity#client}: the
     * endpoint must present a trusted certificate for the host name in {@code hostPort}).
     */
    public static RemoteTopModel connect(String hostPort, Open open, int timeoutMillis, SSLContext tls) {
        return connect(new Connection(hostPort, tls, null, timeoutMillis, 64 << 20), open);
    }

    /**
     * Connects as {@code c} says and opens a session.
     *
     * @throws InvalidInputException   when the address is not host:port
     * @throws RemoteEndpointException when the endpoint cannot be reached or refuses the session
     */
    public static RemoteTopModel connect(Connection c, Open open) {
        RemoteTopModel remote = new RemoteTopModel(c);
        try {
            remote.open = open;
            remote.opened = remote.exchange(SplitProtocol.toWire(open), open, Opened.class);
            return remote;
        } catch (RuntimeException e) {
            remote.close();
            throw e;
        }
    }

    /** "host:port" as an address, or a clear error naming the field. */
    public static InetSocketAddress parse(String hostPort) {
        int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new InvalidInputException("cloud endpoint", 0, "endpoint",
                    "expected host:port (e.g. localhost:8470), got '" + hostPort + "'");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new InvalidInputException("cloud endpoint", 0, "port",
                    "'" + hostPort.substring(colon + 1) + "' is not a port (1..65535)");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** What the endpoint said when the session opened. */
    public Opened session() {
        return opened;
    }

    /** Bytes of the messages sent to the endpoint so far (gRPC's 5-byte message prefix included). */
    public synchronized long bytesSent() {
        return bytesSent;
    }

    /** Requests answered so far (the open request not counted). */
    public synchronized long requests() {
        return requestCount;
    }

    @Override
    public StepResult trainStep(float[] representations, long[] shape, long[][] mask, int[] labels,
            boolean wantGradient) {
        Step s = expect(new TrainStep(new FloatTensor(shape.clone(), representations), mask, labels, wantGradient),
                Step.class);
        if (wantGradient && (s.gradient() == null || s.gradient().data().length != representations.length)) {
            throw new RemoteEndpointException(connection.hostPort() + " returned no representation gradient of the"
                    + " batch's size", null);
        }
        return new StepResult(s.loss(), s.correct(), s.gradientNorm(),
                s.gradient() == null ? null : s.gradient().data());
    }

    @Override
    public float[][] predict(float[] representations, long[] shape, long[][] mask) {
        Logits l = expect(new Predict(new FloatTensor(shape.clone(), representations), mask), Logits.class);
        int b = (int) l.logits().shape()[0];
        int c = (int) l.logits().shape()[1];
        if (b != shape[0]) {
            throw new RemoteEndpointException(connection.hostPort() + " returned logits for " + b + " sentences, sent "
                    + shape[0], null);
        }
        float[][] out = new float[b][c];
        for (int i = 0; i < b; i++) {
            System.arraycopy(l.logits().data(), i * c, out[i], 0, c);
        }
        return out;
    }

    @Override
    public void saveCheckpoint() {
        expect(new Checkpoint(false), Ack.class);
    }

    @Override
    public void restoreCheckpoint() {
        expect(new Checkpoint(true), Ack.class);
    }

    /** Times the session was resumed after its connection was lost. */
    public synchronized int resumes() {
        return resumes;
    }

    /** Requests sent again after a resume because the endpoint's checkpoint was older than them. */
    public synchronized long requestsRedone() {
        return redone;
    }

    @Override
    public synchronized Map<String, float[]> topWeights() {
        while (true) {
            try {
                return fetchWeights();
            } catch (RemoteEndpointException e) {
                if (!e.connectionLost() || !resumable()) {
                    throw e;
                }
                reconnect(e);
            }
        }
    }

    private Map<String, float[]> fetchWeights() {
        FetchWeights req = new FetchWeights();
        send(SplitProtocol.toWire(req), req);
        SplitProtocol.WeightsAssembler pieces = new SplitProtocol.WeightsAssembler(
                Math.max(1, opened == null ? 1 : opened.topParameters()));
        try {
            while (true) {
                org.privtune.protocol.v1.Response r = answer(req);
                if (!r.hasWeights()) {
                    throw unexpected(req, SplitProtocol.fromWire(r));
                }
                if (pieces.add(r.getWeights())) {
                    requestCount++;
                    return pieces.weights();
                }
            }
        } catch (ProtocolException e) {
            link.broken = true;
            throw new RemoteEndpointException(connection.hostPort() + " answered FetchWeights with what this device"
                    + " cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Sends {@code req} and returns its answer. Requests that change the session are numbered and
     * kept (the last checkpointEvery + 1 of them) so that, when the connection is lost and the
     * endpoint checkpoints sessions, the session is resumed and what its checkpoint lacks is sent again.
     */
    private synchronized <T extends Response> T expect(Request req, Class<T> type) {
        boolean changes = SplitProtocol.changesSession(req);
        org.privtune.protocol.v1.Request m = changes ? SplitProtocol.toWire(req, applied + 1) : SplitProtocol.toWire(req);
        if (changes && resumable()) {
            journal.addLast(m);
            while (journal.size() > opened.checkpointEvery() + 1) {
                journal.removeFirst();
            }
        }
        while (true) {
            try {
                T r = exchange(m, req, type);
                if (changes) {
                    applied++;
                }
                return r;
            } catch (RemoteEndpointException e) {
                if (!e.connectionLost() || !resumable()) {
                    if (changes && !journal.isEmpty() && journal.peekLast() == m) {
                        journal.removeLast(); // refused: not applied
                    }
                    throw e;
                }
                reconnect(e);
            }
        }
    }

    private boolean resumable() {
        return opened != null && opened.checkpointEvery() > 0 && connection.reconnectMs() > 0;
    }

    /**
     * Opens a new connection and resumes the session from the endpoint's checkpoint, with back-off
     * (0.5 s, doubling up to 30 s) for at most {@link Connection#reconnectMs}; sends again the
     * requests the checkpoint lacks.
     */
    private void reconnect(RemoteEndpointException cause) {
        long deadline = System.nanoTime() + connection.reconnectMs() * 1_000_000L;
        long wait = 500;
        RemoteEndpointException last = cause;
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(Math.min(wait, Math.max(1, (deadline - System.nanoTime()) / 1_000_000L)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RemoteEndpointException("interrupted while reconnecting to " + connection.hostPort(), e);
            }
            wait = Math.min(wait * 2, 30_000);
            link.broken = true;
            link.close();
            link = new Link();
            Open again = open.resuming(opened.session());
            try {
                Opened o = exchange(SplitProtocol.toWire(again), again, Opened.class);
                long at = o.step();
                long oldest = journal.isEmpty() ? applied + 1 : journal.peekFirst().getSequence();
                if (at > applied + 1 || at + 1 < oldest) {
                    throw new RemoteEndpointException("cannot resume the session with " + connection.hostPort()
                            + ": its checkpoint is at request " + at + ", this device has had " + applied
                            + " answered and keeps requests " + oldest + " on", null);
                }
                for (org.privtune.protocol.v1.Request j : journal) {
                    if (j.getSequence() > at && j.getSequence() <= applied) {
                        exchange(j, requestOf(j), Response.class);
                        redone++;
                    }
                }
                resumes++;
                return;
            } catch (RemoteEndpointException e) {
                if (!e.connectionLost()) {
                    throw new RemoteEndpointException("cannot resume the session with " + connection.hostPort() + ": "
                            + e.getMessage(), e);
                }
                last = e;
            }
        }
        throw new RemoteEndpointException(cause.getMessage() + "; the session could not be resumed within "
                + connection.reconnectMs() / 1000 + " s (last: " + last.getMessage() + ")", cause, true);
    }

    /** A journal entry as a request again (this device wrote it: only for names in messages). */
    private static Request requestOf(org.privtune.protocol.v1.Request m) {
        try {
            return SplitProtocol.fromWire(m, new SplitProtocol.Limits(1 << 20, 1 << 20, 0, 1 << 20, 1 << 16, 0));
        } catch (ProtocolException e) {
            throw new IllegalStateException("a request this device wrote does not read back: " + e.getMessage(), e);
        }
    }

    /** Sends {@code m} on the current connection and reads its answer as {@code type}. */
    private <T extends Response> T exchange(org.privtune.protocol.v1.Request m, Request req, Class<T> type) {
        send(m, req);
        Response r;
        try {
            r = SplitProtocol.fromWire(answer(req));
        } catch (ProtocolException e) {
            link.broken = true;
            throw new RemoteEndpointException(connection.hostPort() + " answered " + name(req) + " with what this"
                    + " device cannot read: " + e.getMessage(), e);
        }
        if (!(req instanceof Open)) {
            requestCount++;
        }
        if (!type.isInstance(r)) {
            throw unexpected(req, r);
        }
        return type.cast(r);
    }

    private RemoteEndpointException unexpected(Request req, Response r) {
        if (r instanceof Failure f) {
            return new RemoteEndpointException(connection.hostPort() + " refused "
                    + (req instanceof Open ? "the session" : name(req)) + ": " + f.message(), null);
        }
        link.broken = true;
        return new RemoteEndpointException(connection.hostPort() + " answered " + name(req) + " with "
                + r.getClass().getSimpleName(), null);
    }

    private void send(org.privtune.protocol.v1.Request m, Request req) {
        if (link.broken) {
            throw new RemoteEndpointException("the session with " + connection.hostPort() + " has ended", null, true);
        }
        try {
            link.requests.onNext(m);
        } catch (RuntimeException e) {
            link.broken = true;
            throw new RemoteEndpointException("connection to the cloud endpoint " + connection.hostPort()
                    + " failed during " + name(req) + ": " + e.getMessage(), e, true);
        }
        bytesSent += m.getSerializedSize() + 5;
    }

    /** The next answer, or the reason there is none. */
    private org.privtune.protocol.v1.Response answer(Request req) {
        Object a;
        try {
            a = link.answers.poll(connection.answerTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            link.broken = true;
            throw new RemoteEndpointException("interrupted while waiting for " + connection.hostPort(), e);
        }
        if (a instanceof org.privtune.protocol.v1.Response r) {
            return r;
        }
        link.broken = true;
        if (a == null) {
            throw new RemoteEndpointException("no answer from the cloud endpoint " + connection.hostPort() + " to "
                    + name(req) + " within " + connection.answerTimeoutMs() / 1000.0 + " s", null, true);
        }
        if (a == END) {
            throw new RemoteEndpointException("the cloud endpoint " + connection.hostPort() + " ended the session"
                    + " during " + name(req), null, true);
        }
        throw failure((Throwable) a, req);
    }

    /** A failed call as a message that says what happened and what may help. */
    private RemoteEndpointException failure(Throwable t, Request req) {
        Status s = Status.fromThrowable(t);
        String at = connection.hostPort();
        String desc = s.getDescription() == null ? s.getCode().toString() : s.getDescription();
        Throwable ssl = cause(t, SSLException.class);
        boolean refused = cause(t, ConnectException.class) != null;
        switch (s.getCode()) {
            case UNAUTHENTICATED, PERMISSION_DENIED, INVALID_ARGUMENT, FAILED_PRECONDITION, RESOURCE_EXHAUSTED,
                    OUT_OF_RANGE ->
                {
                return new RemoteEndpointException(at + " refused " + (req instanceof Open ? "the session" : name(req))
                        + ": " + desc, t, s.getCode() == Status.Code.RESOURCE_EXHAUSTED);
                }
            default -> {
                if (ssl != null) {
                    return new RemoteEndpointException("TLS handshake with " + at + " failed: " + ssl.getMessage()
                            + " (is it ./privtune cloud --tls, and is --cloud-cert its certificate?)", t, false);
                }
                String hint = connection.tls() == null && req instanceof Open && !refused
                        ? " (an endpoint started with --tls needs TLS on the device too: --cloud-cert)" : "";
                String what = req instanceof Open ? "cannot open a session at " + at
                        : "connection to the cloud endpoint " + at + " failed during " + name(req);
                return new RemoteEndpointException(what + ": " + s.getCode() + ": " + desc + hint, t, true);
            }
        }
    }

    private static Throwable cause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return c;
            }
        }
        return null;
    }

    private static String name(Request r) {
        return r.getClass().getSimpleName();
    }

    /** Ends the session; the endpoint frees its top (and forgets its checkpoint). */
    @Override
    public synchronized void close() {
        link.close();
    }
}
