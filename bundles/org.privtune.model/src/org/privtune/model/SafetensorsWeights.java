package org.privtune.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.privtune.core.InvalidInputException;

/**
 * Reads a safetensors file: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian data. F32, F16 and BF16 tensors
 * are read as float; other dtypes (e.g. the int64 position_ids buffer some checkpoints carry) are
 * skipped. The file is memory-mapped, so a large checkpoint is not copied twice.
 */
public final class SafetensorsWeights {

    /** A tensor: its shape and its values, row-major. */
    public record Tensor(String name, long[] shape, float[] values) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private SafetensorsWeights() {
    }

    /** Every floating-point tensor of the file by name, in file order. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        String shown = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new InvalidInputException(shown, 0, null, "truncated: " + size + " bytes, not a safetensors file");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw new InvalidInputException(shown, 0, null, "header length " + headerLen + " does not fit a file of "
                        + size + " bytes: not a safetensors file");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            ch.read(headerBuf, 8);
            JsonNode header;
            try {
                header = JSON.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                throw new InvalidInputException(shown, 0, null, "unreadable header: " + e.getOriginalMessage(), e);
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            MappedByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLen);
            data.order(ByteOrder.LITTLE_ENDIAN);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                Tensor t = tensor(shown, e.getKey(), e.getValue(), data, dataLen);
                if (t != null) {
                    out.put(t.name(), t);
                }
            }
            return out;
        }
    }

    private static Tensor tensor(String file, String name, JsonNode spec, ByteBuffer data, long dataLen) {
        String dtype = spec.path("dtype").asText("");
        JsonNode shapeNode = spec.path("shape");
        JsonNode offsets = spec.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new InvalidInputException(file, 0, name, "header entry needs shape and data_offsets [begin, end]");
        }
        long[] shape = new long[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
            count *= shape[i];
        }
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> 0;
        };
        if (width == 0) {
            return null;
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end > dataLen || end - begin != count * width) {
            throw new InvalidInputException(file, 0, name, "data_offsets [" + begin + ", " + end + "] do not hold "
                    + count + " " + dtype + " values within the " + dataLen + " data bytes (truncated file?)");
        }
        if (count > Integer.MAX_VALUE) {
            throw new InvalidInputException(file, 0, name, count + " values: too large for one tensor");
        }
        float[] values = new float[(int) count];
        ByteBuffer slice = data.slice((int) begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case "F32" -> slice.asFloatBuffer().get(values);
            case "F16" -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.float16ToFloat(slice.getShort(2 * i));
                }
            }
            default -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.intBitsToFloat((slice.getShort(2 * i) & 0xffff) << 16);
                }
            }
        }
        return new Tensor(name, shape, values);
    }
}
