package org.privtune.data.builtin;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.io.input.CloseShieldInputStream;

/**
 * The files of a gzip-compressed tar file as {@code npm pack} writes it (ustar with PAX headers for
 * long names), read in one pass with Commons Compress, without unpacking to disk. Its tar reader
 * needs commons-io and commons-lang3 at run time (optional imports of its bundle, which this
 * bundle's manifest therefore imports).
 */
final class Tarballs {

    /** Gets one file of the tarball; {@code content} is valid during the call, and closing it is harmless. */
    interface FileAction {
        void accept(String name, InputStream content) throws IOException;
    }

    private Tarballs() {
    }

    /**
     * Calls {@code action} for each regular file whose name {@code names} matches, in archive order;
     * what the action leaves unread is skipped.
     *
     * @throws IOException when the archive is damaged or ends early
     */
    static void forEachFile(Path tgz, Pattern names, FileAction action) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(tgz), 1 << 16)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.isFile() && !e.isLink() && !e.isSymbolicLink() && names.matcher(e.getName()).matches()) {
                    action.accept(e.getName(), CloseShieldInputStream.wrap(tar));
                }
            }
        }
    }
}
