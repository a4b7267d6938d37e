package org.privtune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Dropout then a linear layer to the label logits; its parameters are named classifier.weight/bias as in Hugging Face. */
public final class ClassifierHead extends BertBlocks.NamedBlock {

    private final BertBlocks.Dense dense;
    private final float dropout;

    public ClassifierHead(int hidden, int numLabels, float dropout) {
        this.dropout = dropout;
        this.dense = child("dense", new BertBlocks.Dense("classifier", hidden, numLabels));
    }

    public float dropout() {
        return dropout;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (training && dropout > 0) {
            x = Dropout.dropout(x, dropout, true).head();
        }
        return dense.forward(ps, new NDList(x), training);
    }
}
