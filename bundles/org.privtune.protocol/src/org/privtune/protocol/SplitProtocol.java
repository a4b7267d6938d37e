package org.privtune.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;

import org.privtune.protocol.v1.NamedTensor;
import org.privtune.protocol.v1.OpenSession;
import org.privtune.protocol.v1.SessionOpened;
import org.privtune.protocol.v1.StepResult;
import org.privtune.protocol.v1.Tensor;

/**
 * The device-cloud messages of split fine-tuning ({@code proto/privtune_split.proto}, package
 * {@code privtune.split.v1}) as Java records, and their conversion to and from the classes protoc
 * generates from that file ({@code org.privtune.protocol.v1}). Reading a request checks it against
 * the session's {@link Limits} before it allocates anything sized by the message (a shape is
 * checked against the bytes that are there and against the limits first), and checks every value
 * the top would train on (finite representations, a mask of 0 and 1, labels of the session); a
 * refusal is a {@link ProtocolException} whose message starts with the field at fault.
 *
 * <p>One class of some 680 lines on purpose: each message's checks sit next to its conversion,
 * so that no field reaches the top unchecked.
 */
public final class SplitProtocol {

    /** The {@code protocol_version} this side speaks (1 was length-framed messages over plain TCP). */
    public static final int VERSION = 2;

    /**
     * Values per {@code Weights} piece: 512 Ki floats, 2 MiB, so that a piece fits the 4 MiB that
     * gRPC clients accept by default.
     */
    public static final int WEIGHT_PIECE_VALUES = 1 << 19;

    /** Longest string accepted in an {@code OpenSession} (model name, class names, pooling). */
    public static final int MAX_NAME_CHARS = 256;

    private SplitProtocol() {
    }

    /**
     * What one session may send, checked before anything is allocated.
     *
     * @param maxBatch  sentences per TrainStep or Predict
     * @param maxTokens tokens per sentence (T)
     * @param hidden    d of the session's top (0 before the session is open: any d up to maxHidden)
     * @param maxHidden largest d any top of the endpoint takes
     * @param maxLabels classes an OpenSession may ask for
     * @param numLabels the session's classes (0 before it is open)
     */
    public record Limits(int maxBatch, int maxTokens, int hidden, int maxHidden, int maxLabels, int numLabels) {

        public Limits {
            if (maxBatch < 1 || maxTokens < 1 || maxHidden < 1 || maxLabels < 2 || hidden < 0 || hidden > maxHidden
                    || numLabels < 0 || numLabels > maxLabels) {
                throw new IllegalArgumentException("limits must be positive and fit together: " + maxBatch + ", "
                        + maxTokens + ", " + hidden + "/" + maxHidden + ", " + numLabels + "/" + maxLabels);
            }
        }

        /** The limits of a session whose top takes {@code d} and has {@code classes} classes. */
        public Limits forSession(int d, int classes) {
            return new Limits(maxBatch, maxTokens, d, maxHidden, maxLabels, classes);
        }

        /**
         * Bytes of the largest legal request (a full TrainStep with labels) plus room for framing:
         * the endpoint's maximum inbound message size.
         */
        public int maxRequestBytes() {
            long values = (long) maxBatch * maxTokens;
            long bytes = values * maxHidden * 4 + values * 8 + maxBatch * 6L + 4096;
            long names = (long) (maxLabels + 2) * (MAX_NAME_CHARS * 4 + 8);
            return (int) Math.min(Integer.MAX_VALUE - 8, Math.max(bytes, names + 4096));
        }
    }

    /** A dense row-major float32 tensor. */
    public record FloatTensor(long[] shape, float[] data) {

        public FloatTensor {
            long n = 1;
            for (long s : shape) {
                if (s < 0) {
                    throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
                }
                n *= s;
            }
            if (n != data.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got "
                        + data.length);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FloatTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "FloatTensor" + Arrays.toString(shape);
        }
    }

    /** What the device sends. */
    public sealed interface Request permits Open, TrainStep, Predict, Checkpoint, FetchWeights {
    }

    /** What the cloud answers. */
    public sealed interface Response permits Opened, Step, Logits, Ack, Weights, Failure {
    }

    /**
     * First request of a session: which top to build and how to train it.
     *
     * @param resume             the session to resume from its last checkpoint on the endpoint ("" for a new one)
     * @param baseWeightsSha256 hex SHA-256 of the base model's weights the device's bottom comes from
     *                           ("": not said; an endpoint that serves models refuses that)
     */
    public record Open(int protocolVersion, String baseModel, int splitLayer, List<String> labels, String pooling,
            float dropout, long seed, float learningRate, float warmupFraction, float weightDecay, float clipNorm,
            int totalSteps, String resume, String baseWeightsSha256) implements Request {

        public Open {
            labels = List.copyOf(labels);
            resume = resume == null ? "" : resume;
            baseWeightsSha256 = baseWeightsSha256 == null ? "" : baseWeightsSha256;
        }

        /** A request without the base weights' checksum. */
        public Open(int protocolVersion, String baseModel, int splitLayer, List<String> labels, String pooling,
                float dropout, long seed, float learningRate, float warmupFraction, float weightDecay, float clipNorm,
                int totalSteps, String resume) {
            this(protocolVersion, baseModel, splitLayer, labels, pooling, dropout, seed, learningRate, warmupFraction,
                    weightDecay, clipNorm, totalSteps, resume, "");
        }

        /** A new session. */
        public Open(int protocolVersion, String baseModel, int splitLayer, List<String> labels, String pooling,
                float dropout, long seed, float learningRate, float warmupFraction, float weightDecay, float clipNorm,
                int totalSteps) {
            this(protocolVersion, baseModel, splitLayer, labels, pooling, dropout, seed, learningRate, warmupFraction,
                    weightDecay, clipNorm, totalSteps, "");
        }

        /** The same request, asking to resume {@code session}. */
        public Open resuming(String session) {
            return new Open(protocolVersion, baseModel, splitLayer, labels, pooling, dropout, seed, learningRate,
                    warmupFraction, weightDecay, clipNorm, totalSteps, session, baseWeightsSha256);
        }

        /** The same request, naming the base model's weights by their SHA-256. */
        public Open withBaseWeights(String sha256) {
            return new Open(protocolVersion, baseModel, splitLayer, labels, pooling, dropout, seed, learningRate,
                    warmupFraction, weightDecay, clipNorm, totalSteps, resume, sha256);
        }

        @Override
        public String toString() {
            return "Open[" + baseModel + ", split " + splitLayer + ", labels " + labels + ", " + pooling + ", "
                    + totalSteps + " steps, protocol " + protocolVersion + (resume.isEmpty() ? "" : ", resume " + resume)
                    + "]";
        }
    }

    /** One optimiser step of the top on perturbed representations [B, T, d]. */
    public record TrainStep(FloatTensor representations, long[][] mask, int[] labels, boolean wantGradient)
            implements Request {

        public TrainStep {
            checkBatch("TrainStep", representations, mask);
            if (labels.length != representations.shape()[0]) {
                throw new IllegalArgumentException("TrainStep.labels: " + labels.length + " labels for "
                        + representations.shape()[0] + " sentences");
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TrainStep t && representations.equals(t.representations)
                    && Arrays.deepEquals(mask, t.mask) && Arrays.equals(labels, t.labels)
                    && wantGradient == t.wantGradient;
        }

        @Override
        public int hashCode() {
            return representations.hashCode() * 31 + Arrays.hashCode(labels);
        }
    }

    /** Class logits for perturbed representations, no training. */
    public record Predict(FloatTensor representations, long[][] mask) implements Request {

        public Predict {
            checkBatch("Predict", representations, mask);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Predict p && representations.equals(p.representations) && Arrays.deepEquals(mask, p.mask);
        }

        @Override
        public int hashCode() {
            return representations.hashCode();
        }
    }

    /** Remember (restore = false) or put back (restore = true) the top's weights. */
    public record Checkpoint(boolean restore) implements Request {
    }

    /** Ask for the top's trained parameters. */
    public record FetchWeights() implements Request {
    }

    /**
     * @param step            requests the session has applied (more than 0 when it was resumed)
     * @param checkpointEvery the endpoint checkpoints the session every this many requests (0: never)
     */
    public record Opened(String session, long topParameters, String server, int hidden, int step,
            int checkpointEvery) implements Response {

        public Opened(String session, long topParameters, String server, int hidden) {
            this(session, topParameters, server, hidden, 0, 0);
        }
    }

    public record Step(float loss, int correct, float gradientNorm, FloatTensor gradient) implements Response {
    }

    public record Logits(FloatTensor logits) implements Response {
    }

    public record Ack() implements Response {
    }

    /** The top's parameters by name, in the model's order. */
    public record Weights(Map<String, FloatTensor> tensors) implements Response {

        public Weights {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        }
    }

    /** The request could not be carried out; the message names the field at fault. */
    public record Failure(String message) implements Response {
    }

    /** A message that is not a valid message of this protocol, or breaks a limit. */
    public static final class ProtocolException extends IOException {
        private static final long serialVersionUID = 1L;

        public ProtocolException(String message) {
            super(message);
        }

        public ProtocolException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static void checkBatch(String message, FloatTensor reps, long[][] mask) {
        long[] s = reps.shape();
        if (s.length != 3) {
            throw new IllegalArgumentException(message + ".representations: shape " + Arrays.toString(s)
                    + " is not [B, T, d]");
        }
        if (mask.length != s[0]) {
            throw new IllegalArgumentException(message + ".attention_mask: " + mask.length + " rows for " + s[0]
                    + " sentences");
        }
        for (int i = 0; i < mask.length; i++) {
            if (mask[i].length != s[1]) {
                throw new IllegalArgumentException(message + ".attention_mask: row " + i + " has " + mask[i].length
                        + " entries, representations have " + s[1] + " tokens");
            }
        }
    }

    // ---------------------------------------------------------------- to the wire

    /** True for the requests that change a session (they carry a {@code sequence} number). */
    public static boolean changesSession(Request r) {
        return r instanceof TrainStep || r instanceof Checkpoint;
    }

    /** The generated message of a request that changes the session, numbered {@code sequence}. */
    public static org.privtune.protocol.v1.Request toWire(Request r, long sequence) {
        return toWire(r).toBuilder().setSequence(sequence).build();
    }

    /** The generated message of a request. */
    public static org.privtune.protocol.v1.Request toWire(Request r) {
        var b = org.privtune.protocol.v1.Request.newBuilder();
        switch (r) {
            case Open o -> b.setOpen(OpenSession.newBuilder().setProtocolVersion(o.protocolVersion())
                    .setBaseModel(o.baseModel()).setSplitLayer(o.splitLayer()).addAllLabels(o.labels())
                    .setPooling(o.pooling()).setDropout(o.dropout()).setSeed(o.seed())
                    .setLearningRate(o.learningRate()).setWarmupFraction(o.warmupFraction())
                    .setWeightDecay(o.weightDecay()).setClipNorm(o.clipNorm()).setTotalSteps(o.totalSteps())
                    .setResume(o.resume()).setBaseWeightsSha256(o.baseWeightsSha256()));
            case TrainStep t -> {
                var s = org.privtune.protocol.v1.TrainStep.newBuilder().setRepresentations(tensor(t.representations()))
                        .setAttentionMask(mask(t.mask())).setWantGradient(t.wantGradient());
                for (int l : t.labels()) {
                    s.addLabels(l);
                }
                b.setTrainStep(s);
            }
            case Predict p -> b.setPredict(org.privtune.protocol.v1.Predict.newBuilder()
                    .setRepresentations(tensor(p.representations())).setAttentionMask(mask(p.mask())));
            case Checkpoint k -> b.setCheckpoint(org.privtune.protocol.v1.Checkpoint.newBuilder().setRestore(k.restore()));
            case FetchWeights f -> b.setFetchWeights(org.privtune.protocol.v1.FetchWeights.getDefaultInstance());
        }
        return b.build();
    }

    /**
     * The generated message of a response other than {@link Weights} (which goes in pieces:
     * {@link #weightPieces}).
     */
    public static org.privtune.protocol.v1.Response toWire(Response r) {
        var b = org.privtune.protocol.v1.Response.newBuilder();
        switch (r) {
            case Opened o -> b.setOpened(SessionOpened.newBuilder().setSession(o.session())
                    .setTopParameters(o.topParameters()).setServer(o.server()).setHidden(o.hidden()).setStep(o.step())
                    .setCheckpointEvery(o.checkpointEvery()));
            case Step s -> {
                var m = StepResult.newBuilder().setLoss(s.loss()).setCorrect(s.correct())
                        .setGradientNorm(s.gradientNorm());
                if (s.gradient() != null) {
                    m.setRepresentationGradient(tensor(s.gradient()));
                }
                b.setStep(m);
            }
            case Logits l -> b.setLogits(org.privtune.protocol.v1.Logits.newBuilder().setLogits(tensor(l.logits())));
            case Ack a -> b.setAck(org.privtune.protocol.v1.Ack.getDefaultInstance());
            case Weights w -> {
                List<org.privtune.protocol.v1.Response> pieces = weightPieces(w, Integer.MAX_VALUE - 8);
                if (pieces.size() != 1) {
                    throw new IllegalArgumentException("Weights go in pieces: use weightPieces");
                }
                return pieces.get(0);
            }
            case Failure f -> b.setError(org.privtune.protocol.v1.Error.newBuilder().setMessage(f.message()));
        }
        return b.build();
    }

    /**
     * The top's weights as a sequence of {@code Weights} responses holding at most
     * {@code pieceValues} values each (a parameter larger than that is cut into pieces); the last
     * one has {@code last} set.
     */
    public static List<org.privtune.protocol.v1.Response> weightPieces(Weights w, int pieceValues) {
        if (pieceValues < 1) {
            throw new IllegalArgumentException("pieceValues must be positive, got " + pieceValues);
        }
        List<org.privtune.protocol.v1.Response> out = new ArrayList<>();
        var current = org.privtune.protocol.v1.Weights.newBuilder();
        long inCurrent = 0;
        for (Map.Entry<String, FloatTensor> e : w.tensors().entrySet()) {
            float[] data = e.getValue().data();
            int offset = 0;
            do {
                if (inCurrent >= pieceValues) {
                    out.add(org.privtune.protocol.v1.Response.newBuilder().setWeights(current).build());
                    current = org.privtune.protocol.v1.Weights.newBuilder();
                    inCurrent = 0;
                }
                int n = (int) Math.min(data.length - offset, pieceValues - inCurrent);
                current.addTensors(NamedTensor.newBuilder().setName(e.getKey()).setOffset(offset).setSize(data.length)
                        .setTensor(Tensor.newBuilder().addShape(n).setFloat32Le(floats(data, offset, n))));
                offset += n;
                inCurrent += n;
            } while (offset < data.length);
        }
        out.add(org.privtune.protocol.v1.Response.newBuilder().setWeights(current.setLast(true)).build());
        return out;
    }

    /** The message bytes of a request. */
    public static byte[] encode(Request r) {
        return toWire(r).toByteArray();
    }

    private static Tensor tensor(FloatTensor t) {
        var b = Tensor.newBuilder();
        for (long s : t.shape()) {
            b.addShape(s);
        }
        return b.setFloat32Le(floats(t.data(), 0, t.data().length)).build();
    }

    private static ByteString floats(float[] data, int from, int n) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data, from, n);
        return UnsafeByteOperations.unsafeWrap(b.array());
    }

    private static Tensor mask(long[][] mask) {
        int rows = mask.length;
        int cols = rows == 0 ? 0 : mask[0].length;
        ByteBuffer b = ByteBuffer.allocate(8 * rows * cols).order(ByteOrder.LITTLE_ENDIAN);
        for (long[] row : mask) {
            b.asLongBuffer().put(row);
            b.position(b.position() + 8 * row.length);
        }
        return Tensor.newBuilder().addShape(rows).addShape(cols).setInt64Le(UnsafeByteOperations.unsafeWrap(b.array()))
                .build();
    }

    // ---------------------------------------------------------------- from the wire

    /** Parses and checks the message bytes of a request (for tests and tools; the endpoint gets parsed messages). */
    public static Request decodeRequest(byte[] b, Limits limits) throws ProtocolException {
        if (b.length > limits.maxRequestBytes()) {
            throw new ProtocolException("Request: " + b.length + " bytes, more than the " + limits.maxRequestBytes()
                    + " a request of this endpoint may have");
        }
        try {
            return fromWire(org.privtune.protocol.v1.Request.parseFrom(b), limits);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolException("Request: not a valid protobuf message (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The request {@code m} holds, checked against {@code limits}: shapes fit the limits and the
     * session before anything is allocated; representations are finite, the mask is 0 or 1 with at
     * least one token per sentence, labels are classes of the session.
     */
    public static Request fromWire(org.privtune.protocol.v1.Request m, Limits limits) throws ProtocolException {
        return switch (m.getBodyCase()) {
            case OPEN -> open(m.getOpen(), limits);
            case TRAIN_STEP -> {
                var t = m.getTrainStep();
                FloatTensor reps = representations("TrainStep", t.hasRepresentations() ? t.getRepresentations() : null,
                        limits);
                int b = (int) reps.shape()[0];
                long[][] mask = attentionMask("TrainStep", t.hasAttentionMask() ? t.getAttentionMask() : null, b,
                        (int) reps.shape()[1]);
                if (t.getLabelsCount() != b) {
                    throw new ProtocolException("TrainStep.labels: " + t.getLabelsCount() + " labels for " + b
                            + " sentences");
                }
                int[] labels = new int[b];
                for (int i = 0; i < b; i++) {
                    labels[i] = t.getLabels(i);
                    if (limits.numLabels() > 0 && (labels[i] < 0 || labels[i] >= limits.numLabels())) {
                        throw new ProtocolException("TrainStep.labels[" + i + "]: " + labels[i]
                                + " is not a class of the session (0.." + (limits.numLabels() - 1) + ")");
                    }
                }
                yield new TrainStep(reps, mask, labels, t.getWantGradient());
            }
            case PREDICT -> {
                var p = m.getPredict();
                FloatTensor reps = representations("Predict", p.hasRepresentations() ? p.getRepresentations() : null,
                        limits);
                yield new Predict(reps, attentionMask("Predict", p.hasAttentionMask() ? p.getAttentionMask() : null,
                        (int) reps.shape()[0], (int) reps.shape()[1]));
            }
            case CHECKPOINT -> new Checkpoint(m.getCheckpoint().getRestore());
            case FETCH_WEIGHTS -> new FetchWeights();
            case BODY_NOT_SET -> throw new ProtocolException("Request.body: no request this side knows (protocol version "
                    + VERSION + ")");
        };
    }

    private static Open open(OpenSession o, Limits limits) throws ProtocolException {
        if (o.getLabelsCount() > limits.maxLabels()) {
            throw new ProtocolException("OpenSession.labels: " + o.getLabelsCount() + " classes, this endpoint serves"
                    + " at most " + limits.maxLabels());
        }
        name("OpenSession.base_model", o.getBaseModel());
        name("OpenSession.pooling", o.getPooling());
        name("OpenSession.resume", o.getResume());
        name("OpenSession.base_weights_sha256", o.getBaseWeightsSha256());
        for (int i = 0; i < o.getLabelsCount(); i++) {
            name("OpenSession.labels[" + i + "]", o.getLabels(i));
        }
        return new Open(o.getProtocolVersion(), o.getBaseModel(), o.getSplitLayer(), o.getLabelsList(), o.getPooling(),
                o.getDropout(), o.getSeed(), o.getLearningRate(), o.getWarmupFraction(), o.getWeightDecay(),
                o.getClipNorm(), o.getTotalSteps(), o.getResume(), o.getBaseWeightsSha256());
    }

    private static void name(String field, String s) throws ProtocolException {
        if (s.length() > MAX_NAME_CHARS) {
            throw new ProtocolException(field + ": " + s.length() + " characters, at most " + MAX_NAME_CHARS);
        }
    }

    private static FloatTensor representations(String message, Tensor t, Limits l) throws ProtocolException {
        String field = message + ".representations";
        if (t == null) {
            throw new ProtocolException(field + ": missing");
        }
        if (t.getShapeCount() != 3) {
            throw new ProtocolException(field + ": shape " + t.getShapeList() + " is not [B, T, d]");
        }
        long b = t.getShape(0);
        long tokens = t.getShape(1);
        long d = t.getShape(2);
        if (b < 1 || b > l.maxBatch()) {
            throw new ProtocolException(field + ": B = " + b + " in shape " + t.getShapeList() + ", this endpoint takes"
                    + " 1.." + l.maxBatch() + " sentences per request");
        }
        if (tokens < 1 || tokens > l.maxTokens()) {
            throw new ProtocolException(field + ": T = " + tokens + " in shape " + t.getShapeList()
                    + ", this endpoint takes 1.." + l.maxTokens() + " tokens per sentence");
        }
        if (l.hidden() > 0 ? d != l.hidden() : d < 1 || d > l.maxHidden()) {
            throw new ProtocolException(field + ": d = " + d + " in shape " + t.getShapeList() + ", the session's top"
                    + " takes d = " + (l.hidden() > 0 ? l.hidden() : "1.." + l.maxHidden()));
        }
        if (!t.getInt64Le().isEmpty()) {
            throw new ProtocolException(field + ": int64 data where float32 is expected");
        }
        long n = b * tokens * d;
        if (t.getFloat32Le().size() != n * 4) {
            throw new ProtocolException(field + ": shape " + t.getShapeList() + " needs " + n + " values, got "
                    + t.getFloat32Le().size() + " bytes");
        }
        float[] data = new float[(int) n];
        t.getFloat32Le().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                int per = (int) (tokens * d);
                throw new ProtocolException(field + ": " + data[i] + " at sentence " + (i / per) + ", token "
                        + (i % per) / d + ", dimension " + (i % d) + " (values must be finite)");
            }
        }
        return new FloatTensor(new long[] {b, tokens, d}, data);
    }

    private static long[][] attentionMask(String message, Tensor t, int b, int tokens) throws ProtocolException {
        String field = message + ".attention_mask";
        if (t == null) {
            throw new ProtocolException(field + ": missing");
        }
        if (t.getShapeCount() != 2 || t.getShape(0) != b || t.getShape(1) != tokens) {
            throw new ProtocolException(field + ": shape " + t.getShapeList() + ", the representations need [" + b
                    + ", " + tokens + "]");
        }
        if (!t.getFloat32Le().isEmpty() || t.getInt64Le().size() != (long) b * tokens * 8) {
            throw new ProtocolException(field + ": shape [" + b + ", " + tokens + "] needs " + (long) b * tokens
                    + " int64 values, got " + t.getInt64Le().size() + " bytes of int64"
                    + (t.getFloat32Le().isEmpty() ? "" : " and float32 data"));
        }
        var in = t.getInt64Le().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
        long[][] mask = new long[b][tokens];
        for (int i = 0; i < b; i++) {
            in.get(mask[i]);
            boolean any = false;
            for (int j = 0; j < tokens; j++) {
                if (mask[i][j] != 0 && mask[i][j] != 1) {
                    throw new ProtocolException(field + ": " + mask[i][j] + " at sentence " + i + ", token " + j
                            + " (0 or 1)");
                }
                any |= mask[i][j] == 1;
            }
            if (!any) {
                throw new ProtocolException(field + ": sentence " + i + " has no token (a row of zeros)");
            }
        }
        return mask;
    }

    /**
     * The response {@code m} holds, its tensors checked against their shapes (the device reads what
     * the endpoint it chose sends; sizes are bounded by its inbound message limit). The
     * {@code Weights} pieces are put together by a {@link WeightsAssembler}.
     */
    public static Response fromWire(org.privtune.protocol.v1.Response m) throws ProtocolException {
        return switch (m.getBodyCase()) {
            case OPENED -> {
                var o = m.getOpened();
                yield new Opened(o.getSession(), o.getTopParameters(), o.getServer(), o.getHidden(), o.getStep(),
                        o.getCheckpointEvery());
            }
            case STEP -> {
                var s = m.getStep();
                yield new Step(s.getLoss(), s.getCorrect(), s.getGradientNorm(), s.hasRepresentationGradient()
                        ? anyFloats(s.getRepresentationGradient(), "StepResult.representation_gradient") : null);
            }
            case LOGITS -> {
                FloatTensor l = anyFloats(m.getLogits().getLogits(), "Logits.logits");
                if (l.shape().length != 2) {
                    throw new ProtocolException("Logits.logits: shape " + Arrays.toString(l.shape()) + " is not [B, C]");
                }
                yield new Logits(l);
            }
            case ACK -> new Ack();
            case WEIGHTS -> throw new ProtocolException("Weights: pieces are read with a WeightsAssembler");
            case ERROR -> new Failure(m.getError().getMessage());
            case BODY_NOT_SET -> throw new ProtocolException("Response.body: no response this side knows (protocol"
                    + " version " + VERSION + ")");
        };
    }

    private static FloatTensor anyFloats(Tensor t, String field) throws ProtocolException {
        long n = 1;
        for (long d : t.getShapeList()) {
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new ProtocolException(field + ": dimension " + d + " in shape " + t.getShapeList());
            }
            n *= d;
            if (n > Integer.MAX_VALUE / 4) {
                throw new ProtocolException(field + ": shape " + t.getShapeList() + " is too large");
            }
        }
        if (t.getFloat32Le().size() != n * 4) {
            throw new ProtocolException(field + ": shape " + t.getShapeList() + " needs " + n + " values, got "
                    + t.getFloat32Le().size() + " bytes of float32");
        }
        float[] data = new float[(int) n];
        t.getFloat32Le().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        return new FloatTensor(t.getShapeList().stream().mapToLong(Long::longValue).toArray(), data);
    }

    /** Puts the {@code Weights} pieces of one FetchWeights back together, checking that they fit. */
    public static final class WeightsAssembler {
        private final long maxValues;
        private final Map<String, float[]> tensors = new LinkedHashMap<>();
        private final Map<String, Integer> filled = new LinkedHashMap<>();
        private long total;
        private boolean done;

        /** @param maxValues most values the whole top may have (bounds what the device allocates) */
        public WeightsAssembler(long maxValues) {
            this.maxValues = maxValues;
        }

        /** Adds a piece; true when it was the last one. */
        public boolean add(org.privtune.protocol.v1.Weights w) throws ProtocolException {
            if (done) {
                throw new ProtocolException("Weights: a piece after the last one");
            }
            for (NamedTensor t : w.getTensorsList()) {
                String field = "Weights.tensors['" + t.getName() + "']";
                float[] into = tensors.get(t.getName());
                if (into == null) {
                    if (t.getSize() < 1 || total + t.getSize() > maxValues) {
                        throw new ProtocolException(field + ": size " + t.getSize() + " (the top may have at most "
                                + maxValues + " values)");
                    }
                    into = new float[(int) t.getSize()];
                    total += t.getSize();
                    tensors.put(t.getName(), into);
                    filled.put(t.getName(), 0);
                }
                FloatTensor piece = anyFloats(t.getTensor(), field);
                int at = filled.get(t.getName());
                if (t.getSize() != into.length || t.getOffset() != at || at + piece.data().length > into.length) {
                    throw new ProtocolException(field + ": piece at " + t.getOffset() + " of " + piece.data().length
                            + " values does not follow the " + at + " of " + into.length + " received");
                }
                System.arraycopy(piece.data(), 0, into, at, piece.data().length);
                filled.put(t.getName(), at + piece.data().length);
            }
            done = w.getLast();
            return done;
        }

        /** The whole top, once the last piece is in. */
        public Map<String, float[]> weights() throws ProtocolException {
            if (!done) {
                throw new ProtocolException("Weights: the last piece has not arrived");
            }
            for (Map.Entry<String, float[]> e : tensors.entrySet()) {
                if (filled.get(e.getKey()) != e.getValue().length) {
                    throw new ProtocolException("Weights.tensors['" + e.getKey() + "']: " + filled.get(e.getKey())
                            + " of " + e.getValue().length + " values received");
                }
            }
            return Collections.unmodifiableMap(tensors);
        }
    }
}
