package org.privtune.bench;

import java.util.List;
import java.util.Locale;

import org.privtune.attack.experiment.SplitExperiment;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.DatasetSplit;
import org.privtune.data.SplitSpec;
import org.privtune.data.commands.DataCommands;
import org.privtune.mechanism.MechanismResources;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.Mechanisms;
import org.privtune.mechanism.ModelResources;
import org.privtune.mechanism.NoiseMechanism;
import org.privtune.mechanism.PublicRelevance;
import org.privtune.mechanism.TokenSubstitution;
import org.privtune.model.BertEncoder;
import org.privtune.model.LabelledText;
import org.privtune.model.BuiltInModel;
import org.privtune.model.TextTokenizer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * The context-free Bayes bound on inverting a text-level substitution: an attacker who decodes
 * every substitute u exactly and knows the victim's own token frequencies P (here those of the
 * sentiment test split) recovers sum_u max_v P(v) q(u | v) of the tokens. No model is trained;
 * it shows where the floor of a substitution law lies before an experiment is spent on it
 * (docs/method.md 6.6). Arguments: mechanism specs, e.g. {@code 'privtune-swap:keep=0.3,pool=200'}.
 */
public final class SubstitutionBound {

    private SubstitutionBound() {
    }

    public static void main(String[] args) throws Exception {
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager();
                TextTokenizer tok = BuiltInModel.MINI_LM_L6.tokenizer(64, false)) {
            BertEncoder enc = BuiltInModel.MINI_LM_L6.load(m);
            Dataset d = DataCommands.defaults().load("sentiment", Progress.NONE);
            DatasetSplit sp = d.split(SplitSpec.DEFAULT);
            // the runner's training part, so that relevance=train picks the kept set the experiments
            // used (not the whole train split, which includes the attacker's slice)
            List<LabelledText> train = SplitExperiment.fullTrainingPart(d, sp);
            MechanismResources res = ModelResources.build(BuiltInModel.MINI_LM_L6, enc, 2, ModelResources.defaultCacheDir(), train,
                    d.labels().size(), tok, m, Progress.NONE);
            int vocab = BuiltInModel.MINI_LM_L6.config().vocabSize();
            double[] p = new double[vocab];
            double total = 0;
            for (int[] s : ModelResources.tokenIds(sp.test().stream().map(org.privtune.data.Record::text).toList(), tok)) {
                for (int id : s) {
                    if (!res.tokens().isSpecial(id)) {
                        p[id]++;
                        total++;
                    }
                }
            }
            for (String arg : args) {
                MechanismSpec spec = MechanismSpec.parse(arg);
                res = PublicRelevance.withTableFor(res, spec, d, tok, Progress.NONE);
                try (NoiseMechanism mech = Mechanisms.create(spec, res, m)) {
                    if (!(mech instanceof TokenSubstitution law)) {
                        System.out.println(spec.name() + ": not a text-level substitution");
                        continue;
                    }
                    System.out.printf(Locale.ROOT, "%s: context-free Bayes bound on top-1 = %.3f%n", arg,
                            bound(law, p, total));
                }
            }
        }
    }

    /** sum_u max_v P(v) q(u | v) for token counts {@code count} summing to {@code total}. */
    static double bound(TokenSubstitution law, double[] count, double total) {
        double[] best = new double[count.length];
        for (int v = 0; v < count.length; v++) {
            if (count[v] == 0) {
                continue;
            }
            TokenSubstitution.Substitution s = law.substitutes(v);
            for (int j = 0; j < s.ids().length; j++) {
                int u = s.ids()[j];
                best[u] = Math.max(best[u], count[v] / total * s.probabilities()[j]);
            }
        }
        double sum = 0;
        for (double b : best) {
            sum += b;
        }
        return sum;
    }
}
