package org.privtune.data.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;

/** Plain "label&lt;TAB&gt;text" lines; the text is everything after the first tab. */
final class LabelTabTextReader {

    private final ImportOptions options;
    private final String sourceName;
    private final StrictTextReader reader;
    private final Progress progress;

    LabelTabTextReader(ImportOptions options, String sourceName, StrictTextReader reader, Progress progress) {
        this.options = options;
        this.sourceName = sourceName;
        this.reader = reader;
        this.progress = progress;
    }

    ImportResult read(Path file, String name) throws IOException {
        ColumnMapping.Resolved cols = ColumnMapping.of("text", "label").withOtherColumnsAsAttributes(false)
                .resolve(List.of("label", "text"), sourceName);
        RecordCollector collector = new RecordCollector(sourceName, cols, options.dropDuplicates(), progress,
                reader::bytesConsumed);
        BufferedReader lines = new BufferedReader(reader, 1 << 16);
        long lineNo = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            lineNo++;
            if (line.isBlank()) {
                collector.blankLine();
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw new InvalidInputException(sourceName, lineNo, "label",
                        "no tab found; expected 'label<TAB>text' on every line");
            }
            collector.add(lineNo, Map.of("label", line.substring(0, tab), "text", line.substring(tab + 1)));
        }
        return collector.finish(file, DataFormat.LABEL_TAB_TEXT, name, options, null);
    }
}
