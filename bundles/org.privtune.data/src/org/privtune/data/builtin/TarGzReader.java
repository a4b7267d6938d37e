package org.privtune.data.builtin;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the entries of a gzip-compressed tar file (as written by {@code npm pack}: ustar with
 * PAX headers for long names) in one pass, without unpacking to disk. Hand-written rather than
 * taken from commons-compress, whose tar reader needs commons-io and commons-lang3 at run time
 * (three more bundles for ~150 lines).
 */
public final class TarGzReader implements AutoCloseable {

    /** One file in the archive; {@code content()} is valid until the next call to {@link #next()}. */
    public record Entry(String name, long size, InputStream content) {
    }

    private static final int BLOCK = 512;

    private final InputStream in;
    private final String archiveName;
    private long remaining;
    private long padding;

    public TarGzReader(Path tgz) throws IOException {
        this.archiveName = tgz.getFileName().toString();
        this.in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tgz), 1 << 16), 1 << 16);
    }

    /** The next regular file, or null at the end of the archive. */
    public Entry next() throws IOException {
        skipFully(remaining + padding);
        remaining = 0;
        padding = 0;
        String paxPath = null;
        byte[] header = new byte[BLOCK];
        while (true) {
            if (!readBlock(header)) {
                return null;
            }
            if (isZero(header)) {
                return null; // end-of-archive marker
            }
            checkSum(header);
            long size = octal(header, 124, 12);
            char type = (char) header[156];
            String name = string(header, 0, 100);
            String magic = string(header, 257, 6);
            if (magic.startsWith("ustar")) {
                String prefix = string(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            long pad = (BLOCK - size % BLOCK) % BLOCK;
            if (type == 'x' || type == 'L') {
                byte[] data = readFully(size);
                skipFully(pad);
                if (type == 'L') {
                    paxPath = string(data, 0, data.length);
                } else {
                    String p = paxValue(new String(data, StandardCharsets.UTF_8), "path");
                    if (p != null) {
                        paxPath = p;
                    }
                }
                continue;
            }
            if (type == 'g') { // global PAX header: nothing we need
                skipFully(size + pad);
                continue;
            }
            if (paxPath != null) {
                name = paxPath;
            }
            if (type != '0' && type != '\0' && type != '7') {
                skipFully(size + pad); // directories, links and the like carry no data we read
                paxPath = null;
                continue;
            }
            remaining = size;
            padding = pad;
            return new Entry(name, size, new EntryStream());
        }
    }

    private final class EntryStream extends InputStream {

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw truncated();
            }
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw truncated();
            }
            remaining -= n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = in.skip(Math.min(n, remaining));
            remaining -= s;
            return s;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), remaining);
        }

        @Override
        public void close() {
            // the archive stays open; next() skips what is left of this entry
        }
    }

    private static String paxValue(String records, String key) {
        // each record: "<length> <key>=<value>\n"
        for (String rec : records.split("\n")) {
            int sp = rec.indexOf(' ');
            int eq = rec.indexOf('=');
            if (sp > 0 && eq > sp && rec.substring(sp + 1, eq).equals(key)) {
                return rec.substring(eq + 1);
            }
        }
        return null;
    }

    private void checkSum(byte[] h) throws IOException {
        long stored = octal(h, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        }
        if (sum != stored) {
            throw new IOException(archiveName + ": tar header checksum mismatch; the archive is damaged");
        }
    }

    private long octal(byte[] h, int off, int len) throws IOException {
        long v = 0;
        int i = off;
        int end = off + len;
        while (i < end && (h[i] == ' ' || h[i] == 0)) {
            i++;
        }
        for (; i < end && h[i] >= '0' && h[i] <= '7'; i++) {
            v = v * 8 + (h[i] - '0');
        }
        if ((h[off] & 0x80) != 0) {
            throw new IOException(archiveName + ": base-256 tar sizes are not supported");
        }
        return v;
    }

    private static String string(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private boolean readBlock(byte[] block) throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        if (n == 0) {
            return false;
        }
        if (n < BLOCK) {
            throw truncated();
        }
        return true;
    }

    private byte[] readFully(long size) throws IOException {
        if (size > 1 << 20) {
            throw new IOException(archiveName + ": extended header of " + size + " bytes is implausible");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) {
            throw truncated();
        }
        return data;
    }

    private void skipFully(long n) throws IOException {
        try {
            in.skipNBytes(n);
        } catch (EOFException e) {
            throw truncated();
        }
    }

    private IOException truncated() {
        return new EOFException(archiveName + ": the archive ends early; it is truncated or damaged");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
