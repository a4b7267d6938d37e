package org.privtune.model;

import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where a pre-trained encoder comes from: a built-in model shipped with the product
 * ({@link BuiltInModel}) or a folder in Hugging Face layout ({@link EncoderFolder}).
 * {@link ModelRegistry#resolve(String)} turns a name or a path into one.
 */
public interface EncoderSource {

    /** The name a user gives for it: a built-in's name or the folder's path. */
    String name();

    /** The name recorded in exports: the Hugging Face id of a built-in, the folder's name otherwise. */
    String baseModel();

    /** "bert" or "roberta" (config.json's model_type). */
    String modelType();

    BertConfig config();

    /** Reads the weights into a new encoder; its {@link BertEncoder#weightsSha256()} is the weights file's. */
    BertEncoder load(NDManager manager) throws IOException;

    /** Opens the tokenizer.json; the caller closes the stream. */
    InputStream openTokenizer() throws IOException;

    /** The model's tokenizer, padding with the model's padding id. */
    default TextTokenizer tokenizer(int maxLength, boolean padToMax) throws IOException {
        try (InputStream in = openTokenizer()) {
            return TextTokenizer.load(in, maxLength, padToMax, config().padTokenId());
        }
    }

    /**
     * Lower-case hex SHA-256 of the weights file, as {@link BertEncoder#weightsSha256()} of a
     * loaded encoder gives it: with the name, what identifies the model in caches, exports and on
     * the wire.
     */
    String weightsSha256() throws IOException;

    /** The token ids the mechanisms treat apart, read from the tokenizer.json. */
    default ModelTokens tokens() throws IOException {
        try (TextTokenizer tok = tokenizer(8, false); InputStream in = openTokenizer()) {
            return ModelTokens.read(in, name() + " tokenizer.json", config().vocabSize(), tok);
        }
    }

    /**
     * The ONNX model (inputs input_ids, attention_mask and, for BERT, token_type_ids; output
     * last_hidden_state) that {@link OnnxRuntimeOracle#verify} compares the encoder with, or null
     * when there is none.
     */
    byte[] onnxReference() throws IOException;
}
