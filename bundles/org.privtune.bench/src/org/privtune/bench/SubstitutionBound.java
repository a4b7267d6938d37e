package org.privtune.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

import org.privtune.attack.experiment.ExperimentConfig;
import org.privtune.attack.experiment.SplitExperiment;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.DatasetSplit;
import org.privtune.data.Record;
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
import org.privtune.model.EncoderSource;
import org.privtune.model.LabelledText;
import org.privtune.model.ModelRegistry;
import org.privtune.model.TextTokenizer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * The context-free Bayes bound on inverting a text-level substitution: an attacker who decodes
 * every substitute u exactly and knows the victim's own token frequencies P (those of the test
 * sentences the experiment runner attacks) recovers sum_u max_v P(v) q(u | v) of the tokens. No
 * model is trained; it shows where the floor of a substitution law lies before an experiment is
 * spent on it, and which sent tokens make it up (docs/method.md 6.6). Arguments, as
 * {@code ./privtune bench bound} passes them: {@code [--model=M] [data set] [quick|full] [spec...]}.
 */
public final class SubstitutionBound {

    /** The coded setting of the results' frontier. */
    public static final String CODED = "privtune-swap:keep=0.3,n=3,pool=30000,kept=canon,poolcanon=1,shuffle=1,relevance=imdb";
    /** The largest terms printed per spec. */
    static final int TERMS = 8;

    private SubstitutionBound() {
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(List.of(args));
        String modelName = !rest.isEmpty() && rest.get(0).startsWith("--model=") ? rest.remove(0).substring(8) : null;
        String data = rest.isEmpty() ? "sentiment" : rest.remove(0);
        String conf = rest.isEmpty() ? "quick" : rest.remove(0);
        if (!conf.equals("quick") && !conf.equals("full")) {
            throw new IllegalArgumentException("<configuration>: quick or full, got '" + conf + "'");
        }
        List<String> specs = rest.isEmpty() ? List.of(CODED) : rest;
        EncoderSource model = ModelRegistry.resolve(modelName);
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager();
                TextTokenizer tok = model.tokenizer(64, false)) {
            BertEncoder enc = model.load(m);
            Dataset d = DataCommands.defaults().load(data, Progress.NONE);
            DatasetSplit sp = d.split(SplitSpec.DEFAULT);
            ExperimentConfig cfg = conf.equals("quick")
                    ? ExperimentConfig.quick(data, 2, List.of(), List.of(), 1, null, ModelResources.defaultCacheDir())
                    : ExperimentConfig.full(data, 2, List.of(), List.of(), 1, null, ModelResources.defaultCacheDir());
            // the runner's training part, so that relevance=train picks the kept set the experiments
            // used (not the whole train split, which includes the attacker's slice), and its test part
            List<LabelledText> train = SplitExperiment.trainingPart(d, sp, cfg);
            List<String> test = SplitExperiment.testPart(sp, cfg).stream().map(Record::text).toList();
            MechanismResources res = ModelResources.build(model, enc, 2, ModelResources.defaultCacheDir(), train,
                    d.labels().size(), tok, m, Progress.NONE);
            int vocab = model.config().vocabSize();
            double[] p = new double[vocab];
            double total = 0;
            for (int[] s : ModelResources.tokenIds(test, tok)) {
                for (int id : s) {
                    if (!res.tokens().isSpecial(id)) {
                        p[id]++;
                        total++;
                    }
                }
            }
            Map<Integer, String> names = tokenNames(tok, train, test);
            System.out.printf(Locale.ROOT, "%s (%s configuration): %d test sentences, %d scored tokens, %s%n", data, conf,
                    test.size(), (long) total, model.name());
            for (String arg : specs) {
                // as the runner runs it: public relevance only for a victim with IMDB's labels
                MechanismSpec spec = PublicRelevance.applicable(MechanismSpec.parse(arg), d);
                MechanismResources r = PublicRelevance.withTableFor(res, spec, d, tok, Progress.NONE);
                try (NoiseMechanism mech = Mechanisms.create(spec, r, m)) {
                    if (!(mech instanceof TokenSubstitution law)) {
                        System.out.println(spec.name() + ": not a text-level substitution");
                        continue;
                    }
                    double[] terms = terms(law, p, total);
                    System.out.printf(Locale.ROOT, "%s%s: context-free Bayes bound on top-1 = %.3f%n", arg,
                            spec.relevance().equals(MechanismSpec.parse(arg).relevance()) ? ""
                                    : " (relevance=" + spec.relevance() + " on " + data + "'s labels)",
                            Arrays.stream(terms).sum());
                    Integer[] order = IntStream.range(0, terms.length).boxed().toArray(Integer[]::new);
                    Arrays.sort(order, (a, b) -> Double.compare(terms[b], terms[a]));
                    for (int i = 0; i < Math.min(TERMS, order.length) && terms[order[i]] > 0; i++) {
                        int u = order[i];
                        System.out.printf(Locale.ROOT, "  sent as %-14s %.3f of the tokens recovered%n",
                                "'" + names.getOrDefault(u, "id " + u) + "'", terms[u]);
                    }
                }
            }
        }
    }

    /** Token strings of the ids that occur in the given texts (the codes are frequent words there). */
    private static Map<Integer, String> tokenNames(TextTokenizer tok, List<LabelledText> train, List<String> test) {
        Map<Integer, String> names = new HashMap<>();
        List<String> texts = new ArrayList<>(test);
        train.forEach(t -> texts.add(t.text()));
        for (int from = 0; from < texts.size(); from += 256) {
            TextTokenizer.Batch b = tok.encode(texts.subList(from, Math.min(texts.size(), from + 256)));
            for (int i = 0; i < b.size(); i++) {
                for (int t = 0; t < b.ids()[i].length; t++) {
                    names.putIfAbsent((int) b.ids()[i][t], b.tokens()[i][t]);
                }
            }
        }
        return names;
    }

    /** Per sent id u, max_v P(v) q(u | v): the share of tokens the Bayes guess for u recovers. */
    static double[] terms(TokenSubstitution law, double[] count, double total) {
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
        return best;
    }

    /** sum_u max_v P(v) q(u | v) for token counts {@code count} summing to {@code total}. */
    static double bound(TokenSubstitution law, double[] count, double total) {
        return Arrays.stream(terms(law, count, total)).sum();
    }
}
