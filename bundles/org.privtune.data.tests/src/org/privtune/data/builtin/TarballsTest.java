package org.privtune.data.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarballsTest {

    private static final Pattern ALL = Pattern.compile(".*");

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
        Tarballs.forEachFile(tgz, ALL, (name, content) -> {
            names.add(name);
            if (name.endsWith("c.txt")) {
                assertEquals("héllo", new String(content.readAllBytes(), StandardCharsets.UTF_8));
            }
            if (name.endsWith("b.txt")) {
                assertEquals('x', content.read()); // read one byte; the rest must be skipped
                content.close(); // as a JSON parser does: the archive stays open
            }
        });
        assertEquals(List.of("package/a.json", longName, "package/c.txt"), names);
    }

    @Test
    void onlyMatchingNamesReachTheAction() throws IOException {
        Path tgz = TarFixtures.writeTgz(dir.resolve("t.tgz"),
                Map.of("package/keep.json", "{}", "package/skip.txt", "no"));
        List<String> names = new ArrayList<>();
        Tarballs.forEachFile(tgz, Pattern.compile(".*\\.json"), (name, content) -> names.add(name));
        assertEquals(List.of("package/keep.json"), names);
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
        IOException e = assertThrows(IOException.class,
                () -> Tarballs.forEachFile(cut, ALL, (name, content) -> content.readAllBytes()));
        assertTrue(e.getMessage().toLowerCase(Locale.ROOT).contains("truncated"), e.getMessage());
    }
}
