package org.privtune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The BERT building blocks, written with DJL blocks and NDArray operations (DJL's own
 * TransformerEncoderBlock uses BatchNorm and no positions, so it is not BERT). Every parameter has a
 * fixed shape from the start and is registered under its Hugging Face name, so that ONNX weights,
 * safetensors export and optimiser ids all use one naming.
 */
public final class BertBlocks {

    private BertBlocks() {
    }

    /** Parameters of a block tree by Hugging Face name (e.g. encoder.layer.0.attention.self.query.weight). */
    public interface Named {
        Map<String, Parameter> namedParameters();
    }

    /** Base for our blocks: children share the input shapes; parameters carry their own shapes. */
    public abstract static class NamedBlock extends AbstractBlock implements Named {
        protected final Map<String, Parameter> named = new LinkedHashMap<>();

        protected Parameter param(String hfName, Shape shape, boolean isBiasLike) {
            Parameter p = addParameter(Parameter.builder().setName(hfName)
                    .setType(isBiasLike ? Parameter.Type.BIAS : Parameter.Type.WEIGHT).optShape(shape)
                    .optInitializer(isBiasLike ? new ConstantInitializer(0f) : new NormalInitializer(0.02f))
                    .build());
            named.put(hfName, p);
            return p;
        }

        protected <B extends Block & Named> B child(String name, B block) {
            addChildBlock(name, block);
            named.putAll(block.namedParameters());
            return block;
        }

        @Override
        public Map<String, Parameter> namedParameters() {
            return named;
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            for (Block b : getChildren().values()) {
                b.initialize(manager, dataType, inputShapes);
            }
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }
    }

    /** y = x W^T + b with W [out, in] as in PyTorch (ONNX MatMul stores W^T). */
    public static final class Dense extends NamedBlock {
        private final Parameter weight;
        private final Parameter bias;

        public Dense(String hfPrefix, int in, int out) {
            weight = param(hfPrefix + ".weight", new Shape(out, in), false);
            bias = param(hfPrefix + ".bias", new Shape(out), true);
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            return Linear.linear(x, ps.getValue(weight, x.getDevice(), training), ps.getValue(bias, x.getDevice(), training));
        }
    }

    /** LayerNorm over the last axis with BERT's epsilon. */
    public static final class Norm extends NamedBlock {
        private final Parameter gamma;
        private final Parameter beta;
        private final int size;
        private final float eps;

        public Norm(String hfPrefix, int size, float eps) {
            this.size = size;
            this.eps = eps;
            gamma = addGamma(hfPrefix + ".weight");
            beta = param(hfPrefix + ".bias", new Shape(size), true);
        }

        private Parameter addGamma(String hfName) {
            Parameter p = addParameter(Parameter.builder().setName(hfName).setType(Parameter.Type.GAMMA)
                    .optShape(new Shape(size)).optInitializer(new ConstantInitializer(1f)).build());
            named.put(hfName, p);
            return p;
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            return LayerNorm.layerNorm(x, new Shape(size), ps.getValue(gamma, x.getDevice(), training),
                    ps.getValue(beta, x.getDevice(), training), eps);
        }
    }

    /**
     * Word + position + token-type embeddings, then LayerNorm. Inputs: ids [B,T], typeIds [B,T].
     * Positions run from the config's position offset (0 for BERT, padding id + 1 for RoBERTa).
     */
    public static final class Embeddings extends NamedBlock {
        private final Parameter word;
        private final Parameter position;
        private final Parameter tokenType;
        private final Norm norm;
        private final int maxPositions;
        private final int positionOffset;

        public Embeddings(BertConfig c) {
            maxPositions = c.usablePositions();
            positionOffset = c.positionOffset();
            word = param("embeddings.word_embeddings.weight", new Shape(c.vocabSize(), c.hidden()), false);
            position = param("embeddings.position_embeddings.weight", new Shape(c.maxPositions(), c.hidden()), false);
            tokenType = param("embeddings.token_type_embeddings.weight", new Shape(c.typeVocabSize(), c.hidden()), false);
            norm = child("norm", new Norm("embeddings.LayerNorm", c.hidden(), c.layerNormEps()));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            NDArray ids = inputs.get(0);
            NDArray types = inputs.size() > 1 ? inputs.get(1) : ids.zerosLike();
            long t = ids.getShape().get(1);
            if (t > maxPositions) {
                throw new IllegalArgumentException(
                        t + " tokens per sentence, but the model has " + maxPositions + " positions; lower maxLength");
            }
            NDArray w = ps.getValue(word, ids.getDevice(), training);
            NDArray p = ps.getValue(position, ids.getDevice(), training);
            NDArray tt = ps.getValue(tokenType, ids.getDevice(), training);
            // Gathering from a parameter would attach the result to the parameter's (long-lived)
            // manager; attach to the input's manager so that per-batch memory is freed with it.
            NDManager m = ids.getManager();
            NDArray we = w.get(ids);
            we.attach(m);
            NDArray te = tt.get(types);
            te.attach(m);
            // RoBERTa's positions start past its padding id; with padding on the right, a sentence's
            // real tokens are exactly the first positions of the row
            NDArray pe = p.get(new NDIndex("{}:{}", positionOffset, positionOffset + t));
            pe.attach(m);
            NDArray sum = we.add(te).add(pe);
            return norm.forward(ps, new NDList(sum), training);
        }
    }

    /**
     * One post-LayerNorm BERT layer: self-attention with additive mask, residual + LayerNorm, GELU
     * (erf form) feed-forward, residual + LayerNorm. Inputs: hidden [B,T,d], additive mask [B,1,1,T].
     */
    public static final class Layer extends NamedBlock {
        private final BertConfig c;
        private final Dense query;
        private final Dense key;
        private final Dense value;
        private final Dense attnOut;
        private final Norm attnNorm;
        private final Dense intermediate;
        private final Dense output;
        private final Norm outNorm;

        public Layer(BertConfig c, int index) {
            this.c = c;
            String p = "encoder.layer." + index + ".";
            query = child("query", new Dense(p + "attention.self.query", c.hidden(), c.hidden()));
            key = child("key", new Dense(p + "attention.self.key", c.hidden(), c.hidden()));
            value = child("value", new Dense(p + "attention.self.value", c.hidden(), c.hidden()));
            attnOut = child("attnOut", new Dense(p + "attention.output.dense", c.hidden(), c.hidden()));
            attnNorm = child("attnNorm", new Norm(p + "attention.output.LayerNorm", c.hidden(), c.layerNormEps()));
            intermediate = child("intermediate", new Dense(p + "intermediate.dense", c.hidden(), c.intermediate()));
            output = child("output", new Dense(p + "output.dense", c.intermediate(), c.hidden()));
            outNorm = child("outNorm", new Norm(p + "output.LayerNorm", c.hidden(), c.layerNormEps()));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            NDArray h = inputs.get(0);
            NDArray addMask = inputs.get(1);
            long b = h.getShape().get(0);
            long t = h.getShape().get(1);
            Shape split = new Shape(b, t, c.heads(), c.headSize());
            NDArray q = query.forward(ps, new NDList(h), training).head().reshape(split).transpose(0, 2, 1, 3);
            NDArray k = key.forward(ps, new NDList(h), training).head().reshape(split).transpose(0, 2, 3, 1);
            NDArray v = value.forward(ps, new NDList(h), training).head().reshape(split).transpose(0, 2, 1, 3);
            NDArray scores = q.matMul(k).div(EngineScalars.constant(q.getManager(), (float) Math.sqrt(c.headSize())))
                    .add(addMask);
            NDArray ctx = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, c.hidden());
            NDArray a = attnOut.forward(ps, new NDList(ctx), training).head();
            NDArray h1 = attnNorm.forward(ps, new NDList(a.add(h)), training).head();
            NDArray f = Activation.gelu(intermediate.forward(ps, new NDList(h1), training).head());
            NDArray o = output.forward(ps, new NDList(f), training).head();
            return outNorm.forward(ps, new NDList(o.add(h1)), training);
        }
    }

    /** Turns a 0/1 attention mask [B,T] into BERT's additive mask [B,1,1,T]. */
    public static NDArray additiveMask(NDArray mask) {
        long b = mask.getShape().get(0);
        long t = mask.getShape().get(1);
        return mask.toType(DataType.FLOAT32, false).neg().add(1f).mul(-10000f).reshape(b, 1, 1, t);
    }
}
