package org.privtune.model;

import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.privtune.core.InvalidInputException;

/**
 * A pre-trained encoder in a folder in Hugging Face layout: {@value #CONFIG}, {@value #TOKENIZER}
 * and the weights as {@value #SAFETENSORS} (or {@value #ONNX}, read as the built-ins are).
 * Supported {@code model_type}s: {@code bert} (BERT, MiniLM, BGE, E5: absolute positions, token
 * types, WordPiece) and {@code roberta} (positions from padding id + 1, one token type, byte-level
 * BPE). {@link #open(Path)} checks config.json and that the files are there; {@link #load} checks
 * every weight's shape against config.json and the tokenizer's vocabulary against the embeddings.
 * Every refusal names the file and the field.
 */
public final class EncoderFolder implements EncoderSource {

    public static final String CONFIG = "config.json";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String SAFETENSORS = "model.safetensors";
    public static final String ONNX = "model.onnx";
    /** Where Hugging Face folders keep an ONNX export beside safetensors weights (the oracle's reference). */
    public static final String ONNX_SUBFOLDER = "onnx/model.onnx";

    /** Supported model_type values. */
    public static final List<String> MODEL_TYPES = List.of("bert", "roberta");

    /** Prefixes of checkpoints saved from a task model (BertForMaskedLM, RobertaForSequenceClassification, ...). */
    private static final List<String> PREFIXES = List.of("bert.", "roberta.", "model.");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final String modelType;
    private final BertConfig config;
    private final Path weights;
    private volatile String sha256;

    private EncoderFolder(Path dir, String modelType, BertConfig config, Path weights) {
        this.dir = dir;
        this.modelType = modelType;
        this.config = config;
        this.weights = weights;
    }

    /** Reads config.json and checks that the tokenizer and the weights are there. */
    public static EncoderFolder open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException(dir.toString(), 0, null, "not a folder");
        }
        Path cfgFile = required(dir, CONFIG);
        JsonNode cfg;
        try {
            cfg = JSON.readTree(cfgFile.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new InvalidInputException(cfgFile.toString(), e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    null, "unreadable JSON: " + e.getOriginalMessage(), e);
        }
        if (cfg == null || !cfg.isObject()) {
            throw new InvalidInputException(cfgFile.toString(), 0, null, "not a JSON object");
        }
        String type = cfg.path("model_type").asText("");
        if (type.isEmpty()) {
            throw new InvalidInputException(cfgFile.toString(), 0, "model_type", "missing; supported: "
                    + String.join(", ", MODEL_TYPES));
        }
        if (!MODEL_TYPES.contains(type)) {
            throw new InvalidInputException(cfgFile.toString(), 0, "model_type", "'" + type
                    + "' is not supported; supported: bert (BERT, MiniLM, BGE, E5) and roberta");
        }
        String act = cfg.path("hidden_act").asText("gelu");
        if (!act.equals("gelu")) {
            throw new InvalidInputException(cfgFile.toString(), 0, "hidden_act", "'" + act
                    + "' is not supported; supported: gelu");
        }
        String positions = cfg.path("position_embedding_type").asText("absolute");
        if (!positions.equals("absolute")) {
            throw new InvalidInputException(cfgFile.toString(), 0, "position_embedding_type", "'" + positions
                    + "' is not supported; supported: absolute");
        }
        boolean roberta = type.equals("roberta");
        int vocab = positive(cfgFile, cfg, "vocab_size", -1);
        int hidden = positive(cfgFile, cfg, "hidden_size", -1);
        int layers = positive(cfgFile, cfg, "num_hidden_layers", -1);
        int heads = positive(cfgFile, cfg, "num_attention_heads", -1);
        int intermediate = positive(cfgFile, cfg, "intermediate_size", -1);
        int maxPositions = positive(cfgFile, cfg, "max_position_embeddings", -1);
        int typeVocab = positive(cfgFile, cfg, "type_vocab_size", roberta ? 1 : 2);
        int pad = cfg.has("pad_token_id") ? nonNegative(cfgFile, cfg, "pad_token_id") : roberta ? 1 : 0;
        double eps = cfg.path("layer_norm_eps").asDouble(1e-12);
        if (!(eps > 0)) {
            throw new InvalidInputException(cfgFile.toString(), 0, "layer_norm_eps", "must be positive, found "
                    + cfg.get("layer_norm_eps"));
        }
        if (hidden % heads != 0) {
            throw new InvalidInputException(cfgFile.toString(), 0, "num_attention_heads", "hidden_size " + hidden
                    + " is not divisible by num_attention_heads " + heads);
        }
        if (pad >= vocab) {
            throw new InvalidInputException(cfgFile.toString(), 0, "pad_token_id", pad + " is not below vocab_size "
                    + vocab);
        }
        int offset = roberta ? pad + 1 : 0;
        if (offset + 2 > maxPositions) {
            throw new InvalidInputException(cfgFile.toString(), 0, "max_position_embeddings", maxPositions
                    + " leaves fewer than 2 positions after RoBERTa's offset " + offset + " (pad_token_id + 1)");
        }
        BertConfig config = new BertConfig(vocab, hidden, layers, heads, intermediate, maxPositions, typeVocab,
                (float) eps, offset, pad);
        required(dir, TOKENIZER);
        Path w = dir.resolve(SAFETENSORS);
        if (!Files.isRegularFile(w)) {
            w = dir.resolve(ONNX);
        }
        if (!Files.isRegularFile(w)) {
            throw new InvalidInputException(dir.resolve(SAFETENSORS).toString(), 0, null,
                    "file missing: the weights are " + SAFETENSORS + " or " + ONNX);
        }
        return new EncoderFolder(dir, type, config, w);
    }

    private static Path required(Path dir, String file) {
        Path p = dir.resolve(file);
        if (!Files.isRegularFile(p)) {
            throw new InvalidInputException(p.toString(), 0, null, "file missing: a model folder holds " + CONFIG + ", "
                    + TOKENIZER + " and " + SAFETENSORS + " (or " + ONNX + ")");
        }
        return p;
    }

    private static int positive(Path file, JsonNode cfg, String field, int fallback) {
        JsonNode n = cfg.get(field);
        if (n == null || n.isNull()) {
            if (fallback > 0) {
                return fallback;
            }
            throw new InvalidInputException(file.toString(), 0, field, "missing");
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() <= 0) {
            throw new InvalidInputException(file.toString(), 0, field, "must be a positive integer, found " + n);
        }
        return n.asInt();
    }

    private static int nonNegative(Path file, JsonNode cfg, String field) {
        JsonNode n = cfg.get(field);
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 0) {
            throw new InvalidInputException(file.toString(), 0, field, "must be a non-negative integer, found " + n);
        }
        return n.asInt();
    }

    public Path dir() {
        return dir;
    }

    /** The weights file: model.safetensors when there is one, else model.onnx. */
    public Path weightsFile() {
        return weights;
    }

    @Override
    public String name() {
        return dir.toString();
    }

    @Override
    public String baseModel() {
        Path n = dir.toAbsolutePath().normalize().getFileName();
        return n == null ? dir.toString() : n.toString();
    }

    @Override
    public String modelType() {
        return modelType;
    }

    @Override
    public BertConfig config() {
        return config;
    }

    @Override
    public InputStream openTokenizer() throws IOException {
        return new BufferedInputStream(Files.newInputStream(dir.resolve(TOKENIZER)), 1 << 16);
    }

    @Override
    public TextTokenizer tokenizer(int maxLength, boolean padToMax) throws IOException {
        Path file = dir.resolve(TOKENIZER);
        try (InputStream in = openTokenizer()) {
            return TextTokenizer.load(in, maxLength, padToMax, config.padTokenId());
        } catch (RuntimeException e) {
            if (e instanceof InvalidInputException) {
                throw e;
            }
            throw new InvalidInputException(file.toString(), 0, null, "not a tokenizer the tokenizers library reads: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public byte[] onnxReference() throws IOException {
        for (String f : List.of(ONNX, ONNX_SUBFOLDER)) {
            Path p = dir.resolve(f);
            if (Files.isRegularFile(p)) {
                return Files.readAllBytes(p);
            }
        }
        return null;
    }

    /**
     * The weights by Hugging Face name (a task model's "bert."/"roberta." prefix dropped), PyTorch
     * layout, with their shapes. Tensors the encoder does not use (pooler, heads) are kept.
     */
    public Map<String, SafetensorsWeights.Tensor> readWeights() throws IOException {
        Map<String, SafetensorsWeights.Tensor> raw;
        if (weights.getFileName().toString().endsWith(".onnx")) {
            raw = BertEncoder.torchTensors(OnnxWeights.read(
                    new BufferedInputStream(Files.newInputStream(weights), 1 << 16), weights.toString()));
        } else {
            raw = SafetensorsWeights.read(weights);
        }
        Map<String, SafetensorsWeights.Tensor> out = new HashMap<>(raw);
        for (SafetensorsWeights.Tensor t : raw.values()) {
            for (String prefix : PREFIXES) {
                if (t.name().startsWith(prefix)) {
                    out.putIfAbsent(t.name().substring(prefix.length()), t);
                }
            }
        }
        return out;
    }

    /**
     * Reads the weights into a new encoder after checking every tensor's shape against config.json
     * and the tokenizer's vocabulary size against the embeddings.
     */
    @Override
    public BertEncoder load(NDManager manager) throws IOException {
        Map<String, SafetensorsWeights.Tensor> tensors = readWeights();
        Map<String, long[]> shapes = BertEncoder.parameterShapes(config);
        Map<String, float[]> values = new HashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long[] want = e.getValue();
            SafetensorsWeights.Tensor t = tensors.get(e.getKey());
            if (t == null) {
                throw new InvalidInputException(weights.toString(), 0, e.getKey(), "tensor missing (config.json "
                        + "asks for " + Arrays.toString(want) + ": " + configFields(e.getKey()) + ")");
            }
            if (!Arrays.equals(want, t.shape())) {
                throw new InvalidInputException(weights.toString(), 0, e.getKey(), "shape "
                        + Arrays.toString(t.shape()) + " does not match config.json, which asks for "
                        + Arrays.toString(want) + " (" + configFields(e.getKey()) + ")");
            }
            values.put(e.getKey(), t.values());
        }
        int tokenizerSize = tokenizerVocabularySize(dir.resolve(TOKENIZER));
        if (tokenizerSize != config.vocabSize()) {
            throw new InvalidInputException(dir.resolve(TOKENIZER).toString(), 0, "model.vocab", "the vocabulary has "
                    + tokenizerSize + " tokens, but the embeddings have " + config.vocabSize() + " rows ("
                    + weights.getFileName() + " embeddings.word_embeddings.weight, config.json vocab_size)");
        }
        BertEncoder encoder = BertEncoder.withWeights(manager, config, values);
        encoder.setWeightsSha256(weightsSha256());
        return encoder;
    }

    /** The config.json fields behind a parameter's shape, with their values, for messages. */
    private String configFields(String param) {
        String h = "hidden_size " + config.hidden();
        if (param.startsWith("embeddings.word_embeddings")) {
            return "vocab_size " + config.vocabSize() + ", " + h;
        }
        if (param.startsWith("embeddings.position_embeddings")) {
            return "max_position_embeddings " + config.maxPositions() + ", " + h;
        }
        if (param.startsWith("embeddings.token_type_embeddings")) {
            return "type_vocab_size " + config.typeVocabSize() + ", " + h;
        }
        if (param.contains("intermediate.dense") || param.matches("encoder\\.layer\\.\\d+\\.output\\.dense\\.weight")) {
            return "intermediate_size " + config.intermediate() + ", " + h + ", num_hidden_layers " + config.layers();
        }
        if (param.startsWith("encoder.layer.")) {
            return h + ", num_hidden_layers " + config.layers();
        }
        return h;
    }

    /**
     * Size of a tokenizer.json's vocabulary: one more than the largest id of its model's vocabulary
     * and of its added tokens (WordPiece and BPE keep the vocabulary as token -&gt; id, Unigram as a
     * list).
     */
    public static int tokenizerVocabularySize(Path tokenizerJson) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(tokenizerJson.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new InvalidInputException(tokenizerJson.toString(), e.getLocation() == null ? 0
                    : e.getLocation().getLineNr(), null, "unreadable JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode vocab = root == null ? null : root.path("model").get("vocab");
        if (vocab == null || !(vocab.isObject() || vocab.isArray())) {
            throw new InvalidInputException(tokenizerJson.toString(), 0, "model.vocab", "missing");
        }
        long max = -1;
        if (vocab.isArray()) {
            max = vocab.size() - 1L;
        } else {
            for (Iterator<JsonNode> it = vocab.elements(); it.hasNext();) {
                max = Math.max(max, it.next().asLong(-1));
            }
        }
        for (JsonNode added : root.path("added_tokens")) {
            max = Math.max(max, added.path("id").asLong(-1));
        }
        return (int) (max + 1);
    }

    @Override
    public String weightsSha256() throws IOException {
        String s = sha256;
        if (s == null) {
            s = org.privtune.core.Checksums.sha256(weights);
            sha256 = s;
        }
        return s;
    }

    @Override
    public String toString() {
        return name();
    }
}
