package org.privtune.model;

import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * The oracle behind "verify-model": ONNX Runtime runs the original ONNX file on a padded batch and
 * the DJL encoder must give the same last hidden state (max |difference| over non-padding
 * positions at most {@link HiddenStateComparison#TOLERANCE}). ONNX Runtime is an optional
 * dependency of this bundle (Import-Package resolution:=optional): when it is not installed,
 * {@link #available()} is false and the methods here throw {@link IllegalStateException}.
 */
public final class OnnxRuntimeOracle {

    /** Outcome of a comparison on a batch. */
    public record Result(int sentences, int paddedLength, double maxAbsDiff) {
        public boolean passed() {
            return maxAbsDiff <= HiddenStateComparison.TOLERANCE;
        }
    }

    private OnnxRuntimeOracle() {
    }

    /** True when ONNX Runtime's classes can be loaded. */
    public static boolean available() {
        try {
            Class.forName("ai.onnxruntime.OrtEnvironment", false, OnnxRuntimeOracle.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The ONNX model's last_hidden_state [B,T,d] on a tokenised batch, flattened. */
    public static float[] lastHiddenState(byte[] onnxModel, TextTokenizer.Batch batch) {
        if (!available()) {
            throw new IllegalStateException("ONNX Runtime (com.microsoft.onnxruntime) is not installed");
        }
        return Ort.run(onnxModel, batch);
    }

    /**
     * Compares the DJL encoder with ONNX Runtime on {@link HiddenStateComparison#SENTENCES},
     * padded in one batch, using the MiniLM files located by {@link BuiltInModel#MINI_LM_L6}.
     */
    public static Result verifyMiniLm(BertEncoder encoder, NDManager manager) throws IOException {
        return verify(BuiltInModel.MINI_LM_L6, encoder, manager);
    }

    /**
     * Compares the DJL encoder loaded from {@code source} with ONNX Runtime running the source's
     * ONNX reference ({@link EncoderSource#onnxReference()}) on {@link HiddenStateComparison#SENTENCES},
     * padded in one batch (at most 128 tokens, fewer when the model has fewer positions).
     *
     * @throws IllegalStateException when the source has no ONNX reference
     */
    public static Result verify(EncoderSource source, BertEncoder encoder, NDManager manager) throws IOException {
        byte[] onnx = source.onnxReference();
        if (onnx == null) {
            throw new IllegalStateException(source.name() + " has no ONNX model to compare with");
        }
        TextTokenizer.Batch batch;
        try (TextTokenizer tok = source.tokenizer(Math.min(128, encoder.config().usablePositions()), false)) {
            batch = tok.encode(HiddenStateComparison.SENTENCES);
        }
        float[] reference = lastHiddenState(onnx, batch);
        float[] ours = HiddenStateComparison.lastHiddenState(encoder, batch, manager);
        double diff = HiddenStateComparison.maxAbsDiff(ours, reference, batch.mask(), encoder.config().hidden());
        return new Result(batch.size(), batch.length(), diff);
    }

    /** Holds every reference to ONNX Runtime, so that the outer class loads without it. */
    private static final class Ort {
        /** The inputs the model declares (a RoBERTa export has no token_type_ids). */
        static Map<String, ai.onnxruntime.OnnxTensor> inputs(ai.onnxruntime.OrtSession session,
                ai.onnxruntime.OnnxTensor ids, ai.onnxruntime.OnnxTensor mask, ai.onnxruntime.OnnxTensor types) {
            Map<String, ai.onnxruntime.OnnxTensor> all = Map.of("input_ids", ids, "attention_mask", mask,
                    "token_type_ids", types);
            Map<String, ai.onnxruntime.OnnxTensor> in = new java.util.HashMap<>();
            for (String name : session.getInputNames()) {
                ai.onnxruntime.OnnxTensor t = all.get(name);
                if (t == null) {
                    throw new IllegalStateException("ONNX model input '" + name + "' is none of " + all.keySet());
                }
                in.put(name, t);
            }
            return in;
        }

        static float[] run(byte[] onnxModel, TextTokenizer.Batch batch) {
            ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
            try (ai.onnxruntime.OrtSession session = env.createSession(onnxModel,
                    new ai.onnxruntime.OrtSession.SessionOptions());
                    ai.onnxruntime.OnnxTensor ids = ai.onnxruntime.OnnxTensor.createTensor(env, batch.ids());
                    ai.onnxruntime.OnnxTensor mask = ai.onnxruntime.OnnxTensor.createTensor(env, batch.mask());
                    ai.onnxruntime.OnnxTensor types = ai.onnxruntime.OnnxTensor.createTensor(env, batch.typeIds());
                    ai.onnxruntime.OrtSession.Result r = session.run(inputs(session, ids, mask, types))) {
                ai.onnxruntime.OnnxTensor out = (ai.onnxruntime.OnnxTensor) r.get("last_hidden_state")
                        .orElseThrow(() -> new IllegalStateException("ONNX model has no last_hidden_state output"));
                FloatBuffer fb = out.getFloatBuffer();
                float[] result = new float[fb.remaining()];
                fb.get(result);
                return result;
            } catch (ai.onnxruntime.OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
            }
        }
    }
}
