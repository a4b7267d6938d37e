package org.privtune.model.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.privtune.model.BertEncoder;
import org.privtune.model.HiddenStateComparison;
import org.privtune.model.MiniLmFiles;
import org.privtune.model.TextTokenizer;

/**
 * The proof that the weights are really loaded: the DJL encoder's last hidden state equals ONNX
 * Runtime's on the same padded batch.
 */
class OnnxOracleTest {

    @Test
    void djlEncoderMatchesOnnxRuntimeOnPaddedBatch() throws Exception {
        TextTokenizer.Batch batch;
        try (TextTokenizer tok = TextTokenizer.miniLm(128, false)) {
            batch = tok.encode(HiddenStateComparison.SENTENCES);
        }
        int b = batch.size();
        int t = batch.length();
        Set<Long> lengths = new HashSet<>();
        for (long[] m : batch.mask()) {
            lengths.add(java.util.Arrays.stream(m).sum());
        }
        assertTrue(b >= 20 && lengths.size() >= 10, "need >= 20 sentences of many lengths: " + lengths);

        float[] reference;
        byte[] onnx;
        try (InputStream in = MiniLmFiles.openOnnx()) {
            onnx = in.readAllBytes();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
                OnnxTensor ids = OnnxTensor.createTensor(env, batch.ids());
                OnnxTensor mask = OnnxTensor.createTensor(env, batch.mask());
                OnnxTensor types = OnnxTensor.createTensor(env, batch.typeIds());
                OrtSession.Result r = session.run(Map.of("input_ids", ids, "attention_mask", mask,
                        "token_type_ids", types))) {
            OnnxTensor out = (OnnxTensor) r.get("last_hidden_state").orElseThrow();
            FloatBuffer fb = out.getFloatBuffer();
            reference = new float[fb.remaining()];
            fb.get(reference);
        }

        BertEncoder encoder = MiniLmFixture.encoder();
        float[] ours = HiddenStateComparison.lastHiddenState(encoder, batch, MiniLmFixture.manager());
        assertEquals((long) b * t * 384, ours.length);
        double diff = HiddenStateComparison.maxAbsDiff(ours, reference, batch.mask(), 384);
        System.out.printf("oracle: %d sentences, %d tokens padded, max |DJL - ONNX| = %.3g%n", b, t, diff);
        assertTrue(diff <= HiddenStateComparison.TOLERANCE, "max abs difference " + diff);
    }
}
