package org.privtune.model.tests;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.privtune.model.BertEncoder;
import org.privtune.model.BuiltInModel;
import org.privtune.model.OnnxWeights;

/** Loads the pre-trained MiniLM once per test JVM: reading 90 MB per test would dominate the run time. */
final class MiniLmFixture {

    private static OnnxWeights weights;
    private static NDManager manager;
    private static BertEncoder encoder;
    private static org.privtune.model.TextTokenizer tokenizer;

    private MiniLmFixture() {
    }

    static synchronized OnnxWeights weights() {
        if (weights == null) {
            try {
                weights = BuiltInModel.MINI_LM_L6.readWeights();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return weights;
    }

    static synchronized NDManager manager() {
        if (manager == null) {
            manager = Engine.getEngine("PyTorch").newBaseManager();
        }
        return manager;
    }

    /** MiniLM's tokenizer, 32 tokens, padding to the longest sentence of a batch. */
    static synchronized org.privtune.model.TextTokenizer tokenizer() {
        if (tokenizer == null) {
            try {
                tokenizer = org.privtune.model.BuiltInModel.MINI_LM_L6.tokenizer(32, false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tokenizer;
    }

    /** Shared pre-trained encoder; tests must not train it. */
    static synchronized BertEncoder encoder() {
        if (encoder == null) {
            encoder = BertEncoder.fromOnnx(manager(), weights());
        }
        return encoder;
    }
}
