package org.privtune.data.describe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Counts of values in equal-width bins, with "nice" widths (1, 2 or 5 times a power of ten) that
 * cover up to the 99th percentile; a last open-ended bin takes the long tail, so one huge text
 * does not squash the chart. Also carries the summary statistics of the values.
 */
public record Histogram(List<Bin> bins, int min, double mean, int median, int p95, int max) {

    /** Values v with {@code from <= v < to}; {@code to == Integer.MAX_VALUE} for the open last bin. */
    public record Bin(int from, int to, int count) {
        public boolean openEnded() {
            return to == Integer.MAX_VALUE;
        }

        public String label() {
            return openEnded() ? ">= " + from : to - from == 1 ? Integer.toString(from) : from + "-" + (to - 1);
        }
    }

    public Histogram {
        bins = List.copyOf(bins);
    }

    /** Builds the histogram of {@code values} (sorted in place) with about {@code targetBins} bins. */
    public static Histogram of(int[] values, int targetBins) {
        if (values.length == 0) {
            return new Histogram(List.of(), 0, 0, 0, 0, 0);
        }
        Arrays.sort(values);
        int n = values.length;
        long sum = 0;
        for (int v : values) {
            sum += v;
        }
        int p99 = values[Math.min(n - 1, (int) Math.ceil(0.99 * n) - 1)];
        int width = niceWidth(Math.max(1, p99 + 1) / (double) targetBins);
        int lastFrom = (p99 / width + 1) * width;
        List<Bin> bins = new ArrayList<>();
        int i = 0;
        for (int from = 0; from < lastFrom; from += width) {
            int to = from + width;
            int c = 0;
            while (i < n && values[i] < to) {
                c++;
                i++;
            }
            bins.add(new Bin(from, to, c));
        }
        if (i < n) {
            bins.add(new Bin(lastFrom, Integer.MAX_VALUE, n - i));
        }
        return new Histogram(bins, values[0], sum / (double) n, values[(n - 1) / 2],
                values[Math.min(n - 1, (int) Math.ceil(0.95 * n) - 1)], values[n - 1]);
    }

    static int niceWidth(double raw) {
        if (raw <= 1) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (int m : new int[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return (int) Math.round(m * p);
            }
        }
        return (int) Math.round(10 * p);
    }

    public int total() {
        return bins.stream().mapToInt(Bin::count).sum();
    }
}
