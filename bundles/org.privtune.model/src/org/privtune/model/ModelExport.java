package org.privtune.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.privtune.core.InvalidInputException;

/**
 * Writes and reads a model folder: config.json, bottom-0000.params and top-0000.params (DJL's
 * parameter format), model.safetensors (all tensors under Hugging Face BertModel names plus
 * classifier.weight/bias, for other tools) and tokenizer.json. Import checks the format, every
 * file's checksum, the architecture and, when asked, the base weights' checksum, and says what
 * does not match.
 */
public final class ModelExport {

    public static final String CONFIG = "config.json";
    public static final String BOTTOM = "bottom";
    public static final String TOP = "top";
    public static final String BOTTOM_PARAMS = BOTTOM + "-0000.params";
    public static final String TOP_PARAMS = TOP + "-0000.params";
    public static final String SAFETENSORS = "model.safetensors";
    public static final String TOKENIZER = "tokenizer.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelExport() {
    }

    /** A model read back from a folder; closing it closes the tokenizer (arrays belong to the caller's manager). */
    public record Imported(ExportConfig config, SplitModel model, TextTokenizer tokenizer) implements AutoCloseable {

        /** Class probabilities [B][C] of sentences, without any device transform (local use). */
        public float[][] probabilities(List<String> texts, NDManager manager) {
            float[][] logits = new SplitTrainer(model, tokenizer, manager).logits(texts, DeviceTransform.IDENTITY,
                    InProcessTopModel.forInference(model, manager));
            float[][] p = new float[logits.length][];
            for (int i = 0; i < logits.length; i++) {
                double[] ls = SplitTrainer.logSoftmax(logits[i]);
                p[i] = new float[ls.length];
                for (int c = 0; c < ls.length; c++) {
                    p[i][c] = (float) Math.exp(ls[c]);
                }
            }
            return p;
        }

        @Override
        public void close() {
            tokenizer.close();
        }
    }

    /**
     * Exports {@code model} into {@code dir} (created if missing; existing files of ours are replaced).
     *
     * @param tokenizerJson the tokenizer.json the model was trained with
     * @param maxLength     tokens per sentence used in training
     * @param noise         mechanism name and parameters, free form (may be empty)
     */
    public static void write(Path dir, SplitModel model, InputStream tokenizerJson, int maxLength,
            Map<String, Object> noise) throws IOException {
        write(dir, model, ModelRegistry.DEFAULT.baseModel(), tokenizerJson, maxLength, noise);
    }

    /**
     * Exports a model whose encoder came from {@code base}: its name is recorded as the base model
     * and its tokenizer.json is copied.
     */
    public static void write(Path dir, SplitModel model, EncoderSource base, int maxLength,
            Map<String, Object> noise) throws IOException {
        try (InputStream tok = base.openTokenizer()) {
            write(dir, model, base.baseModel(), tok, maxLength, noise);
        }
    }

    private static void write(Path dir, SplitModel model, String baseModel, InputStream tokenizerJson, int maxLength,
            Map<String, Object> noise) throws IOException {
        Files.createDirectories(dir);
        saveParams(dir, BOTTOM, bottomGroup(model));
        saveParams(dir, TOP, topGroup(model));
        NDList all = new NDList();
        model.bottomParameters().forEach((name, p) -> all.add(named(p.getArray(), name)));
        model.topParameters().forEach((name, p) -> all.add(named(p.getArray(), name)));
        try (OutputStream os = Files.newOutputStream(dir.resolve(SAFETENSORS))) {
            all.encode(os, NDList.Encoding.SAFETENSORS);
        }
        Files.copy(tokenizerJson, dir.resolve(TOKENIZER), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Map<String, String> files = new LinkedHashMap<>();
        for (String f : List.of(BOTTOM_PARAMS, TOP_PARAMS, SAFETENSORS, TOKENIZER)) {
            files.put(f, sha256(dir.resolve(f)));
        }
        ExportConfig cfg = new ExportConfig(ExportConfig.FORMAT, ExportConfig.VERSION, baseModel,
                model.encoder().weightsSha256(), model.encoder().config(), model.split(),
                model.pooling().name().toLowerCase(java.util.Locale.ROOT),
                new ExportConfig.Head("linear", model.head().dropout(), model.numLabels()), model.labels(), maxLength,
                model.isBottomTrainable(), noise == null ? Map.of() : noise, files);
        JSON.writeValue(dir.resolve(CONFIG).toFile(), cfg);
    }

    /** Exports a model of the default built-in ({@link ModelRegistry#DEFAULT}) with its tokenizer.json. */
    public static void write(Path dir, SplitModel model, int maxLength, Map<String, Object> noise) throws IOException {
        write(dir, model, ModelRegistry.DEFAULT, maxLength, noise);
    }

    /**
     * Refuses an export that was not trained on {@code base}: its recorded base model and base
     * weights' SHA-256 must be {@code base}'s; the message names both models.
     *
     * @throws InvalidInputException naming the export's config.json and the field that differs
     */
    public static void checkBase(Path dir, ExportConfig cfg, EncoderSource base) throws IOException {
        String sha = base.weightsSha256();
        boolean sameName = Objects.equals(base.baseModel(), cfg.baseModel());
        boolean sameWeights = Objects.equals(sha, cfg.baseWeightsSha256());
        if (!sameName || !sameWeights) {
            throw new InvalidInputException(dir.resolve(CONFIG).toString(), 0,
                    sameName ? "baseWeightsSha256" : "baseModel", "this model was trained on " + cfg.baseModel()
                            + " (weights SHA-256 " + cfg.baseWeightsSha256() + "), not on " + base.baseModel()
                            + " (weights SHA-256 " + sha + ")");
        }
    }

    private static NDArray named(NDArray a, String name) {
        a.setName(name);
        return a;
    }

    /**
     * Reads an export into arrays of {@code manager}.
     *
     * @param expectedBaseSha256 checksum of the base weights this side has (the device's bottom
     *                           must be the one the export was trained on), or null to skip
     * @throws InvalidInputException naming the file and field that do not match
     */
    public static Imported read(Path dir, NDManager manager, String expectedBaseSha256) throws IOException {
        Path cfgFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(cfgFile)) {
            throw new InvalidInputException(cfgFile.toString(), 0, null, "not a model folder: config.json missing");
        }
        ExportConfig cfg;
        try {
            cfg = JSON.readValue(cfgFile.toFile(), ExportConfig.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new InvalidInputException(cfgFile.toString(), e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    null, "unreadable config: " + e.getOriginalMessage(), e);
        }
        check(cfgFile, "format", ExportConfig.FORMAT, cfg.format());
        check(cfgFile, "formatVersion", ExportConfig.VERSION, cfg.formatVersion());
        if (cfg.architecture() == null || cfg.labels() == null || cfg.head() == null || cfg.files() == null) {
            throw new InvalidInputException(cfgFile.toString(), 0, null,
                    "architecture, labels, head and files are required");
        }
        check(cfgFile, "head.numLabels", cfg.labels().size(), cfg.head().numLabels());
        if (expectedBaseSha256 != null) {
            check(cfgFile, "baseWeightsSha256", expectedBaseSha256, cfg.baseWeightsSha256());
        }
        for (String f : List.of(BOTTOM_PARAMS, TOP_PARAMS, SAFETENSORS, TOKENIZER)) {
            Path p = dir.resolve(f);
            if (!Files.isRegularFile(p)) {
                throw new InvalidInputException(p.toString(), 0, null, "file missing from the model folder");
            }
            String want = cfg.files().get(f);
            if (want == null) {
                throw new InvalidInputException(cfgFile.toString(), 0, "files." + f, "no checksum recorded");
            }
            String got = sha256(p);
            if (!want.equals(got)) {
                throw new InvalidInputException(p.toString(), 0, null,
                        "checksum mismatch: config.json records " + want + ", file has " + got
                                + " (corrupt or modified)");
            }
        }
        BertConfig arch = cfg.architecture();
        BertEncoder encoder = new BertEncoder(manager, arch);
        encoder.setWeightsSha256(cfg.baseWeightsSha256());
        Pooling pooling;
        try {
            pooling = Pooling.parse(cfg.pooling());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(cfgFile.toString(), 0, "pooling", e.getMessage(), e);
        }
        SplitModel model;
        try {
            model = new SplitModel(manager, encoder, cfg.splitLayer(), pooling, cfg.labels(), cfg.head().dropout(), 0);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(cfgFile.toString(), 0, "splitLayer/labels", e.getMessage(), e);
        }
        loadParams(dir.resolve(BOTTOM_PARAMS), manager, bottomGroup(model), model.bottomParameters());
        loadParams(dir.resolve(TOP_PARAMS), manager, topGroup(model), model.topParameters());
        model.setBottomTrainable(false);
        for (Parameter p : model.topParameters().values()) {
            p.freeze(false);
        }
        TextTokenizer tok;
        try (InputStream in = Files.newInputStream(dir.resolve(TOKENIZER))) {
            tok = TextTokenizer.load(in, cfg.maxLength(), false, arch.padTokenId());
        }
        return new Imported(cfg, model, tok);
    }

    private static void check(Path file, String field, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            throw new InvalidInputException(file.toString(), 0, field,
                    "does not match: expected " + expected + ", found " + actual);
        }
    }

    /** A block that only groups parameters for DJL's save/load (never run). */
    private static final class ParameterGroup extends BertBlocks.NamedBlock {
        ParameterGroup(List<? extends BertBlocks.NamedBlock> blocks) {
            int i = 0;
            for (BertBlocks.NamedBlock b : blocks) {
                child("part" + i++, b);
            }
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            throw new UnsupportedOperationException("a parameter group is not run");
        }
    }

    private static ParameterGroup bottomGroup(SplitModel m) {
        List<BertBlocks.NamedBlock> blocks = new ArrayList<>();
        blocks.add(m.encoder().embeddings());
        blocks.addAll(m.encoder().layers().subList(0, m.split()));
        return new ParameterGroup(blocks);
    }

    private static ParameterGroup topGroup(SplitModel m) {
        List<BertBlocks.NamedBlock> blocks = new ArrayList<>(m.encoder().layers().subList(m.split(),
                m.encoder().layers().size()));
        blocks.add(m.head());
        return new ParameterGroup(blocks);
    }

    private static void saveParams(Path dir, String name, Block group) throws IOException {
        // The group needs input shapes to count as initialised; its children keep their arrays.
        try (NDManager tmp = NDManager.newBaseManager("PyTorch")) {
            group.initialize(tmp, DataType.FLOAT32, new Shape(1));
        }
        try (Model model = Model.newInstance(name, ai.djl.Device.cpu(), "PyTorch")) {
            model.setBlock(group);
            model.setProperty("Epoch", "0");
            model.save(dir, name);
        }
    }

    /** Reads a DJL .params file (the header written by Model.save, then the block's parameters). */
    private static void loadParams(Path file, NDManager manager, Block group, Map<String, Parameter> expected)
            throws IOException {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        expected.forEach((n, p) -> shapes.put(n, p.getArray().getShape()));
        try (DataInputStream dis = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            byte[] magic = new byte[4];
            dis.readFully(magic);
            if (!"DJL@".equals(new String(magic, java.nio.charset.StandardCharsets.US_ASCII))) {
                throw new InvalidInputException(file.toString(), 0, null, "not a DJL .params file");
            }
            dis.readInt(); // format version
            dis.readUTF(); // model name
            dis.readUTF(); // data type
            int inputs = dis.readInt();
            for (int i = 0; i < inputs; i++) {
                dis.readUTF();
                Shape.decode(dis);
            }
            int props = dis.readInt();
            for (int i = 0; i < props; i++) {
                dis.readUTF();
                dis.readUTF();
            }
            group.loadParameters(manager, dis);
        } catch (MalformedModelException | java.io.EOFException e) {
            throw new InvalidInputException(file.toString(), 0, null,
                    "parameters do not match the architecture in config.json: " + e.getMessage(), e);
        }
        for (Map.Entry<String, Parameter> e : expected.entrySet()) {
            Shape got = e.getValue().getArray().getShape();
            if (!got.equals(shapes.get(e.getKey()))) {
                throw new InvalidInputException(file.toString(), 0, e.getKey(),
                        "shape " + got + " does not match config.json's architecture " + shapes.get(e.getKey()));
            }
        }
    }

    /** Hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        return org.privtune.core.Checksums.sha256(file);
    }
}
