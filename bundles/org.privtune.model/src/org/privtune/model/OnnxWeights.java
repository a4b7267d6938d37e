package org.privtune.model;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.privtune.core.InvalidInputException;

/**
 * All initializers (weights) of an ONNX model, read with protobuf's wire decoder so that no
 * generated ONNX classes are needed. Only the fields we use are decoded: ModelProto.graph (7) ->
 * GraphProto.node (1) and .initializer (5) -> TensorProto dims (1), data_type (2), float_data (4),
 * int64_data (7), name (8), raw_data (9). The file is read once, as a stream, and its SHA-256 is
 * computed on the same pass.
 */
public final class OnnxWeights {

    /** ONNX TensorProto.DataType codes we decode. */
    public static final int FLOAT = 1;
    public static final int INT64 = 7;

    /** One initializer; exactly one of {@code floats}/{@code longs} is non-null for FLOAT/INT64. */
    public record Tensor(String name, long[] dims, int dataType, float[] floats, long[] longs) {
        public long size() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }
    }

    /** One graph node, kept to map unnamed initializers (e.g. "onnx::MatMul_123") by position. */
    public record Node(String name, String opType, List<String> inputs, List<String> outputs) {
    }

    private final Map<String, Tensor> tensors;
    private final List<Node> nodes;
    private final String sha256;

    private OnnxWeights(Map<String, Tensor> tensors, List<Node> nodes, String sha256) {
        this.tensors = Collections.unmodifiableMap(tensors);
        this.nodes = Collections.unmodifiableList(nodes);
        this.sha256 = sha256;
    }

    /** Initializers by name, in file order. */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** Graph nodes in file (topological) order. */
    public List<Node> nodes() {
        return nodes;
    }

    /** Hex SHA-256 of the whole ONNX file. */
    public String sha256() {
        return sha256;
    }

    /** The named tensor, or an {@link InvalidInputException} naming it. */
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new InvalidInputException("ONNX model", 0, name, "initializer not found");
        }
        return t;
    }

    /**
     * Reads the initializers of an ONNX model from a stream (not closed here).
     *
     * @param source name used in error messages
     */
    public static OnnxWeights read(InputStream in, String source) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        DigestInputStream din = new DigestInputStream(in, digest);
        CodedInputStream cis = CodedInputStream.newInstance(din, 1 << 16);
        cis.setSizeLimit(Integer.MAX_VALUE);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        boolean sawGraph = false;
        try {
            while (true) {
                int tag = cis.readTag();
                if (tag == 0) {
                    break;
                }
                if (WireFormat.getTagFieldNumber(tag) == 7
                        && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    sawGraph = true;
                    int limit = cis.pushLimit(cis.readRawVarint32());
                    readGraph(cis, tensors, nodes, source);
                    cis.popLimit(limit);
                } else {
                    cis.skipField(tag);
                }
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new InvalidInputException(source, 0, null, "not a valid ONNX protobuf: " + e.getMessage(), e);
        }
        // Drain whatever the decoder did not need, so the checksum covers the whole file.
        byte[] buf = new byte[1 << 16];
        while (din.read(buf) >= 0) {
            // digest only
        }
        if (!sawGraph || tensors.isEmpty()) {
            throw new InvalidInputException(source, 0, "graph.initializer", "no ONNX graph initializers found");
        }
        return new OnnxWeights(tensors, nodes, HexFormat.of().formatHex(digest.digest()));
    }

    private static void readGraph(CodedInputStream cis, Map<String, Tensor> tensors, List<Node> nodes, String source)
            throws IOException {
        while (!cis.isAtEnd()) {
            int tag = cis.readTag();
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == 5 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = cis.pushLimit(cis.readRawVarint32());
                Tensor t = readTensor(cis, source);
                cis.popLimit(limit);
                tensors.put(t.name(), t);
            } else if (field == 1 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = cis.pushLimit(cis.readRawVarint32());
                nodes.add(readNode(cis));
                cis.popLimit(limit);
            } else {
                cis.skipField(tag);
            }
        }
    }

    private static Node readNode(CodedInputStream cis) throws IOException {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String op = "";
        while (!cis.isAtEnd()) {
            int tag = cis.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> inputs.add(cis.readStringRequireUtf8());
                case 2 -> outputs.add(cis.readStringRequireUtf8());
                case 3 -> name = cis.readStringRequireUtf8();
                case 4 -> op = cis.readStringRequireUtf8();
                default -> cis.skipField(tag);
            }
        }
        return new Node(name, op, List.copyOf(inputs), List.copyOf(outputs));
    }

    private static Tensor readTensor(CodedInputStream cis, String source) throws IOException {
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        String name = "";
        com.google.protobuf.ByteString raw = null;
        FloatList floatData = new FloatList();
        List<Long> int64Data = new ArrayList<>();
        while (!cis.isAtEnd()) {
            int tag = cis.readTag();
            int field = WireFormat.getTagFieldNumber(tag);
            int wire = WireFormat.getTagWireType(tag);
            switch (field) {
                case 1 -> readInt64s(cis, wire, dims);
                case 2 -> dataType = cis.readInt32();
                case 4 -> {
                    if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int limit = cis.pushLimit(cis.readRawVarint32());
                        while (!cis.isAtEnd()) {
                            floatData.add(cis.readFloat());
                        }
                        cis.popLimit(limit);
                    } else {
                        floatData.add(cis.readFloat());
                    }
                }
                case 7 -> readInt64s(cis, wire, int64Data);
                case 8 -> name = cis.readStringRequireUtf8();
                case 9 -> raw = cis.readBytes();
                case 14 -> {
                    int location = cis.readInt32();
                    if (location != 0) {
                        throw new InvalidInputException(source, 0, name,
                                "initializer stored as external data, which is not supported");
                    }
                }
                default -> cis.skipField(tag);
            }
        }
        long[] d = dims.stream().mapToLong(Long::longValue).toArray();
        long n = 1;
        for (long x : d) {
            n *= x;
        }
        if (n > Integer.MAX_VALUE) {
            throw new InvalidInputException(source, 0, name, "tensor too large: " + dims);
        }
        float[] floats = null;
        long[] longs = null;
        if (dataType == FLOAT) {
            if (raw != null) {
                if (raw.size() != n * 4) {
                    throw new InvalidInputException(source, 0, name,
                            "raw_data has " + raw.size() + " bytes, shape " + dims + " needs " + n * 4);
                }
                floats = new float[(int) n];
                raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats);
            } else {
                if (floatData.size != n) {
                    throw new InvalidInputException(source, 0, name,
                            "float_data has " + floatData.size + " values, shape " + dims + " needs " + n);
                }
                floats = floatData.toArray();
            }
        } else if (dataType == INT64) {
            if (raw != null) {
                longs = new long[(int) n];
                raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(longs);
            } else {
                longs = int64Data.stream().mapToLong(Long::longValue).toArray();
            }
        }
        return new Tensor(name, d, dataType, floats, longs);
    }

    private static void readInt64s(CodedInputStream cis, int wire, List<Long> out) throws IOException {
        if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = cis.pushLimit(cis.readRawVarint32());
            while (!cis.isAtEnd()) {
                out.add(cis.readInt64());
            }
            cis.popLimit(limit);
        } else {
            out.add(cis.readInt64());
        }
    }

    /** A growable float array, to avoid boxing for float_data. */
    private static final class FloatList {
        float[] data = new float[16];
        int size;

        void add(float f) {
            if (size == data.length) {
                data = java.util.Arrays.copyOf(data, size * 2);
            }
            data[size++] = f;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
}
