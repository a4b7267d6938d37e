package org.privtune.protocol.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
import org.privtune.protocol.v1.OpenSession;
import org.privtune.protocol.v1.Tensor;

import com.google.protobuf.UnknownFieldSet;

class SplitProtocolTest {

    static FloatTensor ramp(long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        float[] d = new float[(int) n];
        for (int i = 0; i < d.length; i++) {
            d[i] = (i % 7 - 3) * 0.37f + (i == 5 ? Float.MIN_VALUE : 0);
        }
        return new FloatTensor(shape, d);
    }

    static final long[][] MASK = {{1, 1, 1}, {1, 1, 0}};

    static final Open OPEN = new Open(SplitProtocol.VERSION, "sentence-transformers/all-MiniLM-L6-v2", 2,
            List.of("neg", "pos"), "mean", 0.1f, -42L, 5e-5f, 0.1f, 0.01f, 1f, 1234);

    /** An open session of d = 4 and 2 classes, at most 8 sentences of 16 tokens. */
    static final Limits SESSION = new Limits(8, 16, 4, 384, 16, 2);

    static Request roundTrip(Request r, Limits l) throws ProtocolException {
        return SplitProtocol.decodeRequest(SplitProtocol.encode(r), l);
    }

    @Test
    void everyMessageSurvivesTheRoundTrip() throws IOException {
        Open named = OPEN.withBaseWeights("53ab0e1f" + "0".repeat(56));
        assertEquals("53ab0e1f" + "0".repeat(56), ((Open) roundTrip(named, SESSION)).baseWeightsSha256());
        assertEquals(named.baseWeightsSha256(), named.resuming("s4").baseWeightsSha256(), "a resumed session keeps it");
        List<Request> requests = List.of(OPEN, OPEN.resuming("s3"), named, new TrainStep(ramp(2, 3, 4), MASK, new int[] {1, 0},
                true), new TrainStep(ramp(2, 3, 4), MASK, new int[] {0, 1}, false), new Predict(ramp(2, 3, 4), MASK),
                new Checkpoint(false), new Checkpoint(true), new FetchWeights());
        for (Request r : requests) {
            assertEquals(r, roundTrip(r, SESSION), r.getClass().getSimpleName());
        }
        List<Response> responses = List.of(new Opened("s7", 1_234_567_890_123L, "server 1", 384, 17, 20),
                new Step(0.6931f, 17, 2.5f, ramp(2, 3, 4)), new Step(Float.NaN, 0, 0f, null),
                new Logits(ramp(2, 2)), new Ack(), new Failure("TrainStep.labels[3]: 9"));
        for (Response r : responses) {
            Response back = SplitProtocol.fromWire(org.privtune.protocol.v1.Response.parseFrom(
                    SplitProtocol.toWire(r).toByteArray()));
            if (r instanceof Step st && Float.isNaN(st.loss())) {
                assertTrue(Float.isNaN(((Step) back).loss()), "NaN loss reaches the device as NaN");
                continue;
            }
            assertEquals(r, back, r.getClass().getSimpleName());
        }
    }

    @Test
    void weightsTravelInPiecesAndComeBackWhole() throws IOException {
        Map<String, FloatTensor> w = new LinkedHashMap<>();
        w.put("encoder.layer.2.attention.self.query.weight", ramp(5, 5));
        w.put("head.bias", ramp(2));
        w.put("head.weight", ramp(2, 3));
        List<org.privtune.protocol.v1.Response> pieces = SplitProtocol.weightPieces(new Weights(w), 7);
        assertEquals(5, pieces.size(), "33 values in pieces of at most 7");
        for (int i = 0; i < pieces.size(); i++) {
            int values = pieces.get(i).getWeights().getTensorsList().stream()
                    .mapToInt(t -> t.getTensor().getFloat32Le().size() / 4).sum();
            assertTrue(values <= 7, "piece " + i + " holds " + values);
            assertEquals(i == pieces.size() - 1, pieces.get(i).getWeights().getLast(), "only the last piece says so");
        }
        SplitProtocol.WeightsAssembler a = new SplitProtocol.WeightsAssembler(33);
        for (var p : pieces) {
            a.add(org.privtune.protocol.v1.Response.parseFrom(p.toByteArray()).getWeights());
        }
        Map<String, float[]> back = a.weights();
        assertEquals(List.copyOf(w.keySet()), List.copyOf(back.keySet()), "parameter order is kept");
        for (var e : w.entrySet()) {
            assertArrayEquals(e.getValue().data(), back.get(e.getKey()), e.getKey());
        }
        // a top larger than the session announced is refused before it is allocated
        SplitProtocol.WeightsAssembler small = new SplitProtocol.WeightsAssembler(30);
        ProtocolException e = assertThrows(ProtocolException.class, () -> {
            for (var p : pieces) {
                small.add(p.getWeights());
            }
        });
        assertTrue(e.getMessage().startsWith("Weights.tensors['head.weight']: size 6 (the top may have at most 30"), e.getMessage());
        // pieces out of order are refused
        SplitProtocol.WeightsAssembler shuffled = new SplitProtocol.WeightsAssembler(33);
        e = assertThrows(ProtocolException.class, () -> {
            shuffled.add(pieces.get(1).getWeights());
            shuffled.add(pieces.get(0).getWeights());
        });
        assertTrue(e.getMessage().contains("does not follow"), e.getMessage());
    }

    /** The bytes follow privtune_split.proto, read by protobuf's own generic parser. */
    @Test
    void bytesAreTheProtoFileMessages() throws IOException {
        FloatTensor reps = ramp(2, 3, 4);
        byte[] b = SplitProtocol.encode(new TrainStep(reps, MASK, new int[] {1, 0}, true));
        UnknownFieldSet request = UnknownFieldSet.parseFrom(b);
        assertEquals(1, request.asMap().size(), "one oneof member");
        UnknownFieldSet step = UnknownFieldSet.parseFrom(request.getField(2).getLengthDelimitedList().get(0));
        assertEquals(List.of(1L), step.getField(4).getVarintList(), "want_gradient = 4");
        // repeated int32 labels = 3, packed
        var labels = com.google.protobuf.CodedInputStream
                .newInstance(step.getField(3).getLengthDelimitedList().get(0).toByteArray());
        assertEquals(1, labels.readInt32());
        assertEquals(0, labels.readInt32());
        UnknownFieldSet tensor = UnknownFieldSet.parseFrom(step.getField(1).getLengthDelimitedList().get(0));
        byte[] f32 = tensor.getField(2).getLengthDelimitedList().get(0).toByteArray();
        float[] back = new float[reps.data().length];
        ByteBuffer.wrap(f32).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(back);
        assertArrayEquals(reps.data(), back, "float32_le = 2 holds the values little-endian");
        UnknownFieldSet mask = UnknownFieldSet.parseFrom(step.getField(2).getLengthDelimitedList().get(0));
        assertEquals(8 * 6, mask.getField(3).getLengthDelimitedList().get(0).size(), "int64_le = 3 holds the mask");

        UnknownFieldSet open = UnknownFieldSet.parseFrom(
                UnknownFieldSet.parseFrom(SplitProtocol.encode(OPEN)).getField(1).getLengthDelimitedList().get(0));
        assertEquals(List.of((long) SplitProtocol.VERSION), open.getField(1).getVarintList(), "protocol_version = 1");
        assertEquals(2, open.getField(4).getLengthDelimitedList().size(), "labels = 4, one entry per class");
        assertEquals(List.of(1234L), open.getField(12).getVarintList(), "total_steps = 12");
        assertEquals(List.of(Float.floatToIntBits(5e-5f)), open.getField(8).getFixed32List(), "learning_rate = 8");
    }

    @Test
    void theAccessTokenIsInNoMessage() {
        assertNull(OpenSession.getDescriptor().findFieldByNumber(13), "field 13 (the old access_token) is reserved");
        for (var m : org.privtune.protocol.v1.PrivtuneSplitProto.getDescriptor().getMessageTypes()) {
            for (var f : m.getFields()) {
                assertFalse(f.getName().contains("token"), m.getName() + "." + f.getName());
            }
        }
        assertTrue(TransportSecurity.sameToken("tok-123", "tok-123"));
        assertFalse(TransportSecurity.sameToken("tok-123", "tok-124"));
        assertFalse(TransportSecurity.sameToken("tok-123", null));
    }

    @Test
    void shapesBeyondTheLimitsAreRefusedBeforeAnythingIsAllocated() throws IOException {
        // a 20-byte mask that declares [2^26, 0]: refused from its shape, no row is made
        Tensor hugeMask = Tensor.newBuilder().addShape(1L << 26).addShape(0).build();
        Tensor reps = Tensor.newBuilder().addShape(1).addShape(2).addShape(4).setFloat32Le(bytes(8 * 4)).build();
        assertRefused("TrainStep.attention_mask: shape [67108864, 0], the representations need [1, 2]",
                trainStep(reps, hugeMask, 0));
        // and no representations may declare more than the limits, whatever bytes follow
        assertRefused("TrainStep.representations: B = 67108864", trainStep(Tensor.newBuilder().addShape(1L << 26)
                .addShape(2).addShape(4).build(), hugeMask, 0));
        assertRefused("TrainStep.representations: T = 17", trainStep(Tensor.newBuilder().addShape(1).addShape(17)
                .addShape(4).build(), hugeMask, 0));
        assertRefused("TrainStep.representations: d = 5", trainStep(Tensor.newBuilder().addShape(1).addShape(2)
                .addShape(5).build(), hugeMask, 0));
        assertRefused("Predict.representations: shape [1, 8] is not [B, T, d]", org.privtune.protocol.v1.Request
                .newBuilder().setPredict(org.privtune.protocol.v1.Predict.newBuilder().setRepresentations(
                        Tensor.newBuilder().addShape(1).addShape(8).setFloat32Le(bytes(32)))).build().toByteArray());
        assertRefused("TrainStep.representations: shape [1, 2, 4] needs 8 values, got 28 bytes",
                trainStep(reps.toBuilder().setFloat32Le(bytes(28)).build(), hugeMask, 0));
        // before a session is open (d unknown) d is bounded by the endpoint's largest top
        Limits preOpen = new Limits(8, 16, 0, 384, 16, 0);
        ProtocolException e = assertThrows(ProtocolException.class, () -> SplitProtocol.decodeRequest(
                trainStep(Tensor.newBuilder().addShape(1).addShape(2).addShape(385).build(), hugeMask, 0), preOpen));
        assertTrue(e.getMessage().startsWith("TrainStep.representations: d = 385"), e.getMessage());
        // a message longer than the largest legal request is refused before it is parsed
        byte[] big = new byte[SESSION.maxRequestBytes() + 1];
        e = assertThrows(ProtocolException.class, () -> SplitProtocol.decodeRequest(big, SESSION));
        assertTrue(e.getMessage().startsWith("Request: " + big.length + " bytes, more than"), e.getMessage());
        assertTrue(SESSION.maxRequestBytes() >= SplitProtocol.encode(new TrainStep(ramp(8, 16, 384),
                new long[8][16], new int[8], true)).length, "the largest legal request fits");
        // an OpenSession with more classes than the endpoint serves, or an endless name
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            many.add("c" + i);
        }
        assertRefused("OpenSession.labels: 17 classes, this endpoint serves at most 16", SplitProtocol.encode(
                new Open(SplitProtocol.VERSION, "m", 1, many, "mean", 0f, 1, 1e-3f, 0f, 0f, 1f, 10)));
        assertRefused("OpenSession.labels[1]: 300 characters", SplitProtocol.encode(new Open(SplitProtocol.VERSION,
                "m", 1, List.of("a", "x".repeat(300)), "mean", 0f, 1, 1e-3f, 0f, 0f, 1f, 10)));
    }

    @Test
    void valuesTheTopWouldTrainOnAreChecked() throws IOException {
        FloatTensor reps = ramp(2, 3, 4);
        reps.data()[13] = Float.NaN;
        assertRefused("TrainStep.representations: NaN at sentence 1, token 0, dimension 1",
                SplitProtocol.encode(new TrainStep(reps, MASK, new int[] {0, 1}, false)));
        reps.data()[13] = Float.NEGATIVE_INFINITY;
        assertRefused("Predict.representations: -Infinity at sentence 1", SplitProtocol.encode(new Predict(reps, MASK)));
        assertRefused("TrainStep.attention_mask: -1 at sentence 1, token 2 (0 or 1)", SplitProtocol.encode(
                new TrainStep(ramp(2, 3, 4), new long[][] {{1, 1, 1}, {1, 1, -1}}, new int[] {0, 1}, false)));
        assertRefused("Predict.attention_mask: 2 at sentence 0, token 0", SplitProtocol.encode(
                new Predict(ramp(2, 3, 4), new long[][] {{2, 1, 1}, {1, 1, 0}})));
        assertRefused("Predict.attention_mask: sentence 1 has no token", SplitProtocol.encode(
                new Predict(ramp(2, 3, 4), new long[][] {{1, 1, 1}, {0, 0, 0}})));
        assertRefused("TrainStep.labels[1]: 2 is not a class of the session (0..1)", SplitProtocol.encode(
                new TrainStep(ramp(2, 3, 4), MASK, new int[] {0, 2}, false)));
        assertRefused("TrainStep.labels[0]: -1 is not a class", SplitProtocol.encode(
                new TrainStep(ramp(2, 3, 4), MASK, new int[] {-1, 0}, false)));
        assertRefused("TrainStep.attention_mask: missing", org.privtune.protocol.v1.Request.newBuilder()
                .setTrainStep(org.privtune.protocol.v1.TrainStep.newBuilder().setRepresentations(
                        SplitProtocol.toWire(new Predict(ramp(1, 2, 4), new long[][] {{1, 1}})).getPredict()
                                .getRepresentations())).build().toByteArray());
        assertRefused("Request.body: no request this side knows", new byte[0]);
        assertRefused("Request: not a valid protobuf message", new byte[] {10, 50, 1});
    }

    @Test
    void securityFilesThatCannotBeUsedAreNamed(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("token.txt"), "\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransportSecurity.readToken(empty));
        assertEquals(empty + ", line 1: the access token is empty", e.getMessage());
        assertEquals("abc", TransportSecurity.readToken(Files.writeString(dir.resolve("t2.txt"), "  abc \nignored\n")));
        Path garbage = Files.writeString(dir.resolve("cloud.pem"), "not a certificate");
        e = assertThrows(IllegalArgumentException.class, () -> TransportSecurity.client(garbage, new char[0]));
        assertTrue(e.getMessage().startsWith(garbage + ": "), e.getMessage());
        Path missing = dir.resolve("absent.p12");
        e = assertThrows(IllegalArgumentException.class, () -> TransportSecurity.server(missing, new char[0]));
        assertTrue(e.getMessage().startsWith(missing + ": cannot read the key store"), e.getMessage());
        Path notP12 = Files.writeString(dir.resolve("cloud.p12"), "neither");
        e = assertThrows(IllegalArgumentException.class, () -> TransportSecurity.server(notP12, "x".toCharArray()));
        assertTrue(e.getMessage().startsWith(notP12 + ": "), e.getMessage());
    }

    private static void assertRefused(String expected, byte[] request) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> SplitProtocol.decodeRequest(request, SESSION));
        assertTrue(e.getMessage().startsWith(expected), "got: " + e.getMessage());
    }

    private static com.google.protobuf.ByteString bytes(int n) {
        return com.google.protobuf.ByteString.copyFrom(new byte[n]);
    }

    private static byte[] trainStep(Tensor reps, Tensor mask, int label) {
        return org.privtune.protocol.v1.Request.newBuilder().setTrainStep(org.privtune.protocol.v1.TrainStep
                .newBuilder().setRepresentations(reps).setAttentionMask(mask).addLabels(label)).build().toByteArray();
    }
}
