package org.privtune.data.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.privtune.core.InvalidInputException;

/**
 * A reader that refuses bytes which are not valid in the charset instead of replacing them
 * (silently imported U+FFFD would poison the vocabulary), skips a leading UTF-8 byte-order mark,
 * and knows the line it has reached so that the refusal names it. Also counts bytes consumed, for
 * progress reporting.
 */
final class StrictTextReader extends Reader {

    private final InputStream in;
    private final String sourceName;
    private final CharsetDecoder decoder;
    private final ByteBuffer bytes = ByteBuffer.allocate(64 * 1024);
    private final CharBuffer chars = CharBuffer.allocate(64 * 1024);
    private long bytesConsumed;
    private long line = 1;
    private boolean eof;
    private boolean flushed;
    private boolean first = true;

    StrictTextReader(InputStream in, Charset charset, String sourceName) {
        this.in = in;
        this.sourceName = sourceName;
        this.decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        bytes.flip();
        chars.flip();
    }

    /** Number of the line that holds the next character to be read (1-based). */
    long line() {
        return line;
    }

    long bytesConsumed() {
        return bytesConsumed;
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!chars.hasRemaining()) {
            if (flushed) {
                return -1;
            }
            fill();
        }
        int n = Math.min(len, chars.remaining());
        chars.get(buf, off, n);
        for (int i = off; i < off + n; i++) {
            if (buf[i] == '\n') {
                line++;
            }
        }
        return n;
    }

    private void fill() throws IOException {
        chars.clear();
        if (!eof) {
            bytes.compact();
            int r = in.read(bytes.array(), bytes.position(), bytes.remaining());
            if (r < 0) {
                eof = true;
            } else {
                bytes.position(bytes.position() + r);
            }
            bytes.flip();
            if (first && (bytes.remaining() >= 3 || eof)) {
                first = false;
                skipBom();
            }
        }
        if (first && !eof) {
            chars.flip();
            return;
        }
        int before = bytes.position();
        CoderResult result = decoder.decode(bytes, chars, eof);
        bytesConsumed += bytes.position() - before;
        if (result.isError()) {
            chars.flip();
            throw malformed(result);
        }
        if (eof && !bytes.hasRemaining()) {
            CoderResult end = decoder.flush(chars);
            if (end.isError()) {
                chars.flip();
                throw malformed(end);
            }
            flushed = true;
        }
        chars.flip();
    }

    private void skipBom() {
        if (decoder.charset().equals(StandardCharsets.UTF_8) && bytes.remaining() >= 3
                && (bytes.get(bytes.position()) & 0xff) == 0xEF && (bytes.get(bytes.position() + 1) & 0xff) == 0xBB
                && (bytes.get(bytes.position() + 2) & 0xff) == 0xBF) {
            bytes.position(bytes.position() + 3);
            bytesConsumed += 3;
        }
    }

    private InvalidInputException malformed(CoderResult result) {
        // chars decoded before the bad bytes have not been handed out yet: count their newlines
        long badLine = line;
        for (int i = 0; i < chars.limit(); i++) {
            if (chars.get(i) == '\n') {
                badLine++;
            }
        }
        int n = Math.min(result.length(), bytes.remaining());
        byte[] bad = new byte[n];
        bytes.get(bytes.position(), bad);
        return new InvalidInputException(sourceName, badLine, null, "byte" + (n == 1 ? " " : "s ")
                + "0x" + HexFormat.of().withUpperCase().withDelimiter(" 0x").formatHex(bad) + " at byte offset "
                + bytesConsumed + " " + (n == 1 ? "is" : "are") + " not valid " + decoder.charset().name()
                + "; expected text encoded as " + decoder.charset().name()
                + " (re-save the file as UTF-8, or give its encoding: Encoding in the import dialog,"
                + " --encoding in ./privtune data import)");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
