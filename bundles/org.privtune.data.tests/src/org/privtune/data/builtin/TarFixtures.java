package org.privtune.data.builtin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Writes small .tgz files the way npm does (ustar, PAX header for a long name) for tests. */
final class TarFixtures {

    private TarFixtures() {
    }

    static Path writeTgz(Path file, Map<String, String> entries) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                byte[] data = e.getValue().getBytes(StandardCharsets.UTF_8);
                String name = e.getKey();
                if (name.length() > 100) {
                    String rec = " path=" + name + "\n";
                    int len = rec.length() + 3;
                    rec = len + rec;
                    byte[] pax = rec.getBytes(StandardCharsets.UTF_8);
                    out.write(header("PaxHeader", pax.length, 'x'));
                    out.write(padded(pax));
                    name = name.substring(0, 100);
                }
                out.write(header(name, data.length, '0'));
                out.write(padded(data));
            }
            out.write(new byte[1024]);
        }
        return file;
    }

    private static byte[] padded(byte[] data) {
        byte[] p = new byte[(data.length + 511) / 512 * 512];
        System.arraycopy(data, 0, p, 0, data.length);
        return p;
    }

    private static byte[] header(String name, long size, char type) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size));
        put(h, 136, "00000000000");
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        return h;
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }

}
