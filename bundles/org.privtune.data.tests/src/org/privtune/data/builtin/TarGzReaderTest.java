package org.privtune.data.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarGzReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsEntriesIncludingPaxLongNamesAndSkipsUnreadContent() throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("package/a.json", "[1,2,3]");
        String longName = "package/" + "deep/".repeat(25) + "b.txt";
        entries.put(longName, "x".repeat(1500));
        entries.put("package/c.txt", "héllo");
        Path tgz = TarFixtures.writeTgz(dir.resolve("t.tgz"), entries);
        List<String> names = new ArrayList<>();
        try (TarGzReader r = new TarGzReader(tgz)) {
            for (TarGzReader.Entry e = r.next(); e != null; e = r.next()) {
                names.add(e.name());
                if (e.name().endsWith("c.txt")) {
                    assertEquals("héllo", new String(e.content().readAllBytes(), StandardCharsets.UTF_8));
                }
                if (e.name().endsWith("b.txt")) {
                    assertEquals(1500, e.size());
                    assertEquals('x', e.content().read()); // read one byte; next() must skip the rest
                }
            }
            assertNull(r.next());
        }
        assertEquals(List.of("package/a.json", longName, "package/c.txt"), names);
    }

    @Test
    void truncatedArchiveIsReported() throws IOException {
        Path tgz = TarFixtures.writeTgz(dir.resolve("t.tgz"), Map.of("package/big.txt", "y".repeat(5000)));
        // re-compress only the first 1,000 bytes of the tar stream
        byte[] tar;
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(tgz))) {
            tar = in.readAllBytes();
        }
        Path cut = dir.resolve("cut.tgz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(cut))) {
            out.write(tar, 0, 1000);
        }
        IOException e = assertThrows(IOException.class, () -> {
            try (TarGzReader r = new TarGzReader(cut)) {
                for (TarGzReader.Entry en = r.next(); en != null; en = r.next()) {
                    en.content().readAllBytes();
                }
            }
        });
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
}
