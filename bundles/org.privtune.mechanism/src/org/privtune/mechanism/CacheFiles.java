package org.privtune.mechanism;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.privtune.core.InvalidInputException;

/**
 * Binary cache files for the reference space and the neighbour graph: a magic word, a shape and
 * little-endian payload. Written to a temporary file and moved into place so that a crash never
 * leaves a half-written cache that a later run would trust.
 */
final class CacheFiles {

    private CacheFiles() {
    }

    /** SHA-256 (hex) of the parts joined by NUL: cache keys for (weights, split[, k]). */
    static String key(Object... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Object p : parts) {
                md.update(String.valueOf(p).getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes header ints, then float and int blocks, atomically. */
    static void write(Path file, int magic, int[] header, float[] floats, int[] ints) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp" + ProcessHandle.current().pid());
            long bytes = 4L * (2 + header.length) + 4L * floats.length + (ints == null ? 0 : 4L * ints.length);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer head = ByteBuffer.allocate(4 * (2 + header.length)).order(ByteOrder.LITTLE_ENDIAN);
                head.putInt(magic).putInt(header.length);
                for (int h : header) {
                    head.putInt(h);
                }
                head.flip();
                writeFully(ch, head);
                writeFloats(ch, floats);
                if (ints != null) {
                    writeInts(ch, ints);
                }
                if (ch.size() != bytes) {
                    throw new IOException("short write " + ch.size() + " of " + bytes);
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write cache " + file, e);
        }
    }

    /** A read cache file: header ints and the mapped payload positioned after the header. */
    record Content(int[] header, ByteBuffer payload) {
        float[] floats(int n) {
            float[] out = new float[n];
            payload.asFloatBuffer().get(out);
            payload.position(payload.position() + 4 * n);
            return out;
        }

        int[] ints(int n) {
            int[] out = new int[n];
            payload.asIntBuffer().get(out);
            payload.position(payload.position() + 4 * n);
            return out;
        }
    }

    static Content read(Path file, int magic) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            if (all.remaining() < 8 || all.getInt() != magic) {
                throw new InvalidInputException(file.toString(), 0, "magic", "not a PrivTune cache file of this kind");
            }
            int n = all.getInt();
            if (n < 0 || n > 16) {
                throw new InvalidInputException(file.toString(), 0, "header", "corrupt header length " + n);
            }
            int[] header = new int[n];
            for (int i = 0; i < n; i++) {
                header[i] = all.getInt();
            }
            return new Content(header, all.slice().order(ByteOrder.LITTLE_ENDIAN));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read cache " + file, e);
        }
    }

    private static void writeFloats(FileChannel ch, float[] a) throws IOException {
        int chunk = 1 << 20;
        ByteBuffer buf = ByteBuffer.allocateDirect(4 * chunk).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < a.length; off += chunk) {
            int len = Math.min(chunk, a.length - off);
            buf.clear();
            buf.asFloatBuffer().put(a, off, len);
            buf.limit(4 * len);
            writeFully(ch, buf);
        }
    }

    private static void writeInts(FileChannel ch, int[] a) throws IOException {
        int chunk = 1 << 20;
        ByteBuffer buf = ByteBuffer.allocateDirect(4 * chunk).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < a.length; off += chunk) {
            int len = Math.min(chunk, a.length - off);
            buf.clear();
            buf.asIntBuffer().put(a, off, len);
            buf.limit(4 * len);
            writeFully(ch, buf);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
