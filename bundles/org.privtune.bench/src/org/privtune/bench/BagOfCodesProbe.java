package org.privtune.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.privtune.attack.LinearProbe;
import org.privtune.attack.experiment.SplitExperiment;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.DatasetSplit;
import org.privtune.data.Record;
import org.privtune.data.SplitSpec;
import org.privtune.data.StableHash;
import org.privtune.data.commands.DataCommands;
import org.privtune.mechanism.MechanismResources;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.mechanism.Mechanisms;
import org.privtune.mechanism.ModelResources;
import org.privtune.mechanism.NoiseMechanism;
import org.privtune.mechanism.PublicRelevance;
import org.privtune.mechanism.SpecialTokens;
import org.privtune.mechanism.TokenSubstitution;
import org.privtune.model.BertEncoder;
import org.privtune.model.LabelledText;
import org.privtune.model.BuiltInModel;
import org.privtune.model.TextTokenizer;

/**
 * How much of the label a linear classifier reads from the bag of tokens a text-level mechanism
 * sends (docs/results.md): for each spec, every sentence of the victim's training, dev
 * and test parts (the experiment's full configuration) is mapped through the substitution law
 * (a point mass for the coded settings; a seeded draw per occurrence otherwise), turned into a
 * binary bag of sent types, and a ridge probe ({@link LinearProbe#trainTest}) fitted on the
 * training part is scored on the test part, its strength chosen on the dev part. Printed beside
 * the context-free bound of {@link SubstitutionBound}. A utility proxy to compare codes, not a
 * result of the runner: it asks whether the fine-tuned top does more with the sent tokens than a
 * linear model of their bag. Arguments: {@code none} and/or mechanism specs (';' or ',' between
 * parameters), and two options that ask where the probe's ceiling comes from:
 * {@code --train-sizes 375,750} also scores probes fitted on the first n training sentences only
 * (a learning curve), and {@code --public 20000,200000} probes fitted on the training sentences plus
 * n public labelled sentences sent through the same law (IMDB sentences of 4-40 words with their
 * review's label, whole reviews holding a victim sentence left out, as for {@code relevance=imdb};
 * a seeded sample). Those public fits solve the ridge in its primal form over the
 * {@value #PUBLIC_FEATURES} types sent most often in their training rows, so their 0-sentence
 * column is printed too (it differs from the main column where more types are sent).
 */
public final class BagOfCodesProbe {

    /** Ridge strengths tried (relative to the mean squared row norm, as in {@link LinearProbe}). */
    static final double[] LAMBDAS = {0.01, 0.1, 1.0, 10.0};

    /** Features of the primal fits with public text: the types sent most often in their training rows. */
    static final int PUBLIC_FEATURES = 2_000;

    private BagOfCodesProbe() {
    }

    public static void main(String[] args) throws Exception {
        List<String> specs = new ArrayList<>();
        int[] trainSizes = {};
        int[] publicSizes = {};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--train-sizes" -> trainSizes = sizes(args, ++i);
                case "--public" -> publicSizes = sizes(args, ++i);
                default -> specs.add(args[i]);
            }
        }
        Dataset d = DataCommands.defaults().load("sentiment", Progress.NONE);
        DatasetSplit sp = d.split(SplitSpec.DEFAULT);
        List<LabelledText> train = SplitExperiment.fullTrainingPart(d, sp);
        List<LabelledText> dev = ModelResources.labelled(d, StableHash.orderBy(sp.dev(), 7L));
        List<LabelledText> test = ModelResources.labelled(d, StableHash.orderBy(sp.test(), 7L));
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager();
                TextTokenizer tok = BuiltInModel.MINI_LM_L6.tokenizer(64, false)) {
            BertEncoder enc = BuiltInModel.MINI_LM_L6.load(m);
            MechanismResources res = ModelResources.build(BuiltInModel.MINI_LM_L6, enc, 2, ModelResources.defaultCacheDir(), train, d.labels().size(),
                    tok, m, Progress.NONE);
            List<int[]> trIds = ModelResources.tokenIds(train.stream().map(LabelledText::text).toList(), tok);
            List<int[]> dvIds = ModelResources.tokenIds(dev.stream().map(LabelledText::text).toList(), tok);
            List<int[]> teIds = ModelResources.tokenIds(test.stream().map(LabelledText::text).toList(), tok);
            double[] count = new double[BuiltInModel.MINI_LM_L6.config().vocabSize()];
            double total = 0;
            for (int[] s : teIds) {
                for (int id : s) {
                    if (!res.tokens().isSpecial(id)) {
                        count[id]++;
                        total++;
                    }
                }
            }
            List<int[]> pubIds = List.of();
            int[] pubLabels = {};
            if (publicSizes.length > 0) {
                List<Record> pub = publicSentences(d, Arrays.stream(publicSizes).max().getAsInt());
                pubIds = ModelResources.tokenIds(pub.stream().map(Record::text).toList(), tok);
                pubLabels = pub.stream().mapToInt(d::labelIndex).toArray();
            }
            int[] yTr = labels(train);
            int[] yDv = labels(dev);
            int[] yTe = labels(test);
            int classes = d.labels().size();
            System.out.println(header(trainSizes, publicSizes));
            for (String arg : specs) {
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
                    List<int[]> bTr = bags(trIds, law, res.tokens(), draws);
                    List<int[]> bDv = bags(dvIds, law, res.tokens(), draws);
                    List<int[]> bTe = bags(teIds, law, res.tokens(), draws);
                    Result r = probe(bTr, yTr, bDv, yDv, bTe, yTe, classes);
                    double bound = law == null ? 1.0 : SubstitutionBound.bound(law, count, total);
                    StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %s | %.3f |", arg,
                            r.dev(), r.test(), r.lambda(), bound));
                    row.append(learningCurve(bTr, yTr, bDv, yDv, bTe, yTe, classes, trainSizes));
                    if (publicSizes.length > 0) {
                        row.append(withPublicText(bTr, yTr, bags(pubIds, law, res.tokens(), draws), pubLabels, bDv, yDv,
                                bTe, yTe, classes, publicSizes));
                    }
                    System.out.println(row);
                }
            }
        }
    }

    /** The table's header and rule, with a column per training size and public-text size asked for. */
    private static String header(int[] trainSizes, int[] publicSizes) {
        StringBuilder head = new StringBuilder("| spec | probe accuracy, dev | probe accuracy, test | ridge | context-free bound |");
        StringBuilder rule = new StringBuilder("|---|---|---|---|---|");
        for (int n : trainSizes) {
            head.append(" test, first ").append(n).append(" training sentences |");
            rule.append("---|");
        }
        if (publicSizes.length > 0) {
            head.append(" test, primal fit, no public text |");
            rule.append("---|");
        }
        for (int n : publicSizes) {
            head.append(" test, + ").append(n).append(" public sentences |");
            rule.append("---|");
        }
        return head + System.lineSeparator() + rule;
    }

    /** Test accuracy of probes fitted on the first n training rows, one cell per size. */
    private static String learningCurve(List<int[]> train, int[] yTrain, List<int[]> dev, int[] yDev,
            List<int[]> test, int[] yTest, int classes, int[] sizes) {
        StringBuilder cells = new StringBuilder();
        for (int n : sizes) {
            int k = Math.min(n, train.size());
            Result r = probe(train.subList(0, k), Arrays.copyOf(yTrain, k), dev, yDev, test, yTest, classes);
            cells.append(String.format(Locale.ROOT, " %.3f |", r.test()));
        }
        return cells.toString();
    }

    /** Test accuracy of primal probes fitted on the training rows plus 0 and each n public rows. */
    private static String withPublicText(List<int[]> train, int[] yTrain, List<int[]> pub, int[] yPub,
            List<int[]> dev, int[] yDev, List<int[]> test, int[] yTest, int classes, int[] sizes) {
        StringBuilder cells = new StringBuilder();
        for (int n : IntStream.concat(IntStream.of(0), Arrays.stream(sizes)).toArray()) {
            int k = Math.min(n, pub.size());
            List<int[]> rows = new ArrayList<>(train);
            rows.addAll(pub.subList(0, k));
            Result r = primalProbe(rows, concat(yTrain, Arrays.copyOf(yPub, k)), dev, yDev, test, yTest, classes);
            cells.append(String.format(Locale.ROOT, " %.3f |", r.test()));
        }
        return cells.toString();
    }

    private static int[] sizes(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a comma-separated list of sentence counts");
        }
        try {
            int[] n = Arrays.stream(args[i].split(",")).mapToInt(t -> Integer.parseInt(t.trim())).toArray();
            for (int v : n) {
                if (v < 1) {
                    throw new NumberFormatException("below 1");
                }
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(args[i - 1] + " " + args[i] + ": not a list of positive counts", e);
        }
    }

    /** Up to {@code n} of {@link PublicRelevance#sentences} in a seeded random order. */
    static List<Record> publicSentences(Dataset victim, int n) {
        List<Record> all = new ArrayList<>(PublicRelevance.sentences(victim, Progress.NONE).sentences());
        Collections.shuffle(all, new Random(11));
        return all.subList(0, Math.min(n, all.size()));
    }

    /**
     * The ridge probe in its primal form, for training sets too large for {@link LinearProbe}'s dual
     * one: binary features of the {@value #PUBLIC_FEATURES} types sent most often in the training
     * rows plus an intercept, one-hot targets, (X^T X + lambda mean(diag) I) w = X^T Y accumulated
     * from the sparse bags; strength chosen on dev as in {@link #probe}.
     */
    static Result primalProbe(List<int[]> train, int[] yTrain, List<int[]> dev, int[] yDev, List<int[]> test,
            int[] yTest, int classes) {
        Map<Integer, Integer> count = new HashMap<>();
        for (int[] bag : train) {
            for (int u : bag) {
                count.merge(u, 1, Integer::sum);
            }
        }
        List<Integer> types = new ArrayList<>(count.keySet());
        types.sort((a, b) -> count.get(b).equals(count.get(a)) ? Integer.compare(a, b) : count.get(b) - count.get(a));
        Map<Integer, Integer> index = new HashMap<>();
        for (int i = 0; i < Math.min(PUBLIC_FEATURES, types.size()); i++) {
            index.put(types.get(i), i);
        }
        int f = index.size();
        double[][] xtx = new double[f + 1][f + 1];
        double[][] xty = new double[f + 1][classes];
        for (int r = 0; r < train.size(); r++) {
            int[] cols = columns(train.get(r), index, f);
            for (int a : cols) {
                xty[a][yTrain[r]] += 1;
                for (int b : cols) {
                    xtx[a][b] += 1;
                }
            }
        }
        double meanDiag = 0;
        for (int i = 0; i < f; i++) {
            meanDiag += xtx[i][i] / Math.max(1, f);
        }
        Result best = null;
        for (double lambda : LAMBDAS) {
            double[][] a = new double[f + 1][];
            for (int i = 0; i <= f; i++) {
                a[i] = xtx[i].clone();
                a[i][i] += i < f ? lambda * meanDiag : 1e-6 * Math.max(1, meanDiag);
            }
            RealMatrix w = new CholeskyDecomposition(
                    new Array2DRowRealMatrix(a, false), 1e-12, 1e-14).getSolver()
                    .solve(new Array2DRowRealMatrix(xty, false));
            double accDev = accuracy(dev, yDev, w, index, f, classes);
            if (best == null || accDev > best.dev()) {
                best = new Result(accDev, accuracy(test, yTest, w, index, f, classes), lambda);
            }
        }
        return best;
    }

    /** The feature columns of a bag (types outside the index dropped) and the intercept's. */
    private static int[] columns(int[] bag, Map<Integer, Integer> index, int f) {
        int[] c = new int[bag.length + 1];
        int n = 0;
        for (int u : bag) {
            Integer i = index.get(u);
            if (i != null) {
                c[n++] = i;
            }
        }
        c[n++] = f;
        return Arrays.copyOf(c, n);
    }

    private static double accuracy(List<int[]> rows, int[] y, RealMatrix w,
            Map<Integer, Integer> index, int f, int classes) {
        int ok = 0;
        for (int r = 0; r < rows.size(); r++) {
            double[] score = new double[classes];
            for (int a : columns(rows.get(r), index, f)) {
                for (int c = 0; c < classes; c++) {
                    score[c] += w.getEntry(a, c);
                }
            }
            int arg = 0;
            for (int c = 1; c < classes; c++) {
                arg = score[c] > score[arg] ? c : arg;
            }
            ok += arg == y[r] ? 1 : 0;
        }
        return ok / (double) rows.size();
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
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
