package org.privtune.device.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;

import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;

import org.junit.jupiter.api.Test;
import org.privtune.cloud.TopModelServer;
import org.privtune.core.Progress;
import org.privtune.device.RemoteTopModel;
import org.privtune.model.DeviceTransform;
import org.privtune.model.LabelledText;
import org.privtune.model.SplitModel;
import org.privtune.model.SplitTrainer;
import org.privtune.model.TextTokenizer;
import org.privtune.model.TrainingConfig;
import org.privtune.protocol.v1.Request;
import org.privtune.protocol.v1.Response;

/**
 * A capture of whole trainings as they cross the loopback interface (every byte through a relay
 * between device and endpoint), decoded as HTTP/2 frames, HPACK headers and gRPC messages, against
 * the list of fields and headers in docs/connector.md ("Every field and header that crosses"):
 * nothing else crosses, and the sentences' text and token ids occur nowhere in it.
 */
class WireCaptureTest {

    static final String METHOD_PATH = "/privtune.split.v1.SplitTraining/Session";
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** What one connection carried, decoded. */
    static final class Decoded {
        final Set<String> headers = new TreeSet<>();
        final Set<String> paths = new TreeSet<>();
        final Set<String> fields = new TreeSet<>();
        final Set<Integer> frameTypes = new TreeSet<>();
        final ByteArrayOutputStream plain = new ByteArrayOutputStream(); // header values and message bytes
        int requests;
        int responses;
        final Map<String, Integer> bodies = new HashMap<>();
    }

    /** Sentences whose words occur in no other part of the run (so a hit means the text crossed). */
    static List<LabelledText> sentences(int n, int offset) {
        String[] subjects = {"the lighthouse keeper", "my grandmother", "the violinist", "our neighbour",
            "the pharmacist", "a tired cyclist", "the museum guard", "his accountant"};
        String[] good = {"adored the marmalade", "praised the orchestra", "cherished the garden", "loved the lecture"};
        String[] bad = {"hated the wallpaper", "despised the ferry", "loathed the soup", "resented the umbrella"};
        List<LabelledText> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = (i + offset) % 2;
            String verb = (label == 1 ? good : bad)[(i / 2 + offset) % 4];
            out.add(new LabelledText(subjects[(i * 3 + offset) % subjects.length] + " " + verb
                    + " in " + (1900 + i + 37 * offset), label));
        }
        return out;
    }

    @Test
    void onlyTheDocumentedFieldsCrossAndNoTextOrTokenIds() throws Exception {
        Set<String> documented = documentedList();
        assertTrue(documented.contains("Request.train_step.representations.float32_le")
                && documented.contains("header :path"), "the list was read from docs/connector.md: " + documented);

        List<LabelledText> train = sentences(24, 0);
        List<LabelledText> dev = sentences(8, 1);
        List<byte[][]> capture;
        try (TopModelServer server = RemoteTopModelTest.server(RemoteTopModelTest.tinyTops(null), new ArrayList<>());
                Relay relay = new Relay(server.port(), true)) {
            for (boolean trainBottom : new boolean[] {false, true}) {
                TrainingConfig cfg = new TrainingConfig(2, 8, 16, 3e-3f, 0.01f, 0.1f, 1.0f, 0, 5, trainBottom, 1e-3f);
                SplitModel device = RemoteTopModelTest.tiny(RemoteTopModelTest.manager, 5);
                int total = SplitTrainer.totalSteps(train.size(), cfg);
                try (RemoteTopModel cloud = RemoteTopModel.connect("localhost:" + relay.port(),
                        RemoteTopModel.openRequest(device, cfg, 0.1f, total), 30_000)) {
                    new SplitTrainer(device, RemoteTopModelTest.tokenizer, RemoteTopModelTest.manager)
                            .train(train, dev, cfg, DeviceTransform.IDENTITY, cloud, Progress.NONE);
                    assertFalse(cloud.topWeights().isEmpty());
                }
            }
            server.awaitSessionsClosed(2);
            capture = relay.recorded();
        }
        assertEquals(2, capture.size(), "one connection per training");

        Set<String> fields = new TreeSet<>();
        Set<String> headers = new TreeSet<>();
        Map<String, Integer> bodies = new HashMap<>();
        List<byte[]> everything = new ArrayList<>();
        for (byte[][] connection : capture) {
            Decoded d = new Decoded();
            decode(connection[0], true, d);
            decode(connection[1], false, d);
            assertEquals(Set.of(METHOD_PATH), d.paths, "the one method called");
            assertTrue(d.requests > 10 && d.responses >= d.requests, d.requests + " requests, " + d.responses
                    + " responses decoded");
            assertTrue(Set.of(0, 1, 3, 4, 6, 7, 8, 9).containsAll(d.frameTypes), "HTTP/2 frame types " + d.frameTypes);
            fields.addAll(d.fields);
            headers.addAll(d.headers);
            d.bodies.forEach((k, v) -> bodies.merge(k, v, Integer::sum));
            everything.add(connection[0]);
            everything.add(connection[1]);
            everything.add(d.plain.toByteArray());
        }

        // the whole run was seen: every kind of request and answer
        for (String body : List.of("Request.open", "Request.train_step", "Request.predict", "Request.checkpoint",
                "Request.fetch_weights", "Response.opened", "Response.step", "Response.logits", "Response.ack",
                "Response.weights")) {
            assertTrue(bodies.getOrDefault(body, 0) > 0, body + " crossed: " + bodies);
        }
        assertTrue(fields.contains("Request.train_step.want_gradient")
                && fields.contains("Response.step.representation_gradient.float32_le"), "the trained bottom's run: "
                        + fields);
        assertTrue(headers.contains("header :path") && headers.contains("trailer grpc-status"), headers.toString());

        Set<String> undocumented = new TreeSet<>();
        for (String f : fields) {
            if (!allowed(f, documented)) {
                undocumented.add(f);
            }
        }
        for (String h : headers) {
            if (!documented.contains(h)) {
                undocumented.add(h);
            }
        }
        assertEquals(Set.of(), undocumented, "crossed the wire but is not in docs/connector.md's list");
        System.out.println("wire capture: " + capture.stream().mapToLong(c -> c[0].length + c[1].length).sum()
                + " bytes, " + bodies + "; fields " + fields + "; headers " + headers);

        // neither the text nor the token ids occur anywhere in what crossed
        TextTokenizer tok = RemoteTopModelTest.tokenizer;
        List<LabelledText> all = new ArrayList<>(train);
        all.addAll(dev);
        int checked = 0;
        for (LabelledText s : all) {
            long[] ids = tok.encode(List.of(s.text())).ids()[0];
            long[] inner = Arrays.copyOfRange(ids, 1, ids.length - 1);
            assertTrue(inner.length >= 5, s.text() + ": " + Arrays.toString(ids));
            List<byte[]> forbidden = new ArrayList<>();
            forbidden.add(s.text().getBytes(StandardCharsets.UTF_8));
            for (String word : s.text().split(" ")) {
                if (word.length() >= 7) {
                    forbidden.add(word.getBytes(StandardCharsets.UTF_8));
                }
            }
            for (long[] seq : List.of(ids, inner)) {
                forbidden.add(varints(seq));
                forbidden.add(fixed(seq, 4));
                forbidden.add(fixed(seq, 8));
                forbidden.add(floats(seq));
            }
            for (byte[] f : forbidden) {
                for (byte[] bytes : everything) {
                    assertEquals(-1, indexOf(bytes, f), "'" + s.text() + "' crossed the wire as "
                            + HexFormat.of().formatHex(f));
                    checked++;
                }
            }
        }
        // the search finds what is there: the labels' names cross (OpenSession), as documented
        assertTrue(everything.stream().anyMatch(b -> indexOf(b, "pos".getBytes(StandardCharsets.UTF_8)) >= 0));
        assertTrue(checked > 500, "searched " + checked);
    }

    /** Whether {@code field} or a field under it is on the list. */
    static boolean allowed(String field, Set<String> documented) {
        for (String d : documented) {
            if (d.equals(field) || d.startsWith(field + ".")) {
                return true;
            }
        }
        return false;
    }

    /** The backquoted entries of the first column of docs/connector.md's list of what crosses. */
    static Set<String> documentedList() throws IOException {
        Path doc = repoRoot().resolve("docs/connector.md");
        List<String> lines = Files.readAllLines(doc);
        int start = lines.indexOf("### Every field and header that crosses");
        assertTrue(start >= 0, doc + " has no section 'Every field and header that crosses'");
        Set<String> out = new LinkedHashSet<>();
        Pattern entry = Pattern.compile("`([^`]+)`");
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("#"); i++) {
            String line = lines.get(i);
            if (!line.startsWith("| `")) {
                continue;
            }
            Matcher m = entry.matcher(line.substring(0, line.indexOf(" | ", 2)));
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    static Path repoRoot() {
        String prop = System.getProperty("privtune.repo.root");
        if (prop != null) {
            return Path.of(prop).toAbsolutePath();
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("docs/connector.md")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d;
            }
        }
        throw new IllegalStateException("no folder at or above " + Path.of("").toAbsolutePath()
                + " holds docs/connector.md");
    }

    /** Decodes one direction of one HTTP/2 connection into {@code d}. */
    static void decode(byte[] b, boolean fromDevice, Decoded d) throws Http2Exception, InvalidProtocolBufferException {
        int p = 0;
        if (fromDevice) {
            assertArrayEquals(PREFACE, Arrays.copyOf(b, PREFACE.length), "the client's HTTP/2 preface");
            p = PREFACE.length;
        }
        DefaultHttp2HeadersDecoder hpack = new DefaultHttp2HeadersDecoder(false);
        Map<Integer, ByteArrayOutputStream> data = new HashMap<>();
        ByteArrayOutputStream block = null;
        boolean blockEndsStream = false;
        while (p < b.length) {
            assertTrue(p + 9 <= b.length, "a frame header cut at byte " + p);
            int len = ((b[p] & 255) << 16) | ((b[p + 1] & 255) << 8) | (b[p + 2] & 255);
            int type = b[p + 3] & 255;
            int flags = b[p + 4] & 255;
            int stream = ByteBuffer.wrap(b, p + 5, 4).getInt() & 0x7fffffff;
            assertTrue(p + 9 + len <= b.length, "a frame cut at byte " + p);
            byte[] payload = Arrays.copyOfRange(b, p + 9, p + 9 + len);
            p += 9 + len;
            d.frameTypes.add(type);
            if (type == 0 || type == 1) { // DATA, HEADERS: padding, priority
                int from = 0;
                int to = payload.length;
                if ((flags & 0x8) != 0) {
                    to -= payload[0] & 255;
                    from = 1;
                }
                if (type == 1 && (flags & 0x20) != 0) {
                    from += 5;
                }
                payload = Arrays.copyOfRange(payload, from, to);
            }
            if (type == 0) {
                data.computeIfAbsent(stream, k -> new ByteArrayOutputStream()).writeBytes(payload);
            } else if (type == 1 || type == 9) {
                if (type == 1) {
                    block = new ByteArrayOutputStream();
                    blockEndsStream = (flags & 0x1) != 0;
                }
                block.writeBytes(payload);
                if ((flags & 0x4) != 0) {
                    Http2Headers h = hpack.decodeHeaders(stream, Unpooled.wrappedBuffer(block.toByteArray()));
                    String kind = fromDevice ? "header " : blockEndsStream ? "trailer " : "response-header ";
                    for (Map.Entry<CharSequence, CharSequence> e : h) {
                        String name = e.getKey().toString();
                        d.headers.add(kind + name);
                        d.plain.writeBytes(e.getValue().toString().getBytes(StandardCharsets.UTF_8));
                        if (name.equals(":path")) {
                            d.paths.add(e.getValue().toString());
                        }
                    }
                    block = null;
                }
            } else {
                d.plain.writeBytes(payload); // GOAWAY's debug data, for instance
            }
        }
        for (ByteArrayOutputStream s : data.values()) {
            byte[] m = s.toByteArray();
            int q = 0;
            while (q < m.length) {
                assertEquals(0, m[q], "a compressed gRPC message");
                int n = ByteBuffer.wrap(m, q + 1, 4).getInt();
                byte[] body = Arrays.copyOfRange(m, q + 5, q + 5 + n);
                q += 5 + n;
                Message msg = fromDevice ? Request.parseFrom(body) : Response.parseFrom(body);
                assertArrayEquals(body, msg.toByteArray(), "a message re-encodes to the bytes that crossed: " + msg);
                walk(fromDevice ? "Request" : "Response", msg, d.fields);
                for (FieldDescriptor f : msg.getAllFields().keySet()) {
                    if (f.getContainingOneof() != null) {
                        d.bodies.merge((fromDevice ? "Request." : "Response.") + f.getName(), 1, Integer::sum);
                    }
                }
                d.plain.writeBytes(body);
                if (fromDevice) {
                    d.requests++;
                } else {
                    d.responses++;
                }
            }
        }
    }

    /** Adds the path of every field set in {@code m}, and of the fields set in those, to {@code out}. */
    static void walk(String prefix, Message m, Set<String> out) {
        assertEquals(0, m.getUnknownFields().getSerializedSize(), prefix + " has fields of no known number");
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            String path = prefix + "." + f.getName();
            out.add(path);
            if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                if (f.isRepeated()) {
                    for (Object o : (List<?>) e.getValue()) {
                        walk(path, (Message) o, out);
                    }
                } else {
                    walk(path, (Message) e.getValue(), out);
                }
            }
        }
    }

    static byte[] varints(long[] seq) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(b);
        for (long v : seq) {
            c.writeInt64NoTag(v);
        }
        c.flush();
        return b.toByteArray();
    }

    static byte[] fixed(long[] seq, int width) {
        ByteBuffer b = ByteBuffer.allocate(seq.length * width).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : seq) {
            if (width == 4) {
                b.putInt((int) v);
            } else {
                b.putLong(v);
            }
        }
        return b.array();
    }

    static byte[] floats(long[] seq) {
        ByteBuffer b = ByteBuffer.allocate(seq.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : seq) {
            b.putFloat(v);
        }
        return b.array();
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
