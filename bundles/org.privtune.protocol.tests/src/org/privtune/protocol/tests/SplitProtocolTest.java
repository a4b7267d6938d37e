package org.privtune.protocol.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
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

import com.google.protobuf.CodedOutputStream;
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

    static final Open OPEN = new Open(1, "sentence-transformers/all-MiniLM-L6-v2", 2, List.of("neg", "pos"), "mean",
            0.1f, -42L, 5e-5f, 0.1f, 0.01f, 1f, 1234);

    @Test
    void everyMessageSurvivesTheRoundTrip() throws IOException {
        List<Request> requests = List.of(OPEN, new TrainStep(ramp(2, 3, 4), MASK, new int[] {1, 0}, true),
                new TrainStep(ramp(2, 3, 4), MASK, new int[] {0, 300}, false), new Predict(ramp(2, 3, 4), MASK),
                new Checkpoint(false), new Checkpoint(true), new FetchWeights());
        for (Request r : requests) {
            assertEquals(r, SplitProtocol.decodeRequest(SplitProtocol.encode(r)), r.getClass().getSimpleName());
        }
        Map<String, FloatTensor> w = new LinkedHashMap<>();
        w.put("encoder.layer.2.attention.self.query.weight", ramp(4, 4));
        w.put("head.bias", ramp(2));
        List<Response> responses = List.of(new Opened("s7", 1_234_567_890_123L, "server 1", 384),
                new Step(0.6931f, 17, 2.5f, ramp(2, 3, 4)), new Step(Float.NaN, 0, 0f, null),
                new Logits(ramp(2, 2)), new Ack(), new Weights(w), new Failure("TrainStep.labels[3]: 9"));
        for (Response r : responses) {
            Response back = SplitProtocol.decodeResponse(SplitProtocol.encode(r));
            if (r instanceof Step s && Float.isNaN(s.loss())) {
                assertTrue(Float.isNaN(((Step) back).loss()), "NaN loss reaches the device as NaN");
                continue;
            }
            assertEquals(r, back, r.getClass().getSimpleName());
        }
        assertEquals(List.copyOf(w.keySet()), List.copyOf(((Weights) SplitProtocol.decodeResponse(
                SplitProtocol.encode(new Weights(w)))).tensors().keySet()), "parameter order is kept");
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
        assertEquals(List.of(1L), open.getField(1).getVarintList(), "protocol_version = 1");
        assertEquals(2, open.getField(4).getLengthDelimitedList().size(), "labels = 4, one entry per class");
        assertEquals(List.of(1234L), open.getField(12).getVarintList(), "total_steps = 12");
        assertEquals(List.of(Float.floatToIntBits(5e-5f)), open.getField(8).getFixed32List(), "learning_rate = 8");
    }

    @Test
    void framesFollowEachOtherAndEndCleanly() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n1 = SplitProtocol.write(OPEN, out);
        int n2 = SplitProtocol.write(new Predict(ramp(2, 3, 4), MASK), out);
        int n3 = SplitProtocol.write(new Checkpoint(true), out);
        assertEquals(out.size(), n1 + n2 + n3, "write reports the bytes of each frame");
        assertEquals(5, n3, "length 4, then 0x22 0x02 0x08 0x01");
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertEquals(OPEN, SplitProtocol.readRequest(in));
        assertEquals(new Predict(ramp(2, 3, 4), MASK), SplitProtocol.readRequest(in));
        assertEquals(new Checkpoint(true), SplitProtocol.readRequest(in));
        assertNull(SplitProtocol.readRequest(in), "end of stream between frames is the end of the session");
    }

    @Test
    void truncatedAndOversizedFramesAreRefused() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SplitProtocol.write(new Predict(ramp(2, 3, 4), MASK), out);
        byte[] all = out.toByteArray();
        byte[] cut = java.util.Arrays.copyOf(all, all.length - 10);
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> SplitProtocol.readRequest(new ByteArrayInputStream(cut)));
        assertTrue(e.getMessage().contains("connection ended inside a message"), e.getMessage());

        ByteArrayOutputStream big = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(big);
        c.writeUInt32NoTag(SplitProtocol.MAX_MESSAGE_BYTES + 1);
        c.flush();
        e = assertThrows(ProtocolException.class,
                () -> SplitProtocol.readRequest(new ByteArrayInputStream(big.toByteArray())));
        assertTrue(e.getMessage().contains("frame length"), e.getMessage());

        assertThrows(java.io.EOFException.class,
                () -> SplitProtocol.readResponse(new ByteArrayInputStream(new byte[0])));
    }

    @Test
    void malformedMessagesNameTheField() throws IOException {
        // a TrainStep whose tensor holds 5 floats for shape [1, 2, 3]
        byte[] tensor = rawTensor(new long[] {1, 2, 3}, 2, 20);
        byte[] mask = rawTensor(new long[] {1, 2}, 3, 16);
        byte[] step = message(c -> {
            c.writeByteArray(1, tensor);
            c.writeByteArray(2, mask);
            c.writeInt32(3, 0);
        });
        assertMessage("TrainStep.representations: shape [1, 2, 3] needs 6 values", request(2, step));

        byte[] goodTensor = SplitProtocol.encode(new Predict(ramp(1, 2, 3), new long[][] {{1, 1}}));
        byte[] reps = UnknownFieldSet.parseFrom(UnknownFieldSet.parseFrom(goodTensor).getField(3)
                .getLengthDelimitedList().get(0).toByteArray()).getField(1).getLengthDelimitedList().get(0)
                .toByteArray();
        byte[] noLabels = message(c -> {
            c.writeByteArray(1, reps);
            c.writeByteArray(2, mask);
        });
        assertMessage("TrainStep.labels: 0 labels for 1 sentences", request(2, noLabels));

        byte[] wideMask = rawTensor(new long[] {1, 3}, 3, 24);
        byte[] badMask = message(c -> {
            c.writeByteArray(1, reps);
            c.writeByteArray(2, wideMask);
        });
        assertMessage("Predict.attention_mask: row 0 has 3 entries, representations have 2 tokens", request(3, badMask));
        assertMessage("Predict.attention_mask: missing", request(3, message(c -> c.writeByteArray(1, reps))));
        assertMessage("Request.body: no request this side knows", new byte[0]);
        assertMessage("Request: not a valid protobuf message", new byte[] {10, 50, 1});
    }

    @Test
    void theAccessTokenTravelsInField13AndIsNeverPrinted() throws IOException {
        Open withToken = OPEN.withAccessToken("tok-123");
        assertEquals(withToken, SplitProtocol.decodeRequest(SplitProtocol.encode(withToken)));
        UnknownFieldSet open = UnknownFieldSet.parseFrom(UnknownFieldSet.parseFrom(SplitProtocol.encode(withToken))
                .getField(1).getLengthDelimitedList().get(0));
        assertEquals("tok-123", open.getField(13).getLengthDelimitedList().get(0).toStringUtf8());
        assertTrue(UnknownFieldSet.parseFrom(UnknownFieldSet.parseFrom(SplitProtocol.encode(OPEN)).getField(1)
                .getLengthDelimitedList().get(0)).getField(13).getLengthDelimitedList().isEmpty(), "no token: no field");
        assertFalse(withToken.toString().contains("tok-123"), withToken.toString());
        assertTrue(TransportSecurity.sameToken("tok-123", "tok-123"));
        assertFalse(TransportSecurity.sameToken("tok-123", "tok-124"));
        assertFalse(TransportSecurity.sameToken("tok-123", null));
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

    private static void assertMessage(String expected, byte[] request) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> SplitProtocol.decodeRequest(request));
        assertTrue(e.getMessage().startsWith(expected), "got: " + e.getMessage());
    }

    private interface Writer {
        void write(CodedOutputStream c) throws IOException;
    }

    private static byte[] message(Writer w) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(b);
        w.write(c);
        c.flush();
        return b.toByteArray();
    }

    /** A Tensor message written by hand: packed shape, then {@code bytes} zero bytes in {@code dataField}. */
    private static byte[] rawTensor(long[] shape, int dataField, int bytes) throws IOException {
        return message(c -> {
            c.writeTag(1, 2);
            c.writeUInt32NoTag(shape.length); // each dimension below 128 takes one byte
            for (long d : shape) {
                c.writeInt64NoTag(d);
            }
            c.writeByteArray(dataField, new byte[bytes]);
        });
    }

    private static byte[] request(int field, byte[] body) throws IOException {
        return message(c -> c.writeByteArray(field, body));
    }
}
