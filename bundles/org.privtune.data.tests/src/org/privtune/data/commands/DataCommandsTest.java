package org.privtune.data.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.data.Dataset;
import org.privtune.data.builtin.NpmPackageFetcher;
import org.privtune.data.describe.DescribeOptions;
import org.privtune.data.describe.SimpleTokenizers;
import org.privtune.data.io.ColumnMapping;
import org.privtune.data.io.ImportOptions;
import org.privtune.data.io.RecentImports;

class DataCommandsTest {

    @TempDir
    Path dir;

    private DataCommands commands() {
        return new DataCommands(new RecentImports(dir.resolve("data").resolve(RecentImports.FILE_NAME)),
                new NpmPackageFetcher(dir.resolve("data").resolve("npm"), "/nonexistent/npm"));
    }

    @Test
    void importedFilesAreRememberedAndLoadedByNameWithTheirMapping() throws IOException {
        Path f = Files.writeString(dir.resolve("mine.tsv"), "x1\tgreat stuff\tpos\nx2\tawful stuff\tneg\nx3\tok\tpos\n");
        DataCommands c = commands();
        ImportOptions opts = ImportOptions.DEFAULTS.withHeader(false)
                .withMapping(ColumnMapping.byIndex(1, 2).withId(ColumnMapping.Column.at(0)));
        Dataset first = c.importFile(f, opts, Progress.NONE).dataset();
        assertEquals("x2", first.records().get(1).id());

        String list = c.list();
        assertTrue(list.contains("sentiment (default)"), list);
        assertTrue(list.matches("(?s).*\\n  mine\\s+3\\s+neg/pos\\s+.*mine\\.tsv\\n.*"), list);

        // a fresh instance reads the list back from disk and re-imports with the same columns
        Dataset again = commands().load("mine", Progress.NONE);
        assertEquals(first.records(), again.records());
        try (Stream<Path> s = Files.list(dir.resolve("data"))) {
            assertEquals(List.of(RecentImports.FILE_NAME), s.map(p -> p.getFileName().toString()).toList(),
                    "only the list itself, no temporary files");
        }
    }

    @Test
    void describeByFilePathPrintsTheTable() throws IOException {
        Path f = Files.writeString(dir.resolve("d.csv"), "text,label\nnice one,a\nbad one,b\nnice two,a\nbad two,b\n");
        String out = commands().describe(f.toString(), SimpleTokenizers.basic(), DescribeOptions.DEFAULTS, Progress.NONE);
        assertTrue(out.startsWith("Data set: d (4 records, 2 labels)"), out);
        assertTrue(out.contains("nice (2)"), out);
    }

    @Test
    void failedImportIsNotRemembered() throws IOException {
        Path f = Files.writeString(dir.resolve("bad.csv"), "text,label\na,x\nb,x\n");
        DataCommands c = commands();
        assertThrows(InvalidInputException.class, () -> c.importFile(f, ImportOptions.DEFAULTS, Progress.NONE));
        assertTrue(c.list().contains("Recent imports: none"));
        assertTrue(!Files.exists(dir.resolve("data")) || Files.list(dir.resolve("data")).findAny().isEmpty());
    }

    @Test
    void unknownDataNamesWhatIsExpected() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> commands().load("nope", Progress.NONE));
        assertTrue(e.getMessage().contains("[sentiment, imdb, spam, reuters]"), e.getMessage());
    }

    @Test
    void damagedListIsReportedWithItsPath() throws IOException {
        Path list = Files.createDirectories(dir.resolve("data")).resolve(RecentImports.FILE_NAME);
        Files.writeString(list, "{\"imports\": [ {\"name\": ");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> commands().list());
        assertEquals(list.toString(), e.source());
        assertTrue(e.getMessage().contains("Delete the file"), e.getMessage());
    }

    @Test
    void builtinWithoutNpmAndWithoutCacheSaysWhatToDo() {
        var e = assertThrows(org.privtune.data.DatasetUnavailableException.class,
                () -> commands().load("sentiment", Progress.NONE));
        assertTrue(e.getMessage().contains("npm was not found"), e.getMessage());
    }
}
