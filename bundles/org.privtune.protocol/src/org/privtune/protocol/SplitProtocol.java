package org.privtune.protocol;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;

/**
 * The device-cloud messages of split fine-tuning ({@code proto/privtune_split.proto}, package
 * {@code privtune.split.v1}) as Java records, and their protobuf encoding with varint length
 * framing. Reading validates what a peer could get wrong (tensor sizes, shapes that do not fit
 * together, a frame larger than {@link #MAX_MESSAGE_BYTES}) and says which field is at fault.
 *
 * <p>Why hand-written field codecs on protobuf's streams rather than protoc output: the Tycho build
 * takes every dependency from Maven Central as OSGi bundles and runs no code generator; the
 * messages are few and flat, and the tests check the bytes with protobuf's own generic parser.
 */
public final class SplitProtocol {

    /** The {@code protocol_version} this side speaks. */
    public static final int VERSION = 1;

    /** Largest frame accepted (the top's weights of MiniLM split at layer 0 are about 90 MB). */
    public static final int MAX_MESSAGE_BYTES = 256 << 20;

    private SplitProtocol() {
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

    /** First request of a session: which top to build and how to train it. */
    public record Open(int protocolVersion, String baseModel, int splitLayer, List<String> labels, String pooling,
            float dropout, long seed, float learningRate, float warmupFraction, float weightDecay, float clipNorm,
            int totalSteps, String accessToken) implements Request {

        public Open {
            labels = List.copyOf(labels);
            accessToken = accessToken == null ? "" : accessToken;
        }

        /** Without an access token (an endpoint that requires none). */
        public Open(int protocolVersion, String baseModel, int splitLayer, List<String> labels, String pooling,
                float dropout, long seed, float learningRate, float warmupFraction, float weightDecay, float clipNorm,
                int totalSteps) {
            this(protocolVersion, baseModel, splitLayer, labels, pooling, dropout, seed, learningRate, warmupFraction,
                    weightDecay, clipNorm, totalSteps, "");
        }

        /** The same request carrying {@code token}. */
        public Open withAccessToken(String token) {
            return new Open(protocolVersion, baseModel, splitLayer, labels, pooling, dropout, seed, learningRate,
                    warmupFraction, weightDecay, clipNorm, totalSteps, token);
        }

        /** Never prints the token (requests end up in logs and error messages). */
        @Override
        public String toString() {
            return "Open[" + baseModel + ", split " + splitLayer + ", labels " + labels + ", " + pooling + ", "
                    + totalSteps + " steps, protocol " + protocolVersion + (accessToken.isEmpty() ? "" : ", token set")
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

    public record Opened(String session, long topParameters, String server, int hidden) implements Response {
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

    /** A frame that is not a valid message of this protocol. */
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

    // ---------------------------------------------------------------- framing

    /** Writes one request, length-prefixed, and flushes; returns the bytes written. */
    public static int write(Request r, OutputStream out) throws IOException {
        return frame(encode(r), out);
    }

    /** Writes one response, length-prefixed, and flushes; returns the bytes written. */
    public static int write(Response r, OutputStream out) throws IOException {
        return frame(encode(r), out);
    }

    /** The next request, or null when the peer closed the connection between messages. */
    public static Request readRequest(InputStream in) throws IOException {
        byte[] b = readFrame(in);
        return b == null ? null : decodeRequest(b);
    }

    /** The next response; the connection must not end before it. */
    public static Response readResponse(InputStream in) throws IOException {
        byte[] b = readFrame(in);
        if (b == null) {
            throw new EOFException("the cloud endpoint closed the connection before answering");
        }
        return decodeResponse(b);
    }

    private static int frame(byte[] body, OutputStream out) throws IOException {
        CodedOutputStream c = CodedOutputStream.newInstance(out, 64);
        c.writeUInt32NoTag(body.length);
        c.flush();
        out.write(body);
        out.flush();
        return CodedOutputStream.computeUInt32SizeNoTag(body.length) + body.length;
    }

    private static byte[] readFrame(InputStream in) throws IOException {
        int first = in.read();
        if (first == -1) {
            return null;
        }
        int len;
        try {
            len = CodedInputStream.readRawVarint32(first, in);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolException("frame length: " + e.getMessage(), e);
        }
        if (len < 0 || len > MAX_MESSAGE_BYTES) {
            throw new ProtocolException("frame length: " + Integer.toUnsignedString(len) + " bytes is more than the "
                    + MAX_MESSAGE_BYTES + " accepted");
        }
        byte[] b = in.readNBytes(len);
        if (b.length < len) {
            throw new ProtocolException("connection ended inside a message (" + b.length + " of " + len + " bytes)");
        }
        return b;
    }

    // ---------------------------------------------------------------- encoding

    /** The message bytes of a request (without the length prefix). */
    public static byte[] encode(Request r) throws IOException {
        Out o = new Out();
        switch (r) {
            case Open p -> o.message(1, encodeOpen(p));
            case TrainStep t -> {
                Out s = new Out();
                s.message(1, tensor(t.representations()));
                s.message(2, mask(t.mask()));
                s.packedInt32(3, t.labels());
                if (t.wantGradient()) {
                    s.c.writeBool(4, true);
                }
                o.message(2, s.done());
            }
            case Predict p -> {
                Out s = new Out();
                s.message(1, tensor(p.representations()));
                s.message(2, mask(p.mask()));
                o.message(3, s.done());
            }
            case Checkpoint k -> {
                Out s = new Out();
                if (k.restore()) {
                    s.c.writeBool(1, true);
                }
                o.message(4, s.done());
            }
            case FetchWeights f -> o.message(5, new byte[0]);
        }
        return o.done();
    }

    /** The message bytes of a response (without the length prefix). */
    public static byte[] encode(Response r) throws IOException {
        Out o = new Out();
        switch (r) {
            case Opened p -> {
                Out s = new Out();
                s.string(1, p.session());
                s.c.writeInt64(2, p.topParameters());
                s.string(3, p.server());
                s.c.writeInt32(4, p.hidden());
                o.message(1, s.done());
            }
            case Step t -> {
                Out s = new Out();
                s.c.writeFloat(1, t.loss());
                s.c.writeInt32(2, t.correct());
                s.c.writeFloat(3, t.gradientNorm());
                if (t.gradient() != null) {
                    s.message(4, tensor(t.gradient()));
                }
                o.message(2, s.done());
            }
            case Logits l -> {
                Out s = new Out();
                s.message(1, tensor(l.logits()));
                o.message(3, s.done());
            }
            case Ack a -> o.message(4, new byte[0]);
            case Weights w -> {
                Out s = new Out();
                for (Map.Entry<String, FloatTensor> e : w.tensors().entrySet()) {
                    Out n = new Out();
                    n.string(1, e.getKey());
                    n.message(2, tensor(e.getValue()));
                    s.message(1, n.done());
                }
                o.message(5, s.done());
            }
            case Failure f -> {
                Out s = new Out();
                s.string(1, f.message());
                o.message(6, s.done());
            }
        }
        return o.done();
    }

    private static byte[] encodeOpen(Open p) throws IOException {
        Out s = new Out();
        s.c.writeUInt32(1, p.protocolVersion());
        s.string(2, p.baseModel());
        s.c.writeInt32(3, p.splitLayer());
        for (String l : p.labels()) {
            s.c.writeString(4, l);
        }
        s.string(5, p.pooling());
        s.c.writeFloat(6, p.dropout());
        s.c.writeInt64(7, p.seed());
        s.c.writeFloat(8, p.learningRate());
        s.c.writeFloat(9, p.warmupFraction());
        s.c.writeFloat(10, p.weightDecay());
        s.c.writeFloat(11, p.clipNorm());
        s.c.writeInt32(12, p.totalSteps());
        s.string(13, p.accessToken());
        return s.done();
    }

    private static byte[] tensor(FloatTensor t) throws IOException {
        Out s = new Out();
        s.packedInt64(1, t.shape());
        ByteBuffer b = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(t.data());
        s.c.writeByteArray(2, b.array());
        return s.done();
    }

    private static byte[] mask(long[][] mask) throws IOException {
        int rows = mask.length;
        int cols = rows == 0 ? 0 : mask[0].length;
        Out s = new Out();
        s.packedInt64(1, new long[] {rows, cols});
        ByteBuffer b = ByteBuffer.allocate(8 * rows * cols).order(ByteOrder.LITTLE_ENDIAN);
        for (long[] row : mask) {
            b.asLongBuffer().put(row);
            b.position(b.position() + 8 * row.length);
        }
        s.c.writeByteArray(3, b.array());
        return s.done();
    }

    /** A nested-message writer: each submessage is encoded to bytes first, then length-prefixed. */
    private static final class Out {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CodedOutputStream c = CodedOutputStream.newInstance(bytes);

        void message(int field, byte[] body) throws IOException {
            c.writeByteArray(field, body);
        }

        void string(int field, String s) throws IOException {
            if (s != null && !s.isEmpty()) {
                c.writeString(field, s);
            }
        }

        void packedInt64(int field, long[] v) throws IOException {
            if (v.length == 0) {
                return;
            }
            int size = 0;
            for (long x : v) {
                size += CodedOutputStream.computeInt64SizeNoTag(x);
            }
            c.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            c.writeUInt32NoTag(size);
            for (long x : v) {
                c.writeInt64NoTag(x);
            }
        }

        void packedInt32(int field, int[] v) throws IOException {
            if (v.length == 0) {
                return;
            }
            int size = 0;
            for (int x : v) {
                size += CodedOutputStream.computeInt32SizeNoTag(x);
            }
            c.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            c.writeUInt32NoTag(size);
            for (int x : v) {
                c.writeInt32NoTag(x);
            }
        }

        byte[] done() throws IOException {
            c.flush();
            return bytes.toByteArray();
        }
    }

    // ---------------------------------------------------------------- decoding

    /** Parses the message bytes of a request. */
    public static Request decodeRequest(byte[] b) throws ProtocolException {
        return parse("Request", () -> {
            CodedInputStream in = CodedInputStream.newInstance(b);
            Request r = null;
            int tag;
            while ((tag = in.readTag()) != 0) {
                switch (tag) {
                    case 10 -> r = decodeOpen(in.readByteArray());
                    case 18 -> r = decodeTrainStep(in.readByteArray());
                    case 26 -> r = decodePredict(in.readByteArray());
                    case 34 -> {
                        CodedInputStream k = CodedInputStream.newInstance(in.readByteArray());
                        boolean restore = false;
                        int t;
                        while ((t = k.readTag()) != 0) {
                            if (t == 8) {
                                restore = k.readBool();
                            } else {
                                k.skipField(t);
                            }
                        }
                        r = new Checkpoint(restore);
                    }
                    case 42 -> {
                        in.readByteArray();
                        r = new FetchWeights();
                    }
                    default -> in.skipField(tag);
                }
            }
            if (r == null) {
                throw new ProtocolException("Request.body: no request this side knows (protocol version "
                        + VERSION + ")");
            }
            return r;
        });
    }

    /** Parses the message bytes of a response. */
    public static Response decodeResponse(byte[] b) throws ProtocolException {
        return parse("Response", () -> {
            CodedInputStream in = CodedInputStream.newInstance(b);
            Response r = null;
            int tag;
            while ((tag = in.readTag()) != 0) {
                switch (tag) {
                    case 10 -> {
                        CodedInputStream s = CodedInputStream.newInstance(in.readByteArray());
                        String session = "";
                        long params = 0;
                        String server = "";
                        int hidden = 0;
                        int t;
                        while ((t = s.readTag()) != 0) {
                            switch (t) {
                                case 10 -> session = s.readString();
                                case 16 -> params = s.readInt64();
                                case 26 -> server = s.readString();
                                case 32 -> hidden = s.readInt32();
                                default -> s.skipField(t);
                            }
                        }
                        r = new Opened(session, params, server, hidden);
                    }
                    case 18 -> {
                        CodedInputStream s = CodedInputStream.newInstance(in.readByteArray());
                        float loss = 0;
                        int correct = 0;
                        float norm = 0;
                        FloatTensor g = null;
                        int t;
                        while ((t = s.readTag()) != 0) {
                            switch (t) {
                                case 13 -> loss = s.readFloat();
                                case 16 -> correct = s.readInt32();
                                case 29 -> norm = s.readFloat();
                                case 34 -> g = decodeTensor(s.readByteArray(), "StepResult.representation_gradient");
                                default -> s.skipField(t);
                            }
                        }
                        r = new Step(loss, correct, norm, g);
                    }
                    case 26 -> {
                        CodedInputStream s = CodedInputStream.newInstance(in.readByteArray());
                        FloatTensor l = null;
                        int t;
                        while ((t = s.readTag()) != 0) {
                            if (t == 10) {
                                l = decodeTensor(s.readByteArray(), "Logits.logits");
                            } else {
                                s.skipField(t);
                            }
                        }
                        if (l == null || l.shape().length != 2) {
                            throw new ProtocolException("Logits.logits: missing or not [B, C]");
                        }
                        r = new Logits(l);
                    }
                    case 34 -> {
                        in.readByteArray();
                        r = new Ack();
                    }
                    case 42 -> r = decodeWeights(in.readByteArray());
                    case 50 -> {
                        CodedInputStream s = CodedInputStream.newInstance(in.readByteArray());
                        String msg = "";
                        int t;
                        while ((t = s.readTag()) != 0) {
                            if (t == 10) {
                                msg = s.readString();
                            } else {
                                s.skipField(t);
                            }
                        }
                        r = new Failure(msg);
                    }
                    default -> in.skipField(tag);
                }
            }
            if (r == null) {
                throw new ProtocolException("Response.body: no response this side knows (protocol version "
                        + VERSION + ")");
            }
            return r;
        });
    }

    private static Open decodeOpen(byte[] b) throws IOException {
        CodedInputStream s = CodedInputStream.newInstance(b);
        int version = 0;
        String model = "";
        int split = 0;
        List<String> labels = new ArrayList<>();
        String pooling = "";
        float dropout = 0;
        long seed = 0;
        float lr = 0;
        float warmup = 0;
        float decay = 0;
        float clip = 0;
        int steps = 0;
        String token = "";
        int t;
        while ((t = s.readTag()) != 0) {
            switch (t) {
                case 8 -> version = s.readUInt32();
                case 18 -> model = s.readString();
                case 24 -> split = s.readInt32();
                case 34 -> labels.add(s.readString());
                case 42 -> pooling = s.readString();
                case 53 -> dropout = s.readFloat();
                case 56 -> seed = s.readInt64();
                case 69 -> lr = s.readFloat();
                case 77 -> warmup = s.readFloat();
                case 85 -> decay = s.readFloat();
                case 93 -> clip = s.readFloat();
                case 96 -> steps = s.readInt32();
                case 106 -> token = s.readString();
                default -> s.skipField(t);
            }
        }
        return new Open(version, model, split, labels, pooling, dropout, seed, lr, warmup, decay, clip, steps, token);
    }

    private static TrainStep decodeTrainStep(byte[] b) throws IOException {
        CodedInputStream s = CodedInputStream.newInstance(b);
        FloatTensor reps = null;
        long[][] mask = null;
        List<Integer> labels = new ArrayList<>();
        boolean grad = false;
        int t;
        while ((t = s.readTag()) != 0) {
            switch (t) {
                case 10 -> reps = decodeTensor(s.readByteArray(), "TrainStep.representations");
                case 18 -> mask = decodeMask(s.readByteArray(), "TrainStep.attention_mask");
                case 24 -> labels.add(s.readInt32());
                case 26 -> {
                    int limit = s.pushLimit(s.readRawVarint32());
                    while (s.getBytesUntilLimit() > 0) {
                        labels.add(s.readInt32());
                    }
                    s.popLimit(limit);
                }
                case 32 -> grad = s.readBool();
                default -> s.skipField(t);
            }
        }
        if (reps == null || mask == null) {
            throw new ProtocolException("TrainStep." + (reps == null ? "representations" : "attention_mask")
                    + ": missing");
        }
        FloatTensor r = reps;
        long[][] m = mask;
        int[] l = labels.stream().mapToInt(Integer::intValue).toArray();
        boolean g = grad;
        return checked(() -> new TrainStep(r, m, l, g));
    }

    private static Predict decodePredict(byte[] b) throws IOException {
        CodedInputStream s = CodedInputStream.newInstance(b);
        FloatTensor reps = null;
        long[][] mask = null;
        int t;
        while ((t = s.readTag()) != 0) {
            switch (t) {
                case 10 -> reps = decodeTensor(s.readByteArray(), "Predict.representations");
                case 18 -> mask = decodeMask(s.readByteArray(), "Predict.attention_mask");
                default -> s.skipField(t);
            }
        }
        if (reps == null || mask == null) {
            throw new ProtocolException("Predict." + (reps == null ? "representations" : "attention_mask")
                    + ": missing");
        }
        FloatTensor r = reps;
        long[][] m = mask;
        return checked(() -> new Predict(r, m));
    }

    private static Weights decodeWeights(byte[] b) throws IOException {
        CodedInputStream s = CodedInputStream.newInstance(b);
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        int t;
        while ((t = s.readTag()) != 0) {
            if (t != 10) {
                s.skipField(t);
                continue;
            }
            CodedInputStream n = CodedInputStream.newInstance(s.readByteArray());
            String name = null;
            FloatTensor tensor = null;
            int u;
            while ((u = n.readTag()) != 0) {
                switch (u) {
                    case 10 -> name = n.readString();
                    case 18 -> tensor = decodeTensor(n.readByteArray(), "Weights.tensors[" + out.size() + "].tensor");
                    default -> n.skipField(u);
                }
            }
            if (name == null || tensor == null) {
                throw new ProtocolException("Weights.tensors[" + out.size() + "]: name or tensor missing");
            }
            if (out.put(name, tensor) != null) {
                throw new ProtocolException("Weights.tensors: '" + name + "' twice");
            }
        }
        return new Weights(out);
    }

    /** Shape, float32 data and int64 data of a Tensor message, checked against each other. */
    private record RawTensor(long[] shape, byte[] f32, byte[] i64) {
    }

    private static RawTensor raw(byte[] b, String field) throws IOException {
        CodedInputStream s = CodedInputStream.newInstance(b);
        List<Long> shape = new ArrayList<>();
        byte[] f32 = null;
        byte[] i64 = null;
        int t;
        while ((t = s.readTag()) != 0) {
            switch (t) {
                case 8 -> shape.add(s.readInt64());
                case 10 -> {
                    int limit = s.pushLimit(s.readRawVarint32());
                    while (s.getBytesUntilLimit() > 0) {
                        shape.add(s.readInt64());
                    }
                    s.popLimit(limit);
                }
                case 18 -> f32 = s.readByteArray();
                case 26 -> i64 = s.readByteArray();
                default -> s.skipField(t);
            }
        }
        long[] sh = shape.stream().mapToLong(Long::longValue).toArray();
        long n = 1;
        for (long d : sh) {
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new ProtocolException(field + ": dimension " + d + " in shape " + Arrays.toString(sh));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new ProtocolException(field + ": shape " + Arrays.toString(sh) + " is too large");
            }
        }
        byte[] data = f32 != null ? f32 : i64;
        int width = f32 != null ? 4 : 8;
        long have = data == null ? 0 : data.length;
        if (have != n * width) {
            throw new ProtocolException(field + ": shape " + Arrays.toString(sh) + " needs " + n + " values, got "
                    + have + " bytes" + (data == null ? " (no data)" : " (" + (have / width) + " values)"));
        }
        return new RawTensor(sh, f32, i64);
    }

    private static FloatTensor decodeTensor(byte[] b, String field) throws IOException {
        RawTensor r = raw(b, field);
        if (r.f32() == null && r.i64() != null) {
            throw new ProtocolException(field + ": int64 data where float32 is expected");
        }
        float[] data = new float[r.f32() == null ? 0 : r.f32().length / 4];
        if (r.f32() != null) {
            ByteBuffer.wrap(r.f32()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        }
        return new FloatTensor(r.shape(), data);
    }

    private static long[][] decodeMask(byte[] b, String field) throws IOException {
        RawTensor r = raw(b, field);
        if (r.shape().length != 2) {
            throw new ProtocolException(field + ": shape " + Arrays.toString(r.shape()) + " is not [B, T]");
        }
        if (r.i64() == null && r.f32() != null) {
            throw new ProtocolException(field + ": float32 data where int64 is expected");
        }
        int rows = (int) r.shape()[0];
        int cols = (int) r.shape()[1];
        long[][] m = new long[rows][cols];
        if (r.i64() != null) {
            var lb = ByteBuffer.wrap(r.i64()).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
            for (long[] row : m) {
                lb.get(row);
            }
        }
        return m;
    }

    private interface Parse<T> {
        T run() throws IOException;
    }

    private static <T> T parse(String what, Parse<T> p) throws ProtocolException {
        try {
            return p.run();
        } catch (ProtocolException e) {
            throw e;
        } catch (IOException e) {
            throw new ProtocolException(what + ": not a valid protobuf message (" + e.getMessage() + ")", e);
        }
    }

    private interface Make<T> {
        T run();
    }

    /** Record constructors check how fields fit together; their refusal becomes a protocol error. */
    private static <T> T checked(Make<T> m) throws ProtocolException {
        try {
            return m.run();
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(e.getMessage(), e);
        }
    }
}
