package org.privtune.device;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;

import org.privtune.core.InvalidInputException;
import org.privtune.model.MiniLmFiles;
import org.privtune.model.Pooling;
import org.privtune.model.SplitModel;
import org.privtune.model.TopModelEndpoint;
import org.privtune.model.TrainingConfig;
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
import org.privtune.protocol.SplitProtocol.Request;
import org.privtune.protocol.SplitProtocol.Response;
import org.privtune.protocol.SplitProtocol.Step;
import org.privtune.protocol.SplitProtocol.TrainStep;
import org.privtune.protocol.SplitProtocol.Weights;
import org.privtune.protocol.TransportSecurity;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The device's connector to a remote top-model endpoint ({@code ./privtune cloud} or any server
 * of {@code proto/privtune_split.proto}): a {@link TopModelEndpoint} whose every call is one
 * request and one response over a TCP connection, so {@code SplitTrainer} trains against the
 * cloud exactly as it does in-process. What it sends is what the trainer hands it: perturbed
 * representations, the attention mask and the labels.
 */
public final class RemoteTopModel implements TopModelEndpoint {

    /** Thrown when the endpoint refuses a request or the connection fails. */
    public static final class RemoteEndpointException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public RemoteEndpointException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String endpoint;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private Opened opened;
    private long bytesSent;
    private long requests;

    private RemoteTopModel(String endpoint, Socket socket) throws IOException {
        this.endpoint = endpoint;
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    }

    /** The {@link Open} request that asks for the same top as {@code model} trained with {@code cfg}. */
    public static Open openRequest(SplitModel model, TrainingConfig cfg, float dropout, int totalSteps) {
        return new Open(SplitProtocol.VERSION, MiniLmFiles.BASE_MODEL, model.split(), model.labels(),
                model.pooling() == Pooling.CLS ? "cls" : "mean", dropout, cfg.seed(), cfg.learningRate(),
                cfg.warmupFraction(), cfg.weightDecay(), cfg.clipNorm(), totalSteps);
    }

    /**
     * Connects to {@code hostPort} ("host:port") and opens a session.
     *
     * @param timeoutMillis for the connection and for each answer (a step of a large batch on a
     *                      busy server can take seconds; 0 waits forever)
     * @throws InvalidInputException    when {@code hostPort} is not host:port
     * @throws RemoteEndpointException  when the endpoint cannot be reached or refuses the session
     */
    public static RemoteTopModel connect(String hostPort, Open open, int timeoutMillis) {
        return connect(hostPort, open, timeoutMillis, null);
    }

    /**
     * Connects with TLS 1.3 when {@code tls} is given ({@link TransportSecurity#client}: the
     * endpoint must present a trusted certificate for the host name in {@code hostPort}).
     */
    public static RemoteTopModel connect(String hostPort, Open open, int timeoutMillis, SSLContext tls) {
        InetSocketAddress addr = parse(hostPort);
        Socket s = new Socket();
        try {
            s.connect(addr, timeoutMillis);
            s.setTcpNoDelay(true);
            s.setSoTimeout(timeoutMillis);
            if (tls != null) {
                SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, addr.getHostString(), addr.getPort(),
                        true);
                TransportSecurity.configure(ssl, true);
                try {
                    ssl.startHandshake();
                } catch (IOException e) {
                    closeQuietly(ssl);
                    throw new RemoteEndpointException("TLS handshake with " + hostPort + " failed: " + e.getMessage()
                            + " (is it ./privtune cloud --tls, and is --cloud-cert its certificate?)", e);
                }
                s = ssl;
            }
            RemoteTopModel remote = new RemoteTopModel(hostPort, s);
            remote.opened = remote.expect(open, Opened.class);
            return remote;
        } catch (IOException e) {
            closeQuietly(s);
            throw new RemoteEndpointException("cannot open a session at " + hostPort + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(s);
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
        return new InetSocketAddress(host, port);
    }

    /** What the endpoint said when the session opened. */
    public Opened session() {
        return opened;
    }

    /** Bytes written to the endpoint so far (frames included). */
    public synchronized long bytesSent() {
        return bytesSent;
    }

    /** Requests answered so far (the open request not counted). */
    public synchronized long requests() {
        return requests;
    }

    @Override
    public StepResult trainStep(float[] representations, long[] shape, long[][] mask, int[] labels,
            boolean wantGradient) {
        Step s = expect(new TrainStep(new FloatTensor(shape.clone(), representations), mask, labels, wantGradient),
                Step.class);
        if (wantGradient && s.gradient() == null) {
            throw new RemoteEndpointException(endpoint + " returned no representation gradient", null);
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
            throw new RemoteEndpointException(endpoint + " returned logits for " + b + " sentences, sent " + shape[0],
                    null);
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

    @Override
    public Map<String, float[]> topWeights() {
        Weights w = expect(new FetchWeights(), Weights.class);
        Map<String, float[]> out = new LinkedHashMap<>();
        w.tensors().forEach((k, v) -> out.put(k, v.data()));
        return out;
    }

    private synchronized <T extends Response> T expect(Request req, Class<T> type) {
        Response r;
        try {
            bytesSent += SplitProtocol.write(req, out);
            r = SplitProtocol.readResponse(in);
        } catch (IOException e) {
            throw new RemoteEndpointException("connection to the cloud endpoint " + endpoint + " failed during "
                    + req.getClass().getSimpleName() + ": " + e.getMessage() + (req instanceof Open
                            && !(socket instanceof SSLSocket) ? " (an endpoint started with --tls needs TLS on the"
                                    + " device too: --cloud-cert)" : ""), e);
        }
        requests++;
        if (r instanceof Failure f) {
            throw new RemoteEndpointException(endpoint + " refused " + (req instanceof Open ? "the session"
                    : req.getClass().getSimpleName()) + ": " + f.message(), null);
        }
        if (!type.isInstance(r)) {
            throw new RemoteEndpointException(endpoint + " answered " + req.getClass().getSimpleName() + " with "
                    + r.getClass().getSimpleName(), null);
        }
        return type.cast(r);
    }

    /** Ends the session; the endpoint frees its top. */
    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
