package org.privtune.attack.experiment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import org.privtune.attack.LinearProbe;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.DatasetSplit;
import org.privtune.data.SplitSpec;
import org.privtune.data.StableHash;
import org.privtune.data.commands.DataCommands;
import org.privtune.mechanism.MechanismResources;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.Mechanisms;
import org.privtune.mechanism.MiniLmResources;
import org.privtune.mechanism.NoiseMechanism;
import org.privtune.mechanism.SpecialTokens;
import org.privtune.mechanism.TokenSubstitution;
import org.privtune.model.BertEncoder;
import org.privtune.model.LabelledText;
import org.privtune.model.MiniLmFiles;
import org.privtune.model.TextTokenizer;

/**
 * How much of the label a linear classifier reads from the bag of tokens a text-level mechanism
 * sends (docs/results.md, session 8): for each spec, every sentence of the victim's training, dev
 * and test parts (the experiment's full configuration) is mapped through the substitution law
 * (a point mass for the coded settings; a seeded draw per occurrence otherwise), turned into a
 * binary bag of sent types, and a ridge probe ({@link LinearProbe#trainTest}) fitted on the
 * training part is scored on the test part, its strength chosen on the dev part. Printed beside
 * the context-free bound of {@link SubstitutionBound}. A utility proxy to compare codes, not a
 * result of the runner: it asks whether the fine-tuned top does more with the sent tokens than a
 * linear model of their bag. Arguments: {@code none} and/or mechanism specs (';' or ',' between
 * parameters).
 */
public final class BagOfCodesProbe {

    /** Ridge strengths tried (relative to the mean squared row norm, as in {@link LinearProbe}). */
    static final double[] LAMBDAS = {0.01, 0.1, 1.0, 10.0};

    private BagOfCodesProbe() {
    }

    public static void main(String[] args) throws Exception {
        Dataset d = DataCommands.defaults().load("sentiment", Progress.NONE);
        DatasetSplit sp = d.split(SplitSpec.DEFAULT);
        ExperimentConfig cfg = ExperimentConfig.full("sentiment", 2, List.of(), List.of(), 1, null,
                MiniLmResources.defaultCacheDir());
        List<LabelledText> train = SplitExperiment.labelled(d, SplitExperiment.trainParts(sp, cfg).victim());
        List<LabelledText> dev = SplitExperiment.labelled(d, StableHash.orderBy(sp.dev(), 7L));
        List<LabelledText> test = SplitExperiment.labelled(d, StableHash.orderBy(sp.test(), 7L));
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager();
                TextTokenizer tok = TextTokenizer.miniLm(64, false)) {
            BertEncoder enc = BertEncoder.fromOnnx(m, MiniLmFiles.readWeights());
            MechanismResources res = MiniLmResources.build(enc, cfg.split(), cfg.cacheDir(), train, d.labels().size(),
                    tok, m, Progress.NONE);
            List<int[]> trIds = MiniLmResources.tokenIds(train.stream().map(LabelledText::text).toList(), tok);
            List<int[]> dvIds = MiniLmResources.tokenIds(dev.stream().map(LabelledText::text).toList(), tok);
            List<int[]> teIds = MiniLmResources.tokenIds(test.stream().map(LabelledText::text).toList(), tok);
            double[] count = new double[MiniLmResources.VOCAB];
            double total = 0;
            for (int[] s : teIds) {
                for (int id : s) {
                    if (!res.tokens().isSpecial(id)) {
                        count[id]++;
                        total++;
                    }
                }
            }
            System.out.println("| spec | probe accuracy, dev | probe accuracy, test | ridge | context-free bound |");
            System.out.println("|---|---|---|---|---|");
            for (String arg : args) {
                MechanismSpec spec = "none".equals(arg) ? null : MechanismSpec.parse(arg.replace(';', ','));
                if (spec != null) {
                    res = PublicRelevance.withTableFor(res, spec, d, tok, Progress.NONE);
                }
                try (NoiseMechanism mech = spec == null ? null : Mechanisms.create(spec, res, m)) {
                    if (mech != null && !(mech instanceof TokenSubstitution)) {
                        System.out.println("| " + arg + " | not a text-level substitution | | | |");
                        continue;
                    }
                    TokenSubstitution law = (TokenSubstitution) mech;
                    Random draws = new Random(1);
                    Result r = probe(bags(trIds, law, res.tokens(), draws), labels(train),
                            bags(dvIds, law, res.tokens(), draws), labels(dev),
                            bags(teIds, law, res.tokens(), draws), labels(test), d.labels().size());
                    double bound = law == null ? 1.0 : SubstitutionBound.bound(law, count, total);
                    System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %s | %.3f |%n", arg, r.dev(), r.test(), r.lambda(),
                            bound);
                }
            }
        }
    }

    /** Probe accuracy on dev and test, at the ridge strength that did best on dev. */
    record Result(double dev, double test, double lambda) {
    }

    static Result probe(List<int[]> train, int[] yTrain, List<int[]> dev, int[] yDev, List<int[]> test, int[] yTest,
            int classes) {
        Map<Integer, Integer> index = new HashMap<>();
        for (List<int[]> part : List.of(train, dev, test)) {
            for (int[] bag : part) {
                for (int u : bag) {
                    index.putIfAbsent(u, index.size());
                }
            }
        }
        Result best = null;
        for (double lambda : LAMBDAS) {
            double a = LinearProbe.trainTest(features(train, dev, index), index.size(), concat(yTrain, yDev), classes,
                    train.size(), lambda);
            if (best == null || a > best.dev()) {
                double t = LinearProbe.trainTest(features(train, test, index), index.size(), concat(yTrain, yTest),
                        classes, train.size(), lambda);
                best = new Result(a, t, lambda);
            }
        }
        return best;
    }

    /** Per sentence the distinct types it is sent as (specials left out). */
    static List<int[]> bags(List<int[]> sentences, TokenSubstitution law, SpecialTokens tokens, Random draws) {
        List<int[]> out = new ArrayList<>(sentences.size());
        for (int[] s : sentences) {
            java.util.TreeSet<Integer> bag = new java.util.TreeSet<>();
            for (int v : s) {
                if (!tokens.isSpecial(v)) {
                    bag.add(law == null ? v : draw(law.substitutes(v), draws));
                }
            }
            out.add(bag.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    static int draw(TokenSubstitution.Substitution q, Random draws) {
        if (q.ids().length == 1) {
            return q.ids()[0];
        }
        double r = draws.nextDouble();
        double c = 0;
        for (int j = 0; j < q.ids().length; j++) {
            c += q.probabilities()[j];
            if (r < c) {
                return q.ids()[j];
            }
        }
        return q.ids()[q.ids().length - 1];
    }

    private static float[] features(List<int[]> a, List<int[]> b, Map<Integer, Integer> index) {
        int d = index.size();
        float[] x = new float[(a.size() + b.size()) * d];
        int row = 0;
        for (List<int[]> part : List.of(a, b)) {
            for (int[] bag : part) {
                for (int u : bag) {
                    x[row * d + index.get(u)] = 1f;
                }
                row++;
            }
        }
        return x;
    }

    private static int[] labels(List<LabelledText> texts) {
        return texts.stream().mapToInt(LabelledText::label).toArray();
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
