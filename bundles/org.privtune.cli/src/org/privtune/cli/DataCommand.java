package org.privtune.cli;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.privtune.core.ConsoleProgress;
import org.privtune.data.commands.DataCommands;
import org.privtune.data.describe.DescribeOptions;
import org.privtune.data.io.ColumnMapping;
import org.privtune.data.io.DataFormat;
import org.privtune.data.io.ImportOptions;
import org.privtune.data.io.ImportResult;
import org.privtune.model.ModelRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code ./privtune data list | describe | import}: the data layer of bundle org.privtune.data,
 * with token statistics from the studio's encoder tokenizer (MiniLM WordPiece).
 */
@Command(name = "data", description = { "List, describe or import data sets.", "Built in: sentiment, imdb, spam, reuters." },
        subcommands = { DataCommand.ListSets.class, DataCommand.Describe.class, DataCommand.Import.class })
final class DataCommand {

    @Option(names = { "-h", "--help" }, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private static final Map<String, String> COUNTING = Map.of("truncation", "false", "padding", "false",
            "addSpecialTokens", "false");

    /** {@code data list}: built-in sets and recent imports. */
    @Command(name = "list", description = "List the built-in data sets and recent imports.")
    static final class ListSets extends CliCommand {
        @Override
        public Integer call() throws Exception {
            out.print(DataCommands.defaults().list());
            return 0;
        }
    }

    /** {@code data describe}: counts, lengths, [UNK] share and top tokens of a data set. */
    @Command(name = "describe", description = "Counts, lengths, [UNK] share and top tokens of a data set.")
    static final class Describe extends CliCommand {
        @Option(names = "--data", paramLabel = "<name or file>", description = "A built-in name, a recent import or a file.")
        String data = "sentiment";

        @Option(names = "--max-tokens", paramLabel = "<n>", converter = OptionTypes.Positive.class,
                description = "The max length whose cut-off share is reported.")
        int maxTokens = DescribeOptions.DEFAULTS.maxTokens();

        @Option(names = "--top", paramLabel = "<n>", converter = OptionTypes.Positive.class,
                description = "How many of the most frequent tokens to list.")
        int top = DescribeOptions.DEFAULTS.topTokens();

        @Option(names = "--threads", paramLabel = "<n>", converter = OptionTypes.Positive.class,
                description = "Tokenizer threads.")
        int threads = DescribeOptions.DEFAULTS.threads();

        @Override
        public Integer call() throws Exception {
            DescribeOptions opts = new DescribeOptions(maxTokens, top, DescribeOptions.DEFAULTS.unknownToken(), threads);
            ConsoleProgress progress = ConsoleProgress.onStderr();
            long t0 = System.nanoTime();
            try (AutoCloseable ctrlC = progress.cancelOnInterrupt();
                    InputStream json = ModelRegistry.DEFAULT.openTokenizer();
                    HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(json, COUNTING)) {
                // Whole texts, no special tokens: the counts say how much a max length cuts off.
                Function<String, List<String>> pieces = text -> Arrays.asList(tokenizer.encode(text, false, false).getTokens());
                String table = DataCommands.defaults().describe(data, pieces, opts, progress);
                progress.done();
                out.print(table);
            }
            out.printf(Locale.ROOT, "(described in %.1f s)%n", (System.nanoTime() - t0) / 1e9);
            return 0;
        }
    }

    /** Yes or no, as {@code --header} takes it. */
    enum YesNo {
        yes, no
    }

    /** A character encoding Java knows, such as UTF-8, ISO-8859-1 or windows-1252. */
    static final class Encoding implements ITypeConverter<Charset> {
        @Override
        public Charset convert(String value) {
            try {
                return Charset.forName(value.trim());
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                throw new TypeConversionException("'" + value + "' is not an encoding this Java knows (e.g. UTF-8,"
                        + " ISO-8859-1, windows-1252, UTF-16)");
            }
        }
    }

    /** A column: a header name or a number counted from 1. */
    static final class ColumnChoice implements ITypeConverter<ColumnMapping.Column> {
        @Override
        public ColumnMapping.Column convert(String value) {
            try {
                return ColumnMapping.Column.parse(value, "column");
            } catch (org.privtune.core.InvalidInputException e) {
                throw new TypeConversionException(e.problem());
            }
        }
    }

    /** {@code data import}: a labelled file into the studio's data sets. */
    @Command(name = "import", description = { "Import a labelled file (CSV, TSV, JSON, JSON Lines, ARFF, label<TAB>text).",
            "Without options the format, header and columns are detected from the file." })
    static final class Import extends CliCommand {
        @Parameters(index = "0", paramLabel = "<file>", description = "The file to import.")
        Path file;

        @Option(names = "--name", paramLabel = "<name>", description = "The data set's name (default: from the file name).")
        String name;

        @Option(names = "--format", paramLabel = "<format>", description = "One of ${COMPLETION-CANDIDATES} (any case).")
        DataFormat format;

        @Option(names = "--text", paramLabel = "<column>", converter = ColumnChoice.class,
                description = "The text column: a name or a number counted from 1.")
        ColumnMapping.Column text;

        @Option(names = "--label", paramLabel = "<column>", converter = ColumnChoice.class,
                description = "The label column: a name or a number counted from 1.")
        ColumnMapping.Column label;

        @Option(names = "--source", paramLabel = "<column>", converter = ColumnChoice.class,
                description = "The column naming each record's source (author, sender): a name or a number counted from 1.")
        ColumnMapping.Column source;

        @Option(names = "--encoding", paramLabel = "<charset>", converter = Encoding.class, defaultValue = "UTF-8",
                description = "The file's character encoding (e.g. ISO-8859-1, windows-1252); bytes not valid in it are"
                        + " an error naming the line.")
        Charset encoding;

        @Option(names = "--header", paramLabel = "yes|no", description = "Whether the first row holds column names.")
        YesNo header;

        @Option(names = "--drop-duplicates", description = "Keep only the first of records with the same text.")
        boolean dropDuplicates;

        @Override
        public Integer call() throws Exception {
            ConsoleProgress progress = ConsoleProgress.onStderr();
            try (AutoCloseable ctrlC = progress.cancelOnInterrupt()) {
                ImportResult result = DataCommands.defaults().importFile(file, importOptions(), progress);
                out.println(result.report().summary());
            }
            return 0;
        }

        private ImportOptions importOptions() {
            ImportOptions opts = ImportOptions.DEFAULTS;
            if (name != null) {
                opts = opts.withName(name);
            }
            if (format != null) {
                opts = opts.withFormat(format);
            }
            if (header != null) {
                opts = opts.withHeader(header == YesNo.yes);
            }
            opts = opts.withDropDuplicates(dropDuplicates).withCharset(encoding);
            if (text == null && label == null && source == null) {
                return opts;
            }
            ColumnMapping m = opts.mapping();
            if (text != null) {
                m = m.withText(text);
            }
            if (label != null) {
                m = m.withLabel(label);
            }
            if (source != null) {
                m = m.withSource(source);
            }
            return opts.withMapping(m);
        }
    }
}
