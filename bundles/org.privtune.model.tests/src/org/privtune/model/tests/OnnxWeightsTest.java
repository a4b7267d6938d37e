package org.privtune.model.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.privtune.core.InvalidInputException;
import org.privtune.model.BertEncoder;
import org.privtune.model.OnnxWeights;

/** The ONNX reader on small hand-encoded models (both float encodings) and on the real MiniLM file. */
class OnnxWeightsTest {

    /** Encodes a TensorProto with either raw_data (little-endian) or packed float_data. */
    static byte[] tensor(String name, long[] dims, float[] values, boolean raw) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bos);
        for (long d : dims) {
            out.writeInt64(1, d);
        }
        out.writeInt32(2, 1);
        out.writeString(8, name);
        if (raw) {
            ByteBuffer bb = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                bb.putFloat(v);
            }
            out.writeBytes(9, ByteString.copyFrom(bb.array()));
        } else {
            out.writeTag(4, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(values.length * 4);
            for (float v : values) {
                out.writeFloatNoTag(v);
            }
        }
        out.flush();
        return bos.toByteArray();
    }

    static byte[] node(String name, String op, List<String> inputs) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bos);
        for (String in : inputs) {
            out.writeString(1, in);
        }
        out.writeString(2, name + "_output_0");
        out.writeString(3, name);
        out.writeString(4, op);
        out.flush();
        return bos.toByteArray();
    }

    static byte[] model(byte[]... graphParts) throws Exception {
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        CodedOutputStream g = CodedOutputStream.newInstance(graph);
        g.writeString(2, "test-graph");
        for (byte[] part : graphParts) {
            g.writeByteArray(part[0], Arrays.copyOfRange(part, 1, part.length));
        }
        g.flush();
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        CodedOutputStream m = CodedOutputStream.newInstance(bos);
        m.writeInt64(1, 8); // ir_version, skipped by the reader
        m.writeString(2, "producer");
        m.writeByteArray(7, graph.toByteArray());
        m.flush();
        return bos.toByteArray();
    }

    /** Prefixes a graph field number to a message body. */
    static byte[] field(int number, byte[] body) {
        byte[] out = new byte[body.length + 1];
        out[0] = (byte) number;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    @Test
    void readsRawAndFloatDataAndMapsUnnamedMatMulWeights() throws Exception {
        float[] w = {1, 2, 3, 4, 5, 6};
        byte[] bytes = model(
                field(1, node("/encoder/layer.0/intermediate/dense/MatMul", "MatMul", List.of("x", "onnx::MatMul_9"))),
                field(5, tensor("onnx::MatMul_9", new long[] {2, 3}, w, true)),
                field(5, tensor("encoder.layer.0.intermediate.dense.bias", new long[] {3}, new float[] {7, 8, 9}, false)));
        OnnxWeights ow = OnnxWeights.read(new ByteArrayInputStream(bytes), "test.onnx");
        assertEquals(2, ow.tensors().size());
        assertArrayEquals(new long[] {2, 3}, ow.get("onnx::MatMul_9").dims());
        assertArrayEquals(w, ow.get("onnx::MatMul_9").floats());
        assertArrayEquals(new float[] {7, 8, 9}, ow.get("encoder.layer.0.intermediate.dense.bias").floats());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)), ow.sha256());

        Map<String, float[]> torch = BertEncoder.torchLayout(ow);
        // [in=2, out=3] MatMul weight becomes PyTorch's [out=3, in=2]
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, torch.get("encoder.layer.0.intermediate.dense.weight"));
        assertTrue(torch.containsKey("encoder.layer.0.intermediate.dense.bias"));
    }

    @Test
    void truncatedOrEmptyInputIsRefused() throws Exception {
        byte[] bytes = model(field(5, tensor("w", new long[] {4}, new float[] {1, 2, 3, 4}, true)));
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 5);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> OnnxWeights.read(new ByteArrayInputStream(cut), "cut.onnx"));
        assertEquals("cut.onnx", e.source());
        assertThrows(InvalidInputException.class,
                () -> OnnxWeights.read(new ByteArrayInputStream(new byte[0]), "empty.onnx"));
        byte[] wrongSize = model(field(5, tensor("w", new long[] {5}, new float[] {1, 2, 3, 4}, true)));
        InvalidInputException e2 = assertThrows(InvalidInputException.class,
                () -> OnnxWeights.read(new ByteArrayInputStream(wrongSize), "bad.onnx"));
        assertEquals("w", e2.field());
    }

    @Test
    void miniLmHasAllBertWeights() {
        OnnxWeights ow = MiniLmFixture.weights();
        assertArrayEquals(new long[] {30522, 384}, ow.get("embeddings.word_embeddings.weight").dims());
        Map<String, float[]> torch = BertEncoder.torchLayout(ow);
        // 5 embedding tensors + 16 per layer (6 Dense x 2 + 2 LayerNorm x 2)
        assertEquals(5 + 6 * 16, torch.size());
        for (int l = 0; l < 6; l++) {
            for (String p : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense", "intermediate.dense", "output.dense")) {
                assertTrue(torch.containsKey("encoder.layer." + l + "." + p + ".weight"), l + " " + p);
            }
        }
        assertEquals(64, ow.sha256().length());
    }
}
