package org.privtune.cloud;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import org.privtune.model.InProcessTopModel;
import org.privtune.model.TopModelEndpoint;
import org.privtune.protocol.GrpcTransport;
import org.privtune.protocol.SplitProtocol;
import org.privtune.protocol.SplitProtocol.Ack;
import org.privtune.protocol.SplitProtocol.Checkpoint;
import org.privtune.protocol.SplitProtocol.Failure;
import org.privtune.protocol.SplitProtocol.FetchWeights;
import org.privtune.protocol.SplitProtocol.FloatTensor;
import org.privtune.protocol.SplitProtocol.Limits;
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
import org.privtune.protocol.v1.SplitTrainingGrpc;

import javax.net.ssl.SSLContext;

/**
 * The cloud's top-model endpoint: a gRPC server of {@code SplitTraining} ({@code
 * proto/privtune_split.proto} of {@code org.privtune.protocol}), one split fine-tuning session per
 * call, training the session's top with {@link InProcessTopModel}, the code the studio runs
 * in-process. It also serves {@code grpc.health.v1.Health} and server reflection.
 *
 * <p>Bounded: at most {@link Settings#maxSessions} open sessions (an OpenSession beyond that is
 * refused with RESOURCE_EXHAUSTED), a maximum inbound message size of what the largest legal
 * request needs ({@link Limits#maxRequestBytes}), every request checked against the session's
 * limits before anything sized by it is allocated; each call has at most one request in flight
 * (manual flow control), a call that sends no OpenSession within the open timeout or stays silent
 * for the idle timeout is ended; connections are closed when idle and kept alive by pings; the
 * threads are a fixed pool for gRPC's callbacks, one engine thread and one timer.
 *
 * <p>Sessions take turns on the engine: every top-model operation runs on the single engine
 * thread (only one GradientCollector may be open per JVM), and each session's dropout is seeded
 * from its seed and step ({@link InProcessTopModel#seedEachStep}), so its results do not depend
 * on the sessions beside it. A bad request is answered with an Error naming the field and the
 * session goes on. {@link #close} stops accepting, lets the queued steps finish, frees every
 * session's top on the engine thread and only then returns, so the engine can be closed after.
 *
 * <p>One class of some 930 lines because a session's life (open, steps, checkpoints, resume,
 * close) and the limits that guard it share one set of state and the one engine thread; the
 * messages and their checks are in {@code SplitProtocol}, the top in {@code InProcessTopModel}.
 */
public final class TopModelServer implements AutoCloseable {

    /** Builds the top of a session from its {@link Open} request. */
    public interface TopFactory {
        /**
         * @throws IllegalArgumentException naming the {@code OpenSession} field that cannot be served
         */
        HostedTop open(Open request) throws Exception;

        /** Largest d of any top this factory builds (bounds the inbound message size). */
        default int maxHidden() {
            return 1024;
        }
    }

    /** A session's top: the endpoint that trains it and its hidden size d. */
    public interface HostedTop extends AutoCloseable {
        TopModelEndpoint endpoint();

        int hidden();

        int numLabels();

        /** Number of trainable values. */
        long parameters();

        /** The in-process top whose training state a checkpoint holds, or null when it cannot be resumed. */
        default InProcessTopModel resumable() {
            return null;
        }

        @Override
        void close();
    }

    /**
     * The endpoint's bounds.
     *
     * @param maxSessions   sessions open at once
     * @param maxBatch      sentences per request
     * @param maxTokens     tokens per sentence
     * @param maxLabels     classes per session
     * @param openTimeoutMs how long a call may take to send its OpenSession (and a TLS handshake to finish)
     * @param idleTimeoutMs how long an open session may stay silent between requests
     * @param threads       gRPC callback threads
     */
    public record Settings(int maxSessions, int maxBatch, int maxTokens, int maxLabels, long openTimeoutMs,
            long idleTimeoutMs, int threads, Path checkpoints, int checkpointEvery) {

        public Settings {
            if (maxSessions < 1 || maxBatch < 1 || maxTokens < 1 || maxLabels < 2 || openTimeoutMs < 1
                    || idleTimeoutMs < 1 || threads < 1 || checkpointEvery < 1) {
                throw new IllegalArgumentException("endpoint settings must be positive (labels at least 2): "
                        + maxSessions + ", " + maxBatch + ", " + maxTokens + ", " + maxLabels + ", " + openTimeoutMs
                        + ", " + idleTimeoutMs + ", " + threads + ", " + checkpointEvery);
            }
        }

        /** Memory one MiniLM session takes, with a step's activations at the default limits (measured, rounded up). */
        public static final long SESSION_BYTES = 400L << 20;

        /**
         * Defaults: 64 sentences of 256 tokens, 64 classes, 60 s to open, 15 min idle; sessions from
         * memory; no checkpoints (every 20 requests once a folder is given).
         */
        public static Settings defaults() {
            return new Settings(sessionsForMemory(physicalMemory()), 64, 256, 64, 60_000, 900_000, 4, null, 20);
        }

        /** Sessions that fit in {@code bytes} of memory beside the engine and one MiniLM copy (1 GiB), 1..64. */
        public static int sessionsForMemory(long bytes) {
            return (int) Math.max(1, Math.min(64, (bytes - (1L << 30)) / SESSION_BYTES));
        }

        public Settings withMaxSessions(int n) {
            return new Settings(n, maxBatch, maxTokens, maxLabels, openTimeoutMs, idleTimeoutMs, threads, checkpoints,
                    checkpointEvery);
        }

        public Settings withTimeouts(long openMs, long idleMs) {
            return new Settings(maxSessions, maxBatch, maxTokens, maxLabels, openMs, idleMs, threads, checkpoints,
                    checkpointEvery);
        }

        public Settings withRequestLimits(int batch, int tokens, int labels) {
            return new Settings(maxSessions, batch, tokens, labels, openTimeoutMs, idleTimeoutMs, threads, checkpoints,
                    checkpointEvery);
        }

        /**
         * Sessions are checkpointed into {@code dir} every {@code every} requests that change them,
         * when their device goes away and at shutdown, and can be resumed from there.
         */
        public Settings withCheckpoints(Path dir, int every) {
            return new Settings(maxSessions, maxBatch, maxTokens, maxLabels, openTimeoutMs, idleTimeoutMs, threads, dir,
                    every);
        }
    }

    /** The machine's memory (the JVM's view), or 4 GiB when it cannot be read. */
    public static long physicalMemory() {
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getTotalMemorySize();
            }
        } catch (RuntimeException | LinkageError e) {
            // fall through
        }
        return 4L << 30;
    }

    /** How long the checkpoint of a session whose device went away is kept. */
    public static final Duration CHECKPOINT_RETENTION = Duration.ofHours(24);

    /** The service name health checks ask about (besides the server as a whole, ""). */
    public static final String SERVICE = SplitTrainingGrpc.SERVICE_NAME;

    private final Server server;
    private volatile Server healthOnly;
    private final TopFactory factory;
    private final Consumer<String> log;
    private final Settings settings;
    private final Limits limits;
    private final HealthStatusManager health = new HealthStatusManager();
    private final ThreadPoolExecutor callbacks;
    private final ThreadPoolExecutor engine;
    private final ScheduledExecutorService timer;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong openedCount = new AtomicLong();
    private final boolean tls;
    private final SessionCheckpoints store;
    private long closedSessions;
    private volatile boolean closing;

    private TopModelServer(InetSocketAddress bind, TopFactory factory, Consumer<String> log, SSLContext tls,
            String token, Settings settings) throws IOException {
        this.factory = factory;
        this.log = log;
        this.settings = settings;
        this.tls = tls != null;
        this.limits = new Limits(settings.maxBatch(), settings.maxTokens(), 0, factory.maxHidden(),
                settings.maxLabels(), 0);
        if (settings.checkpoints() != null) {
            this.store = new SessionCheckpoints(settings.checkpoints());
            int old = store.removeOlderThan(CHECKPOINT_RETENTION);
            if (old > 0) {
                log.accept("removed " + old + " session checkpoint(s) older than " + CHECKPOINT_RETENTION.toHours()
                        + " h from " + store.dir());
            }
        } else {
            this.store = null;
        }
        this.callbacks = new ThreadPoolExecutor(settings.threads(), settings.threads(), 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemons("privtune-grpc"));
        this.engine = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemons("privtune-engine"));
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, daemons("privtune-timer"));
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        this.boss = new NioEventLoopGroup(1, daemons("privtune-accept"));
        this.workers = new NioEventLoopGroup(2, daemons("privtune-io"));
        ServerServiceDefinition service = ServerInterceptors.intercept(tolerant(new Service().bindService()),
                REMEMBER_PEER);
        if (token != null && !token.isEmpty()) {
            service = ServerInterceptors.intercept(service, GrpcTransport.requireToken(token, log));
        }
        NettyServerBuilder b = NettyServerBuilder.forAddress(bind).channelType(NioServerSocketChannel.class)
                .bossEventLoopGroup(boss).workerEventLoopGroup(workers).executor(callbacks)
                .maxInboundMessageSize(limits.maxRequestBytes()).maxInboundMetadataSize(8 << 10)
                .maxConcurrentCallsPerConnection(4).flowControlWindow(1 << 20)
                .handshakeTimeout(settings.openTimeoutMs(), TimeUnit.MILLISECONDS)
                .maxConnectionIdle(settings.idleTimeoutMs(), TimeUnit.MILLISECONDS)
                .keepAliveTime(60, TimeUnit.SECONDS).keepAliveTimeout(20, TimeUnit.SECONDS)
                .permitKeepAliveTime(5, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true)
                .addService(service).addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance());
        if (tls != null) {
            b.sslContext(GrpcTransport.serverTls(tls));
        }
        this.server = b.build();
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(SERVICE, ServingStatus.SERVING);
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Listens on {@code bind} (port 0 picks a free port, see {@link #port()}), plain, no token,
     * default settings.
     *
     * @param log one line per session event (opened, closed, refused)
     */
    public static TopModelServer start(InetSocketAddress bind, TopFactory factory, Consumer<String> log)
            throws IOException {
        return start(bind, factory, log, null, null);
    }

    /**
     * Listens on {@code bind}, with TLS 1.3 when {@code tls} is given (see
     * {@link TransportSecurity#server}) and requiring {@code token} as every call's credentials
     * when it is not null or empty.
     */
    public static TopModelServer start(InetSocketAddress bind, TopFactory factory, Consumer<String> log,
            SSLContext tls, String token) throws IOException {
        return start(bind, factory, log, tls, token, Settings.defaults());
    }

    /** As {@link #start(InetSocketAddress, TopFactory, Consumer, SSLContext, String)}, with {@code settings}. */
    public static TopModelServer start(InetSocketAddress bind, TopFactory factory, Consumer<String> log,
            SSLContext tls, String token, Settings settings) throws IOException {
        TopModelServer s = new TopModelServer(bind, factory, log, tls, token, settings);
        try {
            s.server.start();
        } catch (IOException | RuntimeException e) {
            s.stopThreads();
            throw e;
        }
        return s;
    }

    /**
     * Also serves the standard health service, and nothing else, plainly on {@code bind}: for
     * probes that cannot speak TLS (Kubernetes' built-in gRPC probes) in front of a TLS endpoint.
     * It reports what the endpoint's own health service reports and stops with the endpoint.
     *
     * @return the port it listens on
     */
    public synchronized int serveHealth(InetSocketAddress bind) throws IOException {
        if (healthOnly != null) {
            throw new IllegalStateException("the health service already has its own port " + healthOnly.getPort());
        }
        Server h = NettyServerBuilder.forAddress(bind).channelType(NioServerSocketChannel.class)
                .bossEventLoopGroup(boss).workerEventLoopGroup(workers).executor(callbacks)
                .maxInboundMessageSize(4 << 10).maxInboundMetadataSize(4 << 10).maxConcurrentCallsPerConnection(4)
                .handshakeTimeout(settings.openTimeoutMs(), TimeUnit.MILLISECONDS)
                .maxConnectionIdle(60, TimeUnit.SECONDS).maxConnectionAge(10, TimeUnit.MINUTES)
                .addService(health.getHealthService()).build();
        h.start();
        healthOnly = h;
        return h.getPort();
    }

    /**
     * Whether the C library's freed memory is given back to the system after each session
     * (glibc's malloc_trim; off with -Dprivtune.cloud.keepFreedMemory=true).
     */
    public static boolean trimsNativeMemory() {
        return NativeHeap.enabled();
    }

    /** The bounds this endpoint applies. */
    public Settings settings() {
        return settings;
    }

    /** What a request may hold before its session is open (the maximum inbound message size is its maxRequestBytes). */
    public Limits limits() {
        return limits;
    }

    /** True when connections use TLS. */
    public boolean isTls() {
        return tls;
    }

    /** The port the server listens on. */
    public int port() {
        return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    }

    /** Sessions opened since the start. */
    public long sessionsOpened() {
        return openedCount.get();
    }

    /** Sessions open now. */
    public int sessionsOpen() {
        return open.get();
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

    /** What the service gets for a message that is not a Request: it answers with the reason. */
    private static final org.privtune.protocol.v1.Request UNREADABLE = org.privtune.protocol.v1.Request.newBuilder()
            .setSequence(Long.MIN_VALUE).build();

    /**
     * The service with a request marshaller that hands {@link #UNREADABLE} to the session instead
     * of failing the call from inside gRPC (which logs a stack trace and ends the call UNKNOWN): a
     * session refuses such a message naming it and goes on.
     */
    @SuppressWarnings("unchecked")
    private static ServerServiceDefinition tolerant(ServerServiceDefinition generated) {
        MethodDescriptor<org.privtune.protocol.v1.Request, org.privtune.protocol.v1.Response> m =
                SplitTrainingGrpc.getSessionMethod();
        MethodDescriptor.Marshaller<org.privtune.protocol.v1.Request> strict = m.getRequestMarshaller();
        MethodDescriptor<org.privtune.protocol.v1.Request, org.privtune.protocol.v1.Response> lenient = m.toBuilder()
                .setRequestMarshaller(new MethodDescriptor.Marshaller<>() {
                    @Override
                    public java.io.InputStream stream(org.privtune.protocol.v1.Request value) {
                        return strict.stream(value);
                    }

                    @Override
                    public org.privtune.protocol.v1.Request parse(java.io.InputStream stream) {
                        try {
                            return strict.parse(stream);
                        } catch (RuntimeException e) {
                            return UNREADABLE;
                        }
                    }
                }).build();
        ServerCallHandler<org.privtune.protocol.v1.Request, org.privtune.protocol.v1.Response> handler =
                (ServerCallHandler<org.privtune.protocol.v1.Request, org.privtune.protocol.v1.Response>) generated
                        .getMethod(m.getFullMethodName()).getServerCallHandler();
        ServiceDescriptor descriptor = ServiceDescriptor.newBuilder(SplitTrainingGrpc.SERVICE_NAME)
                .setSchemaDescriptor(SplitTrainingGrpc.getServiceDescriptor().getSchemaDescriptor()).addMethod(lenient)
                .build();
        return ServerServiceDefinition.builder(descriptor).addMethod(lenient, handler).build();
    }

    /** The device's address, for log lines. */
    private static final Context.Key<String> PEER = Context.key("privtune-peer");

    /** Puts the call's remote address into {@link #PEER}. */
    private static final ServerInterceptor REMEMBER_PEER = new ServerInterceptor() {
        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                ServerCallHandler<Q, A> next) {
            Context c = Context.current().withValue(PEER,
                    String.valueOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
            return Contexts.interceptCall(c, call, headers, next);
        }
    };

    /** The service: one {@link Session} per call. */
    private final class Service extends SplitTrainingGrpc.SplitTrainingImplBase {
        @Override
        public StreamObserver<org.privtune.protocol.v1.Request> session(
                StreamObserver<org.privtune.protocol.v1.Response> responses) {
            ServerCallStreamObserver<org.privtune.protocol.v1.Response> call =
                    (ServerCallStreamObserver<org.privtune.protocol.v1.Response>) responses;
            call.disableAutoRequest();
            Session s = new Session(call);
            call.setOnCancelHandler(() -> s.end("cancelled by the device", null));
            if (closing) {
                s.fail(Status.UNAVAILABLE.withDescription("the endpoint is shutting down"));
                return s;
            }
            sessions.add(s);
            s.arm(settings.openTimeoutMs());
            call.request(1);
            return s;
        }
    }

    /** One call: at most one request in flight, handled on the engine thread. */
    private final class Session implements StreamObserver<org.privtune.protocol.v1.Request> {
        private final ServerCallStreamObserver<org.privtune.protocol.v1.Response> call;
        private final String peer;
        private Limits sessionLimits = limits;
        private HostedTop top;
        private String id;
        private Open opened;
        private long steps;
        private long applied;
        private org.privtune.protocol.v1.Response lastAnswer;
        private ScheduledFuture<?> timeout;
        private boolean ended;
        private boolean finished;

        Session(ServerCallStreamObserver<org.privtune.protocol.v1.Response> call) {
            this.call = call;
            this.peer = PEER.get() == null ? "?" : PEER.get();
        }

        private synchronized void arm(long ms) {
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (!ended) {
                timeout = timer.schedule(() -> {
                    String what = top == null ? "sent no OpenSession within " + ms + " ms"
                            : "silent for " + ms + " ms";
                    log.accept(who() + " timed out: " + what);
                    fail(Status.DEADLINE_EXCEEDED.withDescription("the endpoint ends a call that " + what));
                }, ms, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void onNext(org.privtune.protocol.v1.Request m) {
            synchronized (this) {
                if (timeout != null) {
                    timeout.cancel(false);
                }
            }
            try {
                engine.execute(() -> handle(m));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                fail(Status.UNAVAILABLE.withDescription("the endpoint is shutting down"));
            }
        }

        @Override
        public void onError(Throwable t) {
            end("lost: " + Status.fromThrowable(t), null);
        }

        /** The device half-closed: answer what is queued, then complete the call and free the top. */
        @Override
        public void onCompleted() {
            try {
                engine.execute(() -> {
                    synchronized (this) {
                        finished = true;
                        if (!ended) {
                            try {
                                call.onCompleted();
                            } catch (IllegalStateException e) {
                                // cancelled meanwhile
                            }
                        }
                    }
                    end(null, null);
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                fail(Status.UNAVAILABLE.withDescription("the endpoint is shutting down"));
            }
        }

        /** Runs on the engine thread. */
        private void handle(org.privtune.protocol.v1.Request m) {
            synchronized (this) {
                if (ended) {
                    return;
                }
            }
            Request r;
            try {
                if (m == UNREADABLE) {
                    throw new ProtocolException("Request: not a valid protobuf message of privtune.split.v1");
                }
                r = SplitProtocol.fromWire(m, sessionLimits);
            } catch (ProtocolException e) {
                if (top == null) {
                    log.accept("refused " + peer + ": " + e.getMessage());
                    fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
                } else {
                    reply(new Failure(e.getMessage()));
                }
                return;
            }
            if (top == null) {
                open(r);
                return;
            }
            long seq = m.getSequence();
            if (SplitProtocol.changesSession(r) && seq > 0 && seq != applied + 1) {
                if (seq == applied && lastAnswer != null) { // its answer was lost: the same answer, not a second step
                    replyWire(lastAnswer);
                } else {
                    reply(new Failure("Request.sequence: " + seq + ", the session has applied " + applied
                            + " and takes " + (applied + 1) + " next"));
                }
                return;
            }
            Response resp;
            try {
                resp = serve(top, r);
                steps += r instanceof TrainStep ? 1 : 0;
                if (SplitProtocol.changesSession(r)) {
                    applied++;
                    lastAnswer = SplitProtocol.toWire(resp);
                    if (store != null && applied % settings.checkpointEvery() == 0) {
                        checkpoint();
                    }
                }
            } catch (IllegalArgumentException e) {
                resp = new Failure(e.getMessage());
            } catch (RuntimeException e) {
                resp = new Failure("server error in " + r.getClass().getSimpleName() + ": " + e);
                log.accept(who() + ": " + e);
            }
            if (resp instanceof Weights w) {
                List<org.privtune.protocol.v1.Response> pieces = SplitProtocol.weightPieces(w,
                        SplitProtocol.WEIGHT_PIECE_VALUES);
                synchronized (this) {
                    if (ended) {
                        return;
                    }
                    for (var p : pieces) {
                        call.onNext(p);
                    }
                }
                next();
            } else {
                reply(resp);
            }
        }

        private void open(Request r) {
            if (!(r instanceof Open o)) {
                String why = "Request.body: the first request of a session must be open, got "
                        + r.getClass().getSimpleName();
                log.accept("refused " + peer + ": " + why);
                fail(Status.FAILED_PRECONDITION.withDescription(why));
                return;
            }
            String refusal = null;
            if (o.protocolVersion() != SplitProtocol.VERSION) {
                refusal = "OpenSession.protocol_version: " + o.protocolVersion() + " is not spoken here (this server"
                        + " speaks " + SplitProtocol.VERSION + ")";
            } else if (!o.resume().isEmpty() && store == null) {
                refusal = "OpenSession.resume: this endpoint keeps no checkpoints (./privtune cloud --checkpoints)";
            } else if (!o.resume().isEmpty() && !SessionCheckpoints.isId(o.resume())) {
                refusal = "OpenSession.resume: not a session id of this endpoint";
            } else if (!o.resume().isEmpty() && sessions.stream().anyMatch(x -> o.resume().equals(x.id))) {
                fail(Status.UNAVAILABLE.withDescription("session " + o.resume() + " is still open here (its old"
                        + " connection has not timed out yet); try again"));
                return;
            } else if (closing) {
                fail(Status.UNAVAILABLE.withDescription("the endpoint is shutting down"));
                return;
            } else if (open.incrementAndGet() > settings.maxSessions()) {
                open.decrementAndGet();
                String why = "this endpoint has " + settings.maxSessions() + " sessions open, its limit; try later";
                log.accept("refused " + peer + ": " + why);
                fail(Status.RESOURCE_EXHAUSTED.withDescription(why));
                return;
            } else {
                try {
                    refusal = o.resume().isEmpty() ? build(o) : resume(o);
                } catch (Exception e) {
                    refusal = e instanceof IllegalArgumentException ? e.getMessage() : "cannot build the top: " + e;
                }
                if (refusal != null) {
                    if (top != null) {
                        top.close();
                        top = null;
                    }
                    open.decrementAndGet();
                }
            }
            if (refusal != null) {
                log.accept("refused " + peer + ": " + refusal);
                synchronized (this) {
                    if (!ended) {
                        call.onNext(SplitProtocol.toWire(new Failure(refusal)));
                        call.onCompleted();
                    }
                }
                end(null, null);
                return;
            }
            sessionLimits = limits.forSession(top.hidden(), top.numLabels());
            openedCount.incrementAndGet();
            log.accept("session " + id + (o.resume().isEmpty() ? " opened" : " resumed at request " + applied)
                    + " by " + peer + ": " + o.baseModel() + " split " + o.splitLayer() + ", " + o.labels().size()
                    + " labels, " + top.parameters() + " trainable values, " + o.totalSteps() + " steps");
            boolean resumable = store != null && top.resumable() != null;
            reply(new Opened(id, top.parameters(), "PrivTune cloud endpoint, protocol " + SplitProtocol.VERSION,
                    top.hidden(), (int) applied, resumable ? settings.checkpointEvery() : 0));
        }

        /** A new session's top; null, or why not. */
        private String build(Open o) throws Exception {
            top = factory.open(o);
            this.opened = o;
            id = SessionCheckpoints.newId();
            return null;
        }

        /** The top of a session resumed from its checkpoint; null, or why not. */
        private String resume(Open o) throws Exception {
            SessionCheckpoints.Saved saved = store.load(o.resume(), limits);
            if (saved == null) {
                return "OpenSession.resume: no checkpoint of that session here (it ended, or its checkpoint is older"
                        + " than " + CHECKPOINT_RETENTION.toHours() + " h)";
            }
            if (!saved.open().resuming("").equals(o.resuming(""))) {
                return "OpenSession: not the request session " + o.resume() + " was opened with";
            }
            top = factory.open(saved.open());
            InProcessTopModel state = top.resumable();
            if (state == null) {
                return "OpenSession.resume: this endpoint's tops cannot be resumed";
            }
            state.restore(saved.state());
            this.opened = saved.open();
            id = o.resume();
            applied = saved.applied();
            steps = saved.state().steps();
            lastAnswer = saved.lastAnswer() == null ? null
                    : org.privtune.protocol.v1.Response.parseFrom(saved.lastAnswer());
            return null;
        }

        private void reply(Response r) {
            replyWire(SplitProtocol.toWire(r));
        }

        private void replyWire(org.privtune.protocol.v1.Response r) {
            synchronized (this) {
                if (ended) {
                    return;
                }
                call.onNext(r);
            }
            next();
        }

        /** Writes the session's checkpoint (engine thread); a failure is logged, the session goes on. */
        private void checkpoint() {
            InProcessTopModel state = top == null ? null : top.resumable();
            if (state == null || store == null) {
                return;
            }
            try {
                store.save(id, new SessionCheckpoints.Saved(opened, applied,
                        lastAnswer == null ? null : lastAnswer.toByteArray(), state.snapshot()));
            } catch (IOException | RuntimeException e) {
                log.accept(who() + ": checkpoint not written: " + e);
            }
        }

        /** Asks for the next request and starts the idle clock. */
        private void next() {
            synchronized (this) {
                if (ended) {
                    return;
                }
                call.request(1);
            }
            arm(top == null ? settings.openTimeoutMs() : settings.idleTimeoutMs());
        }

        /** Ends the call with {@code status} (from any thread). */
        void fail(Status status) {
            synchronized (this) {
                if (!ended) {
                    try {
                        call.onError(status.asRuntimeException());
                    } catch (IllegalStateException e) {
                        // the call is already closed
                    }
                }
            }
            end(null, status);
        }

        /** Frees the session's top on the engine thread; idempotent. */
        void end(String why, Status status) {
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
                if (timeout != null) {
                    timeout.cancel(false);
                }
            }
            if (why != null && id != null) {
                log.accept(who() + " " + why);
            }
            try {
                engine.execute(this::free);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // close() frees what is left
            }
        }

        /** Runs on the engine thread (or in close(), after it has stopped). */
        synchronized void free() {
            sessions.remove(this);
            if (top != null) {
                if (store != null && top.resumable() != null) {
                    if (finished) {
                        try {
                            store.delete(id);
                        } catch (IOException e) {
                            log.accept(who() + ": checkpoint not removed: " + e);
                        }
                    } else { // the device went away (or the endpoint stops): it may come back
                        checkpoint();
                    }
                }
                top.close();
                top = null;
                NativeHeap.trim(); // the freed top's pages go back to the system, not only to malloc
                open.decrementAndGet();
                log.accept("session " + id + " closed after " + steps + " training steps");
                sessionEnded();
            }
        }

        private String who() {
            return id == null ? "call from " + peer : "session " + id + " from " + peer;
        }

        @Override
        public String toString() {
            return who();
        }
    }

    private static Response serve(HostedTop top, Request r) {
        TopModelEndpoint e = top.endpoint();
        return switch (r) {
            case Open o -> throw new IllegalArgumentException("Request.open: the session is already open");
            case TrainStep t -> {
                FloatTensor reps = t.representations();
                TopModelEndpoint.StepResult s = e.trainStep(reps.data(), reps.shape(), t.mask(), t.labels(),
                        t.wantGradient());
                if (!Float.isFinite(s.loss()) || !Float.isFinite(s.gradientNorm())) {
                    throw new IllegalArgumentException("TrainStep: the " + (Float.isFinite(s.loss()) ? "gradient norm is "
                            + s.gradientNorm() : "loss is " + s.loss()) + " on these representations; the step was not"
                            + " applied");
                }
                yield new Step(s.loss(), s.correct(), s.gradientNorm(),
                        s.representationGradient() == null ? null
                                : new FloatTensor(reps.shape().clone(), s.representationGradient()));
            }
            case Predict p -> {
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

    /**
     * Stops accepting calls, lets the requests already queued on the engine finish, ends every
     * call, frees every session's top and stops the threads. Returns only when no engine work is
     * running or can start, so the caller may then close the engine's manager. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        health.enterTerminalState();
        server.shutdown(); // no new calls; running ones go on until ended below
        Server h = healthOnly;
        if (h != null) {
            h.shutdownNow();
        }
        try {
            // the engine finishes what is queued (running steps end normally), then stops taking work
            engine.shutdown();
            if (!engine.awaitTermination(10, TimeUnit.MINUTES)) {
                log.accept("engine still busy after 10 minutes at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Session> left = new ArrayList<>(sessions);
        for (Session s : left) {
            s.fail(Status.UNAVAILABLE.withDescription("the endpoint is shutting down"));
        }
        for (Session s : left) {
            s.free();
        }
        server.shutdownNow();
        try {
            server.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopThreads();
    }

    private void stopThreads() {
        engine.shutdownNow();
        callbacks.shutdownNow();
        timer.shutdownNow();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** Pending engine work (for tests and logs). */
    int engineQueue() {
        return engine.getQueue().size();
    }
}
