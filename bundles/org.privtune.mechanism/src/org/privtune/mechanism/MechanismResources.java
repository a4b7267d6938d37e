package org.privtune.mechanism;

/**
 * What the factory needs to build mechanisms for one encoder and split layer.
 *
 * @param reference  R at the split layer in use
 * @param graph      k-NN graph over R (its k must be at least every spec's k; a smaller k is
 *                   taken as the first k neighbours)
 * @param tokens     special and non-target ids
 * @param importance TF-IDF importance over the training split (or uniform)
 * @param textGraph  k-NN graph over the input embedding space (R at split 0) for {@code santext};
 *                   null to use {@code graph}
 * @param relevance  label informativeness of each type on the labelled training split, for
 *                   {@code privtune-swap}'s kept set; null when there are no labels
 */
public record MechanismResources(ReferenceSpace reference, NeighbourGraph graph, SpecialTokens tokens,
        TokenImportance importance, NeighbourGraph textGraph, TaskRelevance relevance) {

    public MechanismResources {
        if (graph.vocabSize() != reference.vocabSize() || tokens.vocabSize() != reference.vocabSize()
                || importance.vocabSize() != reference.vocabSize()
                || (relevance != null && relevance.vocabSize() != reference.vocabSize())) {
            throw new IllegalArgumentException("reference, graph, tokens and importance must share one vocabulary");
        }
    }

    /** Resources without task relevance. */
    public MechanismResources(ReferenceSpace reference, NeighbourGraph graph, SpecialTokens tokens,
            TokenImportance importance, NeighbourGraph textGraph) {
        this(reference, graph, tokens, importance, textGraph, null);
    }

    /** The same resources with a task relevance table. */
    public MechanismResources withRelevance(TaskRelevance r) {
        return new MechanismResources(reference, graph, tokens, importance, textGraph, r);
    }

    /** Resources without a separate text-level graph. */
    public MechanismResources(ReferenceSpace reference, NeighbourGraph graph, SpecialTokens tokens,
            TokenImportance importance) {
        this(reference, graph, tokens, importance, null, null);
    }
}
