package org.privtune.model.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.core.InvalidInputException;
import org.privtune.model.SafetensorsWeights;

/** The safetensors reader: F32, F16 and BF16 as float, other dtypes skipped, a short file refused. */
class SafetensorsWeightsTest {

    @TempDir
    Path tmp;

    private static Path write(Path file, String header, byte[] data) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.write(h);
        out.write(data);
        Files.write(file, out.toByteArray());
        return file;
    }

    @Test
    void readsFloatDtypesAndSkipsOthers() throws Exception {
        ByteBuffer data = ByteBuffer.allocate(8 + 4 + 4 + 8).order(ByteOrder.LITTLE_ENDIAN);
        data.putFloat(1.5f).putFloat(-2.25f); // F32 [2]
        data.putShort(Float.floatToFloat16(0.5f)).putShort(Float.floatToFloat16(-3f)); // F16 [2]
        data.putShort((short) (Float.floatToIntBits(1.25f) >>> 16)).putShort((short) (Float.floatToIntBits(-8f) >>> 16));
        data.putLong(7L); // I64 [1]
        Path f = write(tmp.resolve("w.safetensors"), "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F16\",\"shape\":[1,2],\"data_offsets\":[8,12]},"
                + "\"c\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[12,16]},"
                + "\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[16,24]}}", data.array());
        Map<String, SafetensorsWeights.Tensor> t = SafetensorsWeights.read(f);
        assertEquals(java.util.List.of("a", "b", "c"), java.util.List.copyOf(t.keySet()));
        assertArrayEquals(new float[] {1.5f, -2.25f}, t.get("a").values());
        assertArrayEquals(new long[] {1, 2}, t.get("b").shape());
        assertArrayEquals(new float[] {0.5f, -3f}, t.get("b").values());
        assertArrayEquals(new float[] {1.25f, -8f}, t.get("c").values());
    }

    @Test
    void truncatedDataIsRefusedNamingTheTensor() throws Exception {
        Path f = write(tmp.resolve("short.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[12]);
        assertEquals(f + ", field 'w': data_offsets [0, 16] do not hold 4 F32 values within the 12 data bytes "
                + "(truncated file?)", assertThrows(InvalidInputException.class, () -> SafetensorsWeights.read(f))
                        .getMessage());
        Path g = tmp.resolve("tiny.safetensors");
        Files.write(g, new byte[] {1, 2, 3});
        assertEquals(g + ": truncated: 3 bytes, not a safetensors file",
                assertThrows(InvalidInputException.class, () -> SafetensorsWeights.read(g)).getMessage());
    }
}
