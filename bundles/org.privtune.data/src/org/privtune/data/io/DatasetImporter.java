package org.privtune.data.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;

/**
 * Reads a labelled-text file into a {@link org.privtune.data.Dataset}, all or nothing: the result
 * exists only when every record passed the checks; otherwise an {@link InvalidInputException}
 * names the file, line, field and what was expected, and nothing is kept. Importing writes no
 * files. Files ending in {@code .gz} are decompressed on the fly.
 */
public final class DatasetImporter {

    private DatasetImporter() {
    }

    public static ImportResult importFile(Path file) {
        return importFile(file, ImportOptions.DEFAULTS, Progress.NONE);
    }

    public static ImportResult importFile(Path file, ImportOptions options, Progress progress) {
        String sourceName = file.getFileName().toString();
        DataFormat format = options.format() != null ? options.format() : DataFormat.fromFileName(file);
        if (format == null) {
            throw new InvalidInputException(sourceName, 0, null, "unknown file type; expected a file ending in "
                    + ".csv, .tsv, .json, .jsonl, .txt (label<TAB>text) or .arff, or choose the format explicitly");
        }
        String name = options.name() != null ? options.name() : baseName(file);
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file.toString(), 0, null, "the file does not exist");
        } catch (IOException e) {
            throw new InvalidInputException(file.toString(), 0, null, "cannot be read: " + e.getMessage(), e);
        }
        progress.begin("Importing " + sourceName, (int) Math.min(Integer.MAX_VALUE, size / 1024 + 1));
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                StrictTextReader reader = new StrictTextReader(maybeGunzip(raw, sourceName), options.charset(),
                        sourceName)) {
            return switch (format) {
                case CSV, TSV -> new DelimitedFileReader(format, options, sourceName, reader, progress).read(file, name);
                case JSON -> new JsonFileReader(options, sourceName, reader, progress).read(file, name);
                case LABEL_TAB_TEXT -> new LabelTabTextReader(options, sourceName, reader, progress).read(file, name);
                case ARFF -> new ArffFileReader(options, sourceName, reader, progress).read(file, name);
            };
        } catch (IOException e) {
            throw new InvalidInputException(sourceName, 0, null, "cannot be read: " + e.getMessage(), e);
        } finally {
            progress.done();
        }
    }

    private static InputStream maybeGunzip(InputStream in, String sourceName) throws IOException {
        if (!sourceName.toLowerCase(Locale.ROOT).endsWith(".gz")) {
            return in;
        }
        try {
            return new GZIPInputStream(in, 1 << 16);
        } catch (java.util.zip.ZipException e) {
            throw new InvalidInputException(sourceName, 0, null, "not a gzip file (" + e.getMessage()
                    + "); expected gzip-compressed text because the name ends in .gz");
        }
    }

    /** File name without directory and without its (possibly double, e.g. .csv.gz) extension. */
    public static String baseName(Path file) {
        String n = file.getFileName().toString();
        if (n.toLowerCase(Locale.ROOT).endsWith(".gz")) {
            n = n.substring(0, n.length() - 3);
        }
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
