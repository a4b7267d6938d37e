package org.privtune.model.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.privtune.model.BertConfig;
import org.privtune.model.BertEncoder;
import org.privtune.model.BuiltInModel;
import org.privtune.model.HiddenStateComparison;
import org.privtune.model.OnnxRuntimeOracle;
import org.privtune.model.TextTokenizer;

/**
 * The proof that the weights are really loaded: the DJL encoder's last hidden state equals ONNX
 * Runtime's on the same padded batch.
 */
class OnnxOracleTest {

    @Test
    void djlEncoderMatchesOnnxRuntimeOnPaddedBatch() throws Exception {
        assertTrue(OnnxRuntimeOracle.available(), "ONNX Runtime is on the test class path");
        TextTokenizer.Batch batch;
        try (TextTokenizer tok = BuiltInModel.MINI_LM_L6.tokenizer(128, false)) {
            batch = tok.encode(HiddenStateComparison.SENTENCES);
        }
        Set<Long> lengths = new HashSet<>();
        for (long[] m : batch.mask()) {
            lengths.add(java.util.Arrays.stream(m).sum());
        }
        assertTrue(batch.size() >= 20 && lengths.size() >= 10, "need >= 20 sentences of many lengths: " + lengths);

        OnnxRuntimeOracle.Result r = OnnxRuntimeOracle.verifyMiniLm(MiniLmFixture.encoder(), MiniLmFixture.manager());
        System.out.printf("oracle: %d sentences, %d tokens padded, max |DJL - ONNX| = %.3g%n", r.sentences(),
                r.paddedLength(), r.maxAbsDiff());
        assertEquals(batch.size(), r.sentences());
        assertEquals(batch.length(), r.paddedLength());
        assertTrue(r.passed(), "max abs difference " + r.maxAbsDiff());

        // The comparison itself must be able to fail: a visibly wrong reference is caught.
        byte[] onnx;
        try (InputStream in = BuiltInModel.MINI_LM_L6.openOnnx()) {
            onnx = in.readAllBytes();
        }
        float[] reference = OnnxRuntimeOracle.lastHiddenState(onnx, batch);
        float[] ours = HiddenStateComparison.lastHiddenState(MiniLmFixture.encoder(), batch, MiniLmFixture.manager());
        assertTrue(HiddenStateComparison.maxAbsDiff(ours, reference, batch.mask(), 384) <= 1e-4);
        ours[384 * 3 + 5] += 0.01f; // sentence 0, token 3 is a real token
        assertTrue(HiddenStateComparison.maxAbsDiff(ours, reference, batch.mask(), 384) > 1e-3);
    }

    @Test
    void twelveLayerBgeMatchesOnnxRuntimeOnPaddedBatch() throws Exception {
        BuiltInModel bge = BuiltInModel.BGE_SMALL_EN_V15;
        long t0 = System.nanoTime();
        BertEncoder encoder = bge.load(MiniLmFixture.manager());
        System.out.printf("%s loaded in %.2f s%n", bge.name(), (System.nanoTime() - t0) / 1e9);
        assertEquals(12, encoder.layers().size());
        assertEquals(BertConfig.BGE_SMALL_EN_V15, encoder.config());
        try {
            OnnxRuntimeOracle.Result r = OnnxRuntimeOracle.verify(bge, encoder, MiniLmFixture.manager());
            System.out.printf("oracle %s: %d sentences, %d tokens padded, max |DJL - ONNX| = %.3g%n", bge.name(),
                    r.sentences(), r.paddedLength(), r.maxAbsDiff());
            assertEquals(HiddenStateComparison.SENTENCES.size(), r.sentences());
            assertTrue(r.passed(), "max abs difference " + r.maxAbsDiff());
        } finally {
            for (var p : encoder.namedParameters().values()) {
                p.close();
            }
        }
    }
}
