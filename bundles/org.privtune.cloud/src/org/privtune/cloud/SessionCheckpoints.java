package org.privtune.cloud;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.privtune.model.InProcessTopModel;
import org.privtune.model.ParameterUpdater;
import org.privtune.protocol.SplitProtocol;
import org.privtune.protocol.SplitProtocol.Open;

/**
 * The endpoint's session checkpoints, one file per session in a folder of its own: what the
 * session was opened with, how many requests it has applied, its last answer and its top's whole
 * training state ({@link InProcessTopModel.Snapshot}). Files are written under a temporary name
 * and renamed (a crash leaves the previous checkpoint whole), readable by the owner only.
 *
 * <p>Session ids are 128 random bits from {@link SecureRandom}: resuming a session needs its id
 * (and the endpoint's token), so ids must not be guessable.
 */
public final class SessionCheckpoints {

    private static final int MAGIC = 0x50544b31; // "PTK1"
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a checkpoint holds. */
    public record Saved(Open open, long applied, byte[] lastAnswer, InProcessTopModel.Snapshot state) {
    }

    private final Path dir;

    /** Checkpoints in {@code dir} (made if missing, owner-only). */
    public SessionCheckpoints(Path dir) throws IOException {
        this.dir = dir.toAbsolutePath();
        Files.createDirectories(this.dir);
        try {
            Files.setPosixFilePermissions(this.dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }

    public Path dir() {
        return dir;
    }

    /** A new random session id (22 characters, URL-safe). */
    public static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** True when {@code id} has the form of a session id (nothing else names a file here). */
    public static boolean isId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    private Path file(String id) {
        if (!isId(id)) {
            throw new IllegalArgumentException("not a session id: " + id.length() + " characters");
        }
        return dir.resolve(id + ".ckpt");
    }

    /** Writes the checkpoint of session {@code id} atomically. */
    public void save(String id, Saved s) throws IOException {
        Path target = file(id);
        Path tmp = dir.resolve(id + ".ckpt.tmp");
        try (FileChannel fc = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(fc),
                        1 << 20))) {
            out.writeInt(MAGIC);
            bytes(out, SplitProtocol.encode(s.open()));
            out.writeLong(s.applied());
            bytes(out, s.lastAnswer() == null ? new byte[0] : s.lastAnswer());
            InProcessTopModel.Snapshot st = s.state();
            floats(out, st.weights());
            floats(out, st.best());
            floats(out, st.optimizer().means());
            floats(out, st.optimizer().variances());
            out.writeInt(st.optimizer().counts().size());
            for (Map.Entry<String, Integer> e : st.optimizer().counts().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue());
            }
            out.writeInt(st.optimizer().numUpdate());
            out.writeInt(st.steps());
            out.flush();
            fc.force(true);
        }
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The checkpoint of session {@code id}, or null when there is none.
     *
     * @param limits what the stored OpenSession is checked against (as a device's would be)
     */
    public Saved load(String id, SplitProtocol.Limits limits) throws IOException {
        Path f = file(id);
        try (InputStream raw = Files.newInputStream(f);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 20))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(f + ": not a session checkpoint of this endpoint");
            }
            SplitProtocol.Request r = SplitProtocol.decodeRequest(bytes(in, 1 << 20), limits);
            if (!(r instanceof Open open)) {
                throw new IOException(f + ": holds no OpenSession");
            }
            long applied = in.readLong();
            byte[] last = bytes(in, 64 << 20);
            Map<String, float[]> weights = floats(in);
            Map<String, float[]> best = floats(in);
            Map<String, float[]> means = floats(in);
            Map<String, float[]> variances = floats(in);
            int n = in.readInt();
            if (n < 0 || n > 1 << 16) {
                throw new IOException(f + ": " + n + " update counts");
            }
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                counts.put(in.readUTF(), in.readInt());
            }
            int numUpdate = in.readInt();
            int steps = in.readInt();
            return new Saved(open, applied, last.length == 0 ? null : last, new InProcessTopModel.Snapshot(weights,
                    best, new ParameterUpdater.State(means, variances, counts, numUpdate), steps));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Removes the checkpoint of session {@code id} (the session ended as the device wanted). */
    public void delete(String id) throws IOException {
        Files.deleteIfExists(file(id));
    }

    /** Removes checkpoints (and half-written ones) older than {@code age}; returns how many. */
    public int removeOlderThan(Duration age) throws IOException {
        Instant cut = Instant.now().minus(age);
        int n = 0;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if ((name.endsWith(".ckpt") || name.endsWith(".ckpt.tmp"))
                        && Files.getLastModifiedTime(p).compareTo(FileTime.from(cut)) < 0) {
                    Files.deleteIfExists(p);
                    n++;
                }
            }
        }
        return n;
    }

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] bytes(DataInputStream in, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new IOException("a field of " + n + " bytes in a checkpoint");
        }
        return in.readNBytes(n);
    }

    private static void floats(DataOutputStream out, Map<String, float[]> m) throws IOException {
        out.writeInt(m.size());
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, float[]> e : m.entrySet()) {
            out.writeUTF(e.getKey());
            float[] v = e.getValue();
            out.writeInt(v.length);
            for (int i = 0; i < v.length; i += buf.capacity() / 4) {
                int k = Math.min(buf.capacity() / 4, v.length - i);
                buf.clear();
                buf.asFloatBuffer().put(v, i, k);
                out.write(buf.array(), 0, 4 * k);
            }
        }
    }

    private static Map<String, float[]> floats(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 16) {
            throw new IOException(n + " tensors in a checkpoint");
        }
        Map<String, float[]> m = new LinkedHashMap<>();
        byte[] b = new byte[1 << 16];
        for (int t = 0; t < n; t++) {
            String name = in.readUTF();
            int len = in.readInt();
            if (len < 0 || len > 1 << 28) {
                throw new IOException("tensor " + name + " of " + len + " values in a checkpoint");
            }
            float[] v = new float[len];
            for (int i = 0; i < len; i += b.length / 4) {
                int k = Math.min(b.length / 4, len - i);
                in.readFully(b, 0, 4 * k);
                ByteBuffer.wrap(b, 0, 4 * k).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v, i, k);
            }
            m.put(name, v);
        }
        return m;
    }
}
