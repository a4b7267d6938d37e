package org.privtune.studio;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.privtune.mechanism.MechanismSpec;

/**
 * What the Neighbour-Hop Explorer computes: a {@link HopAnalyser} on the given evaluator, made on
 * first use and remade when the evaluator changes, with the evaluator's model's {@link Vocabulary}. An
 * OSGi service; call it in Jobs that hold {@link NoiseTunerService#rule()}.
 */
@Component(service = HopExplorerService.class)
public final class HopExplorerService {

    private Vocabulary vocabulary;
    private HopAnalyser analyser;

    /** Per token of {@code sentence}: importance, target set, the attacker's guess. */
    public synchronized HopAnalyser.Analysis analyse(NoiseTunerEvaluator evaluator, String sentence, MechanismSpec spec) {
        return analyserFor(evaluator).analyse(sentence, spec);
    }

    /** The neighbourhood of one token in 2D with {@code draws} perturbed samples. */
    public synchronized HopAnalyser.Neighbourhood neighbourhood(NoiseTunerEvaluator evaluator, String sentence,
            int position, MechanismSpec spec, int draws, long seed) {
        return analyserFor(evaluator).neighbourhood(sentence, position, spec, draws, seed);
    }

    private org.privtune.model.EncoderSource vocabularyOf;

    private HopAnalyser analyserFor(NoiseTunerEvaluator evaluator) {
        if (analyser == null || analyser.evaluator() != evaluator) {
            try {
                if (vocabulary == null || vocabularyOf != evaluator.model()) {
                    vocabulary = Vocabulary.of(evaluator.model()); // each model has its own vocabulary
                    vocabularyOf = evaluator.model();
                }
                if (analyser != null) {
                    analyser.close();
                }
                analyser = new HopAnalyser(evaluator, vocabulary);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return analyser;
    }

    @Deactivate
    synchronized void deactivate() {
        if (analyser != null) {
            analyser.close();
            analyser = null;
        }
    }
}
