package org.privtune.cli;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.privtune.core.ConsoleProgress;
import org.privtune.data.commands.DataCommands;
import org.privtune.data.describe.DescribeOptions;
import org.privtune.data.io.ColumnMapping;
import org.privtune.data.io.DataFormat;
import org.privtune.data.io.ImportOptions;
import org.privtune.data.io.ImportResult;
import org.privtune.model.MiniLmFiles;

/**
 * {@code ./privtune data list | describe | import}: the data layer of bundle org.privtune.data,
 * with token statistics from the studio's encoder tokenizer (MiniLM WordPiece).
 */
final class DataCommand implements CliCommand {

    private static final Map<String, String> COUNTING = Map.of("truncation", "false", "padding", "false",
            "addSpecialTokens", "false");

    @Override
    public String name() {
        return "data";
    }

    @Override
    public String summary() {
        return "list, describe or import data sets (built-in: sentiment, imdb, spam, reuters)";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "./privtune data list",
                "./privtune data describe --data <name or file> [--max-tokens 128] [--top 10]",
                "./privtune data import <file> [--name N] [--format csv|tsv|json|label_tab_text|arff]",
                "                         [--text COL] [--label COL] [--source COL] [--header yes|no] [--drop-duplicates]",
                "  COL is a column name or a 0-based column number; defaults are detected from the header.");
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty()) {
            throw new UsageException("data needs a sub-command: list, describe or import");
        }
        DataCommands data = DataCommands.defaults();
        List<String> rest = args.subList(1, args.size());
        switch (args.get(0)) {
            case "list" -> {
                Options.parse(rest, Set.of(), Set.of());
                out.print(data.list());
                return 0;
            }
            case "describe" -> {
                Options o = Options.parse(rest, Set.of("data", "max-tokens", "top", "threads"), Set.of());
                String name = o.get("data", "sentiment");
                DescribeOptions opts = DescribeOptions.DEFAULTS.withMaxTokens(o.getInt("max-tokens", 128));
                opts = new DescribeOptions(opts.maxTokens(), o.getInt("top", opts.topTokens()), opts.unknownToken(),
                        o.getInt("threads", opts.threads()));
                ConsoleProgress progress = ConsoleProgress.onStderr();
                long t0 = System.nanoTime();
                try (AutoCloseable ctrlC = progress.cancelOnInterrupt();
                        InputStream json = MiniLmFiles.openTokenizer();
                        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(json, COUNTING)) {
                    // Whole texts, no special tokens: the counts say how much a max length cuts off.
                    Function<String, List<String>> pieces = text -> Arrays.asList(tokenizer.encode(text, false, false).getTokens());
                    String table = data.describe(name, pieces, opts, progress);
                    progress.done();
                    out.print(table);
                }
                out.printf(Locale.ROOT, "(described in %.1f s)%n", (System.nanoTime() - t0) / 1e9);
                return 0;
            }
            case "import" -> {
                Options o = Options.parse(rest, Set.of("name", "format", "text", "label", "source", "header"),
                        Set.of("drop-duplicates"));
                if (o.positional().size() != 1) {
                    throw new UsageException("data import needs exactly one file");
                }
                ImportOptions opts = importOptions(o);
                ConsoleProgress progress = ConsoleProgress.onStderr();
                try (AutoCloseable ctrlC = progress.cancelOnInterrupt()) {
                    ImportResult result = data.importFile(Path.of(o.positional().get(0)), opts, progress);
                    out.println(result.report().summary());
                }
                return 0;
            }
            default -> throw new UsageException("unknown data sub-command '" + args.get(0) + "'");
        }
    }

    private static ImportOptions importOptions(Options o) {
        ImportOptions opts = ImportOptions.DEFAULTS;
        if (o.has("name")) {
            opts = opts.withName(o.get("name", null));
        }
        if (o.has("format")) {
            String f = o.get("format", "").toUpperCase(Locale.ROOT);
            try {
                opts = opts.withFormat(DataFormat.valueOf(f));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--format must be one of " + Arrays.toString(DataFormat.values()).toLowerCase(Locale.ROOT));
            }
        }
        if (o.has("header")) {
            String h = o.get("header", "");
            if (!List.of("yes", "no").contains(h)) {
                throw new UsageException("--header takes yes or no");
            }
            opts = opts.withHeader(h.equals("yes"));
        }
        opts = opts.withDropDuplicates(o.has("drop-duplicates"));
        ColumnMapping m = opts.mapping();
        List<String> set = new ArrayList<>();
        if (o.has("text")) {
            m = m.withText(column(o.get("text", null)));
            set.add("text");
        }
        if (o.has("label")) {
            m = m.withLabel(column(o.get("label", null)));
            set.add("label");
        }
        if (o.has("source")) {
            m = m.withSource(column(o.get("source", null)));
            set.add("source");
        }
        return set.isEmpty() ? opts : opts.withMapping(m);
    }

    private static ColumnMapping.Column column(String spec) {
        if (spec.chars().allMatch(Character::isDigit)) {
            return ColumnMapping.Column.at(Integer.parseInt(spec));
        }
        return ColumnMapping.Column.named(spec);
    }
}
