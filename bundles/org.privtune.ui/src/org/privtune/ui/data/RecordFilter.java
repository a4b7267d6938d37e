package org.privtune.ui.data;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.privtune.core.Progress;
import org.privtune.data.Record;

/**
 * Which records the inspector's table shows: a label (null = all), a source (null = all) and a
 * case-insensitive search string (empty = all). Runs off the UI thread on 50k records.
 */
public record RecordFilter(String label, String source, String search) {

    public static final RecordFilter ALL = new RecordFilter(null, null, "");

    public RecordFilter {
        search = search == null ? "" : search.trim();
    }

    public boolean isAll() {
        return label == null && source == null && search.isEmpty();
    }

    public boolean accepts(Record r) {
        if (label != null && !label.equals(r.label())) {
            return false;
        }
        if (source != null && !Objects.equals(source, r.source())) {
            return false;
        }
        return search.isEmpty() || r.text().toLowerCase(Locale.ROOT).contains(search.toLowerCase(Locale.ROOT));
    }

    /** Indices of the accepted records, in data set order. */
    public int[] apply(List<Record> records, Progress progress) {
        int[] out = new int[records.size()];
        int n = 0;
        for (int i = 0; i < records.size(); i++) {
            if ((i & 4095) == 0) {
                progress.checkCancelled();
            }
            if (accepts(records.get(i))) {
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }
}
