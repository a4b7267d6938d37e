package org.privtune.data.io;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * How to read a file. Every field has a default that suits the common case: format from the
 * file extension, columns detected from the header, UTF-8, quoting on, duplicates kept (and
 * reported).
 *
 * @param format         null: from the file name
 * @param mapping        which columns hold what
 * @param header         CSV/TSV only: TRUE the first row names the columns, FALSE it is data, null
 *                       decide from whether it contains recognised column names
 * @param charset        encoding; undecodable bytes are an error, never replaced
 * @param quoting        CSV/TSV: honour double quotes around fields
 * @param dropDuplicates drop records whose text and label repeat an earlier record (the warning
 *                       is given either way)
 * @param name           name of the data set; null: the file name without extension
 */
public record ImportOptions(DataFormat format, ColumnMapping mapping, Boolean header, Charset charset,
        boolean quoting, boolean dropDuplicates, String name) {

    public static final ImportOptions DEFAULTS = new ImportOptions(null, ColumnMapping.AUTO, null,
            StandardCharsets.UTF_8, true, false, null);

    public ImportOptions {
        mapping = mapping == null ? ColumnMapping.AUTO : mapping;
        charset = charset == null ? StandardCharsets.UTF_8 : charset;
    }

    public ImportOptions withFormat(DataFormat f) {
        return new ImportOptions(f, mapping, header, charset, quoting, dropDuplicates, name);
    }

    public ImportOptions withMapping(ColumnMapping m) {
        return new ImportOptions(format, m, header, charset, quoting, dropDuplicates, name);
    }

    public ImportOptions withHeader(Boolean h) {
        return new ImportOptions(format, mapping, h, charset, quoting, dropDuplicates, name);
    }

    public ImportOptions withCharset(Charset c) {
        return new ImportOptions(format, mapping, header, c, quoting, dropDuplicates, name);
    }

    public ImportOptions withQuoting(boolean q) {
        return new ImportOptions(format, mapping, header, charset, q, dropDuplicates, name);
    }

    public ImportOptions withDropDuplicates(boolean d) {
        return new ImportOptions(format, mapping, header, charset, quoting, d, name);
    }

    public ImportOptions withName(String n) {
        return new ImportOptions(format, mapping, header, charset, quoting, dropDuplicates, n);
    }
}
