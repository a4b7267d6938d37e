package org.privtune.model;

import ai.djl.ndarray.NDManager;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.privtune.core.InvalidInputException;

/**
 * The encoders the product ships: build dependencies from Maven artifacts, never committed (see
 * the model bundle's pom.xml and model-files.sha256). Their ONNX file and tokenizer.json are
 * class-path resources at the root (the bundle's minilm/ and bge/ folders are on its
 * Bundle-ClassPath), or in a folder named by the model's system property, which wins when set.
 */
public final class BuiltInModel implements EncoderSource {

    /** all-MiniLM-L6-v2: 6 layers, 384 hidden, 22M parameters (Apache-2.0). */
    public static final BuiltInModel MINI_LM_L6 = new BuiltInModel("all-MiniLM-L6-v2",
            "sentence-transformers/all-MiniLM-L6-v2", "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json",
            "privtune.minilm.dir", BertConfig.MINI_LM_L6);
    /** bge-small-en-v1.5: 12 layers, 384 hidden, 33M parameters (MIT, BAAI). */
    public static final BuiltInModel BGE_SMALL_EN_V15 = new BuiltInModel("bge-small-en-v1.5",
            "BAAI/bge-small-en-v1.5", "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json", "privtune.bge.dir",
            BertConfig.BGE_SMALL_EN_V15);

    private static final List<BuiltInModel> ALL = List.of(MINI_LM_L6, BGE_SMALL_EN_V15);

    private final String name;
    private final String baseModel;
    private final String onnxFile;
    private final String tokenizerFile;
    private final String dirProperty;
    private final BertConfig config;
    private volatile String sha256;

    private BuiltInModel(String name, String baseModel, String onnxFile, String tokenizerFile, String dirProperty,
            BertConfig config) {
        this.name = name;
        this.baseModel = baseModel;
        this.onnxFile = onnxFile;
        this.tokenizerFile = tokenizerFile;
        this.dirProperty = dirProperty;
        this.config = config;
    }

    /** Every built-in model, the default (all-MiniLM-L6-v2) first. */
    public static List<BuiltInModel> all() {
        return ALL;
    }

    /** The built-in of that name or Hugging Face id (case-insensitive), or null. */
    public static BuiltInModel named(String name) {
        for (BuiltInModel m : ALL) {
            if (m.name.equalsIgnoreCase(name) || m.baseModel.equalsIgnoreCase(name)) {
                return m;
            }
        }
        return null;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String baseModel() {
        return baseModel;
    }

    @Override
    public String modelType() {
        return "bert";
    }

    @Override
    public BertConfig config() {
        return config;
    }

    /** File name of the ONNX weights (class-path resource at the root). */
    public String onnxFile() {
        return onnxFile;
    }

    /** File name of the tokenizer.json (class-path resource at the root). */
    public String tokenizerFile() {
        return tokenizerFile;
    }

    /** The system property naming a folder that holds both files instead. */
    public String dirProperty() {
        return dirProperty;
    }

    /** Opens the ONNX weights; the caller closes the stream. */
    public InputStream openOnnx() throws IOException {
        return open(onnxFile);
    }

    @Override
    public InputStream openTokenizer() throws IOException {
        return open(tokenizerFile);
    }

    /** Human-readable origin of one of its files, for messages. */
    public String describe(String file) {
        String dir = System.getProperty(dirProperty);
        return dir != null && !dir.isBlank() ? Path.of(dir, file).toString() : "class path resource /" + file;
    }

    /** Reads the ONNX weights (streamed once; the SHA-256 of the file on the same pass). */
    public OnnxWeights readWeights() throws IOException {
        try (InputStream in = openOnnx()) {
            return OnnxWeights.read(in, describe(onnxFile));
        }
    }

    @Override
    public BertEncoder load(NDManager manager) throws IOException {
        BertEncoder encoder = BertEncoder.fromOnnx(manager, readWeights(), config);
        sha256 = encoder.weightsSha256();
        return encoder;
    }

    @Override
    public String weightsSha256() throws IOException {
        String s = sha256;
        if (s == null) {
            java.security.MessageDigest md;
            try {
                md = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
            try (InputStream in = new java.security.DigestInputStream(openOnnx(), md)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            s = java.util.HexFormat.of().formatHex(md.digest());
            sha256 = s;
        }
        return s;
    }

    @Override
    public byte[] onnxReference() throws IOException {
        try (InputStream in = openOnnx()) {
            return in.readAllBytes();
        }
    }

    private InputStream open(String file) throws IOException {
        String dir = System.getProperty(dirProperty);
        if (dir != null && !dir.isBlank()) {
            Path p = Path.of(dir, file);
            if (!Files.isRegularFile(p)) {
                throw new InvalidInputException(p.toString(), 0, dirProperty, "file not found");
            }
            return new BufferedInputStream(Files.newInputStream(p), 1 << 16);
        }
        // In OSGi the bundle's model folders are on its Bundle-ClassPath, so the root path works there too.
        InputStream in = BuiltInModel.class.getResourceAsStream("/" + file);
        if (in == null) {
            throw new InvalidInputException("/" + file, 0, null, name + " file not on the class path; ship it with "
                    + "the bundle or set -D" + dirProperty + "=<folder>");
        }
        return new BufferedInputStream(in, 1 << 16);
    }

    @Override
    public String toString() {
        return name;
    }
}
