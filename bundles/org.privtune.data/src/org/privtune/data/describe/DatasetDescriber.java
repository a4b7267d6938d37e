package org.privtune.data.describe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.privtune.core.CancelledException;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.DatasetSplit;
import org.privtune.data.Record;

/**
 * Computes a {@link DatasetDescription}. The tokenizer is a plain function so that this bundle does
 * not depend on the model bundle: pass the model tokenizer's {@code text -> tokens}. Texts are
 * tokenized in chunks on a few threads; the caller's thread reports progress and polls for cancel.
 */
public final class DatasetDescriber {

    private static final int CHUNK = 1000;
    private static final int DISTINCTIVE_MIN_COUNT = 5;

    private DatasetDescriber() {
    }

    /** What one chunk of records contributes: per token, its count in each label (one lookup per token). */
    private record ChunkStats(long tokens, long unknown, Map<String, long[]> counts) {
    }

    public static DatasetDescription describe(Dataset d, DatasetSplit split, Function<String, List<String>> tokenizer,
            DescribeOptions options, Progress progress) {
        List<Record> records = d.records();
        int n = records.size();
        int[] chars = new int[n];
        int[] tokenCounts = new int[n];
        int labels = d.labels().size();
        int chunks = (n + CHUNK - 1) / CHUNK;
        progress.begin("Describing " + d.name(), chunks);
        AtomicBoolean stop = new AtomicBoolean();
        List<ChunkStats> stats = new ArrayList<>();
        int threads = Math.max(1, options.threads());
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "privtune-describe");
            t.setDaemon(true);
            return t;
        }) : null;
        try {
            List<Future<ChunkStats>> futures = new ArrayList<>();
            for (int c = 0; c < chunks; c++) {
                int from = c * CHUNK;
                int to = Math.min(n, from + CHUNK);
                if (pool != null) {
                    futures.add(pool.submit(() -> chunk(d, from, to, tokenizer, options, chars, tokenCounts, labels, stop)));
                } else {
                    progress.checkCancelled();
                    stats.add(chunk(d, from, to, tokenizer, options, chars, tokenCounts, labels, stop));
                    progress.worked(1);
                }
            }
            for (Future<ChunkStats> f : futures) {
                stats.add(await(f, progress, stop));
                progress.worked(1);
            }
        } finally {
            stop.set(true);
            if (pool != null) {
                pool.shutdownNow();
            }
            progress.done();
        }

        long tokens = 0;
        long unknown = 0;
        Map<String, long[]> counts = new HashMap<>();
        for (ChunkStats s : stats) {
            tokens += s.tokens;
            unknown += s.unknown;
            s.counts.forEach((tok, c) -> {
                long[] into = counts.get(tok);
                if (into == null) {
                    counts.put(tok, c);
                } else {
                    for (int l = 0; l < labels; l++) {
                        into[l] += c[l];
                    }
                }
            });
        }
        int truncated = 0;
        for (int t : tokenCounts) {
            if (t > options.maxTokens()) {
                truncated++;
            }
        }
        Map<DatasetSplit.Part, Map<String, Integer>> perSplit = new EnumMap<>(DatasetSplit.Part.class);
        if (split != null) {
            for (DatasetSplit.Part p : DatasetSplit.Part.values()) {
                perSplit.put(p, split.countsPerLabel(p));
            }
        }
        Map<String, List<DatasetDescription.TokenCount>> top = new LinkedHashMap<>();
        Map<String, List<DatasetDescription.TokenCount>> distinctive = new LinkedHashMap<>();
        for (int l = 0; l < labels; l++) {
            top.put(d.labels().get(l), topTokens(counts, l, options));
            distinctive.put(d.labels().get(l), distinctiveTokens(counts, l, labels, options));
        }
        return new DatasetDescription(d.name(), n, d.labels(), d.countsPerLabel(), perSplit, Histogram.of(chars, 20),
                Histogram.of(tokenCounts, 20), options.maxTokens(), n == 0 ? 0 : truncated / (double) n, tokens, unknown,
                options.unknownToken(), top, distinctive, attributeCounts(d));
    }

    private static ChunkStats await(Future<ChunkStats> f, Progress progress, AtomicBoolean stop) {
        while (true) {
            if (progress.isCancelled()) {
                stop.set(true);
                throw new CancelledException();
            }
            try {
                return f.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // poll cancel again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop.set(true);
                throw new CancelledException();
            } catch (ExecutionException e) {
                stop.set(true);
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    private static ChunkStats chunk(Dataset d, int from, int to, Function<String, List<String>> tokenizer,
            DescribeOptions options, int[] chars, int[] tokenCounts, int labels, AtomicBoolean stop) {
        Map<String, long[]> counts = new HashMap<>(1 << 14);
        long tokens = 0;
        long unknown = 0;
        String unk = options.unknownToken();
        for (int i = from; i < to && !stop.get(); i++) {
            Record r = d.records().get(i);
            chars[i] = r.text().length();
            List<String> toks = tokenizer.apply(r.text());
            tokenCounts[i] = toks.size();
            tokens += toks.size();
            int label = d.labelIndex(r);
            for (String t : toks) {
                if (t.equals(unk)) {
                    unknown++;
                }
                long[] c = counts.get(t);
                if (c == null) {
                    c = new long[labels];
                    counts.put(t, c);
                }
                c[label]++;
            }
        }
        return new ChunkStats(tokens, unknown, counts);
    }

    /** Special tokens like [CLS] and tokens without a letter or digit say nothing about a label. */
    static boolean informative(String token, String unknownToken) {
        if (token.equals(unknownToken) || (token.startsWith("[") && token.endsWith("]")) || (token.startsWith("<")
                && token.endsWith(">"))) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            if (Character.isLetterOrDigit(token.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static final Comparator<DatasetDescription.TokenCount> BY_COUNT = Comparator
            .comparingLong(DatasetDescription.TokenCount::count).reversed()
            .thenComparing(DatasetDescription.TokenCount::token);

    private static List<DatasetDescription.TokenCount> topTokens(Map<String, long[]> counts, int label, DescribeOptions o) {
        return counts.entrySet().stream().filter(e -> e.getValue()[label] > 0 && informative(e.getKey(), o.unknownToken()))
                .map(e -> new DatasetDescription.TokenCount(e.getKey(), e.getValue()[label])).sorted(BY_COUNT)
                .limit(o.topTokens()).toList();
    }

    private static List<DatasetDescription.TokenCount> distinctiveTokens(Map<String, long[]> counts, int label,
            int labels, DescribeOptions o) {
        long totalMine = 0;
        long totalOthers = 0;
        for (long[] c : counts.values()) {
            for (int l = 0; l < labels; l++) {
                if (l == label) {
                    totalMine += c[l];
                } else {
                    totalOthers += c[l];
                }
            }
        }
        double v = counts.size();
        double lm = Math.log(totalMine + v);
        double lo = Math.log(totalOthers + v);
        record Scored(String token, long count, double score) {
        }
        List<Scored> scored = new ArrayList<>();
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            long c = e.getValue()[label];
            long co = 0;
            for (int l = 0; l < labels; l++) {
                co += l == label ? 0 : e.getValue()[l];
            }
            if (c == 0 || c + co < DISTINCTIVE_MIN_COUNT || !informative(e.getKey(), o.unknownToken())) {
                continue;
            }
            double score = (Math.log(c + 1) - lm) - (Math.log(co + 1) - lo);
            if (score > 0) {
                scored.add(new Scored(e.getKey(), c, score));
            }
        }
        scored.sort(Comparator.comparingDouble(Scored::score).reversed().thenComparing(Scored::token));
        return scored.stream().limit(o.topTokens()).map(s -> new DatasetDescription.TokenCount(s.token, s.count)).toList();
    }

    private static Map<String, Map<String, Integer>> attributeCounts(Dataset d) {
        Map<String, Map<String, Integer>> out = new TreeMap<>();
        for (Record r : d.records()) {
            for (Map.Entry<String, String> a : r.attributes().entrySet()) {
                out.computeIfAbsent(a.getKey(), k -> new TreeMap<>()).merge(a.getValue(), 1, Integer::sum);
            }
        }
        return out;
    }
}
