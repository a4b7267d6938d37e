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
 * @param publicRelevance the same counted on public labelled text (IMDB review sentences) for
 *                   {@code relevance=imdb} and {@code relevance=both}; null when not loaded
 */
public record MechanismResources(ReferenceSpace reference, NeighbourGraph graph, SpecialTokens tokens,
        TokenImportance importance, NeighbourGraph textGraph, TaskRelevance relevance,
        TaskRelevance publicRelevance) {

    public MechanismResources {
        if (graph.vocabSize() != reference.vocabSize() || tokens.vocabSize() != reference.vocabSize()
                || importance.vocabSize() != reference.vocabSize()
                || (relevance != null && relevance.vocabSize() != reference.vocabSize())
                || (publicRelevance != null && publicRelevance.vocabSize() != reference.vocabSize())) {
            throw new IllegalArgumentException("reference, graph, tokens and importance must share one vocabulary");
        }
    }

    /** Resources without task relevance. */
    public MechanismResources(ReferenceSpace reference, NeighbourGraph graph, SpecialTokens tokens,
            TokenImportance importance, NeighbourGraph textGraph) {
        this(reference, graph, tokens, importance, textGraph, null, null);
    }

    /** Resources with a training-split relevance table and no public one. */
    public MechanismResources(ReferenceSpace reference, NeighbourGraph graph, SpecialTokens tokens,
            TokenImportance importance, NeighbourGraph textGraph, TaskRelevance relevance) {
        this(reference, graph, tokens, importance, textGraph, relevance, null);
    }

    /** The same resources with a task relevance table. */
    public MechanismResources withRelevance(TaskRelevance r) {
        return new MechanismResources(reference, graph, tokens, importance, textGraph, r, publicRelevance);
    }

    /** The same resources with a relevance table counted on public labelled text. */
    public MechanismResources withPublicRelevance(TaskRelevance r) {
        return new MechanismResources(reference, graph, tokens, importance, textGraph, relevance, r);
    }

    /**
     * The relevance table a spec's {@code relevance} names; null for {@code train} without labels.
     *
     * @throws IllegalArgumentException when the spec asks for public counts that were not loaded
     */
    public TaskRelevance relevanceFor(MechanismSpec spec) {
        String src = spec.relevance();
        if (MechanismSpec.RELEVANCE_TRAIN.equals(src)) {
            return relevance;
        }
        if (publicRelevance == null) {
            throw new IllegalArgumentException("relevance=" + src + " needs the relevance counted on public labelled"
                    + " text (IMDB review sentences), which these resources do not hold; it is loaded only for a"
                    + " binary sentiment task with the labels negative, positive");
        }
        if (MechanismSpec.RELEVANCE_IMDB.equals(src)) {
            return publicRelevance;
        }
        if (relevance == null) {
            throw new IllegalArgumentException("relevance=both needs labelled training text as well");
        }
        return relevance.plus(publicRelevance);
    }

    /** Resources without a separate text-level graph. */
    public MechanismResources(ReferenceSpace reference, NeighbourGraph graph, SpecialTokens tokens,
            TokenImportance importance) {
        this(reference, graph, tokens, importance, null, null, null);
    }
}
