package org.privtune.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.privtune.core.PrivTuneHome;

/**
 * The folder where fetched data sets and the list of recent imports live:
 * {@code datasets} in the state folder ({@link PrivTuneHome}), or the system property {@value #PROPERTY}. Files are written
 * beside their final name and moved over it in one step, so a crash or a cancel never leaves a
 * half-written file under a name that would be trusted later.
 */
public final class DataDirectory {

    public static final String PROPERTY = "privtune.data.dir";

    /** Writes the content of a file. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private DataDirectory() {
    }

    public static Path root() {
        String dir = System.getProperty(PROPERTY);
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        return PrivTuneHome.dir(PrivTuneHome.DATASETS);
    }

    /** Writes {@code target} through a temporary file in the same folder and an atomic rename. */
    public static void writeAtomically(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
            moveAtomically(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Renames {@code from} to {@code to} in one step where the file system can. */
    public static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
