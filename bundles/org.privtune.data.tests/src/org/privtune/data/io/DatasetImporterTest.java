package org.privtune.data.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.core.InvalidInputException;
import org.privtune.data.Dataset;
import org.privtune.data.Record;

class DatasetImporterTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private Path writeBytes(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void csvWithHeaderQuotingAndDetectedColumns() throws IOException {
        Path f = write("reviews.csv", "id,review,sentiment,site\n"
                + "a1,\"Good, really good\",pos,yelp\n"
                + "a2,\"Line one\nline two \"\"quoted\"\"\",neg,imdb\n"
                + "a3,Fine,pos,\n");
        ImportResult r = DatasetImporter.importFile(f);
        Dataset d = r.dataset();
        assertEquals("reviews", d.name());
        assertEquals(3, d.size());
        assertEquals(List.of("neg", "pos"), d.labels());
        Record second = d.records().get(1);
        assertEquals("a2", second.id());
        assertEquals("Line one\nline two \"quoted\"", second.text());
        assertEquals("neg", second.label());
        assertEquals("Good, really good", d.records().get(0).text());
        // "site" is a recognised source name; nothing is left for attributes
        assertEquals("yelp", d.records().get(0).source());
        assertNull(d.records().get(2).source());
        assertTrue(r.report().warnings().isEmpty(), r.report().warnings().toString());
    }

    @Test
    void otherColumnsBecomeAttributes() throws IOException {
        Path f = write("a.csv", "text,label,age,city\nhello there,x,30,Oslo\nbye now,y,41,\n");
        Dataset d = DatasetImporter.importFile(f).dataset();
        assertEquals(Map.of("age", "30", "city", "Oslo"), d.records().get(0).attributes());
        assertEquals(Map.of("age", "41"), d.records().get(1).attributes());
        assertEquals(java.util.Set.of("age", "city"), d.attributeNames());
    }

    @Test
    void csvUtf8WithByteOrderMark() throws IOException {
        byte[] body = "text,label\nCafé crème,a\nnaïve,b\n".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        Dataset d = DatasetImporter.importFile(writeBytes("bom.csv", withBom)).dataset();
        assertEquals("Café crème", d.records().get(0).text());
        assertEquals(List.of("a", "b"), d.labels());
    }

    @Test
    void tsvWithoutHeaderGuessesColumnsAndHonoursIndices() throws IOException {
        Path f = write("plain.tsv", "1\tthis film was a delight\n0\tboring and long\n1\tloved it\n");
        Dataset guessed = DatasetImporter.importFile(f).dataset();
        assertEquals(List.of("0", "1"), guessed.labels());
        assertEquals("this film was a delight", guessed.records().get(0).text());

        Path g = write("swapped.tsv", "a b c d\tx\ne f g h\ty\n");
        ImportOptions byIndex = ImportOptions.DEFAULTS.withMapping(ColumnMapping.byIndex(1, 0)).withHeader(false);
        Dataset d = DatasetImporter.importFile(g, byIndex, org.privtune.core.Progress.NONE).dataset();
        assertEquals("x", d.records().get(0).text());
        assertEquals(List.of("a b c d", "e f g h"), d.labels());
    }

    @Test
    void numericLabelsAreOrderedNumerically() throws IOException {
        Path f = write("n.csv", "text,label\na,10\nb,2\nc,1\n");
        assertEquals(List.of("1", "2", "10"), DatasetImporter.importFile(f).dataset().labels());
    }

    @Test
    void jsonArrayAndJsonLines() throws IOException {
        Path arr = write("a.json", "[{\"text\":\"good\",\"class\":1,\"meta\":{\"x\":1}},\n {\"text\":\"bad\",\"class\":0}]");
        Dataset a = DatasetImporter.importFile(arr).dataset();
        assertEquals(List.of("0", "1"), a.labels());
        assertEquals("good", a.records().get(0).text());

        Path lines = write("b.jsonl", "{\"t\":\"fine\",\"s\":\"pos\",\"src\":\"web\"}\n{\"t\":\"awful\",\"s\":\"neg\"}\n");
        Dataset b = DatasetImporter.importFile(lines).dataset();
        assertEquals(2, b.size());
        assertEquals("awful", b.records().get(1).text());
        assertEquals(Map.of("src", "web"), b.records().get(0).attributes());
    }

    @Test
    void labelTabText() throws IOException {
        Path f = write("train.txt", "pos\tgreat\tfun\n\nneg\tdull\n");
        ImportResult r = DatasetImporter.importFile(f);
        assertEquals("great\tfun", r.dataset().records().get(0).text());
        assertEquals(1, r.report().blankLinesSkipped());
    }

    @Test
    void arffWithStringAndNominalAttributes() throws IOException {
        Path f = write("w.arff", """
                % a comment
                @relation reviews
                @attribute 'doc text' string
                @attribute length numeric
                @attribute polarity {neg,pos}
                @data
                'it\\'s great, truly',12,pos
                "meh",3,neg
                'quite bad',?,neg
                """);
        Dataset d = DatasetImporter.importFile(f).dataset();
        assertEquals(3, d.size());
        assertEquals("it's great, truly", d.records().get(0).text());
        assertEquals(List.of("neg", "pos"), d.labels());
        assertEquals("12", d.records().get(0).attribute("length"));
        assertNull(d.records().get(2).attribute("length"));
    }

    @Test
    void arffLabelOutsideDeclaredValuesIsRefused() throws IOException {
        Path f = write("w.arff", "@relation r\n@attribute text string\n@attribute class {a,b}\n@data\n'x',a\n'y',c\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DatasetImporter.importFile(f));
        assertEquals(6, e.line());
        assertEquals("class", e.field());
        assertTrue(e.getMessage().contains("expected one of [a, b]"), e.getMessage());
    }

    // ---- bad input: each names file, line and field, and nothing is left behind ----

    private InvalidInputException refused(Path f) throws IOException {
        List<Path> before = listing();
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DatasetImporter.importFile(f));
        assertEquals(before, listing(), "an import that fails must not leave files behind");
        assertEquals(f.getFileName().toString(), e.source());
        assertTrue(e.getMessage().startsWith(f.getFileName().toString()), e.getMessage());
        return e;
    }

    private List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void emptyTextIsAnErrorNamingLineAndField() throws IOException {
        InvalidInputException e = refused(write("e.csv", "review,label\ngood,1\n   ,0\nbad,0\n"));
        assertEquals(3, e.line());
        assertEquals("review", e.field());
        assertTrue(e.getMessage().contains("text is empty"), e.getMessage());
    }

    @Test
    void missingLabelIsAnError() throws IOException {
        InvalidInputException e = refused(write("m.jsonl", "{\"text\":\"a\",\"label\":\"x\"}\n{\"text\":\"b\",\"label\":\"y\"}\n"
                + "{\"text\":\"c\"}\n"));
        assertEquals(3, e.line());
        assertEquals("label", e.field());
        assertTrue(e.getMessage().contains("label is missing"), e.getMessage());
    }

    @Test
    void undecodableBytesAreAnErrorWithTheirLine() throws IOException {
        byte[] head = "text,label\ngood,1\nbad,0\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = {'c', 'a', 'f', (byte) 0xE9, ',', '1', '\n'}; // Latin-1 e-acute, invalid in UTF-8
        byte[] all = new byte[head.length + bad.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bad, 0, all, head.length, bad.length);
        InvalidInputException e = refused(writeBytes("latin1.csv", all));
        assertEquals(4, e.line());
        assertTrue(e.getMessage().contains("0xE9") && e.getMessage().contains("not valid UTF-8"), e.getMessage());
        // the same file is fine when its real encoding is given
        Dataset d = DatasetImporter.importFile(dir.resolve("latin1.csv"),
                ImportOptions.DEFAULTS.withCharset(StandardCharsets.ISO_8859_1), org.privtune.core.Progress.NONE).dataset();
        assertEquals("café", d.records().get(2).text());
    }

    @Test
    void undecodableBytesInJsonAreAnError() throws IOException {
        byte[] json = "[{\"text\":\"ok\",\"label\":\"a\"},\n{\"text\":\"x\uFFFF\",\"label\":\"b\"}]".getBytes(StandardCharsets.UTF_8);
        json[json.length - 16] = (byte) 0xFF; // replaces a byte inside the second text
        InvalidInputException e = refused(writeBytes("bad.json", json));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @Test
    void singleClassFileIsAnError() throws IOException {
        InvalidInputException e = refused(write("one.csv", "text,label\na,pos\nb,pos\nc,pos\n"));
        assertEquals("label", e.field());
        assertTrue(e.getMessage().contains("all 3 records have the label 'pos'"), e.getMessage());
    }

    @Test
    void wrongColumnCountNamesTheLine() throws IOException {
        InvalidInputException e = refused(write("cols.csv", "text,label\n\"a, quoted\",x\nb, unquoted comma,y\n"));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("found 3 columns, expected 2"), e.getMessage());
    }

    @Test
    void recordLineCountsMultiLineQuotedFields() throws IOException {
        InvalidInputException e = refused(write("ml.csv", "text,label\n\"one\ntwo\nthree\",x\n\"\",y\n"));
        assertEquals(5, e.line());
    }

    @Test
    void malformedJsonNamesTheLine() throws IOException {
        InvalidInputException e = refused(write("broken.json", "[{\"text\":\"a\",\"label\":1},\n{\"text\":\"b\" \"label\":2}]"));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
    }

    @Test
    void unknownMappedColumnIsAnError() throws IOException {
        Path f = write("c.csv", "body,stars\nx,1\ny,2\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DatasetImporter.importFile(f,
                ImportOptions.DEFAULTS.withMapping(ColumnMapping.of("body", "rating")), org.privtune.core.Progress.NONE));
        assertEquals("rating", e.field());
        assertTrue(e.getMessage().contains("[body, stars]"), e.getMessage());
    }

    @Test
    void undetectableLabelColumnAsksForAMapping() throws IOException {
        InvalidInputException e = refused(write("c.csv", "text,stars\nx,1\ny,2\n"));
        assertTrue(e.getMessage().contains("no label column found"), e.getMessage());
    }

    @Test
    void missingTabInLabelTabTextFile() throws IOException {
        InvalidInputException e = refused(write("t.txt", "a\tone\nb two\n"));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("expected 'label<TAB>text'"), e.getMessage());
    }

    @Test
    void duplicateIdsAreAnError() throws IOException {
        InvalidInputException e = refused(write("d.csv", "id,text,label\n1,a,x\n2,b,y\n1,c,x\n"));
        assertEquals(4, e.line());
        assertEquals("id", e.field());
    }

    @Test
    void duplicatesAreAWarningWithCounts() throws IOException {
        Path f = write("dup.csv", "text,label\na,x\nb,y\na,x\na,x\nb,x\n");
        ImportResult kept = DatasetImporter.importFile(f);
        assertEquals(5, kept.dataset().size());
        assertEquals(2, kept.report().duplicates());
        assertEquals(1, kept.report().conflictingDuplicates());
        assertEquals(2, kept.report().warnings().size());
        assertTrue(kept.report().warnings().get(0).startsWith("2 duplicate records"), kept.report().warnings().get(0));
        assertTrue(kept.report().warnings().get(0).contains("line 4 repeats line 2"));

        ImportResult dropped = DatasetImporter.importFile(f, ImportOptions.DEFAULTS.withDropDuplicates(true),
                org.privtune.core.Progress.NONE);
        assertEquals(3, dropped.dataset().size());
        assertEquals(2, dropped.report().droppedDuplicates());
    }

    @Test
    void emptyFileAndUnknownExtension() throws IOException {
        assertTrue(refused(write("empty.csv", "")).getMessage().contains("empty"));
        assertTrue(refused(write("data.xyz", "a")).getMessage().contains("unknown file type"));
        assertTrue(refused(write("h.csv", "text,label\n")).getMessage().contains("no records"));
    }

    @Test
    void cancellationThrowsAndReturnsNothing() throws IOException {
        StringBuilder sb = new StringBuilder("text,label\n");
        for (int i = 0; i < 5000; i++) {
            sb.append("text number ").append(i).append(',').append(i % 2).append('\n');
        }
        Path f = write("big.csv", sb.toString());
        org.privtune.core.Progress cancelled = new org.privtune.core.Progress() {
            @Override
            public void begin(String task, int totalWork) {
            }

            @Override
            public void worked(int units) {
            }

            @Override
            public boolean isCancelled() {
                return true;
            }
        };
        assertThrows(org.privtune.core.CancelledException.class,
                () -> DatasetImporter.importFile(f, ImportOptions.DEFAULTS, cancelled));
    }

    @Test
    void gzipCompressedFilesAreReadThrough() throws IOException {
        Path f = dir.resolve("c.jsonl.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(f))) {
            out.write("{\"text\":\"a\",\"label\":\"x\"}\n{\"text\":\"b\",\"label\":\"y\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        ImportResult r = DatasetImporter.importFile(f);
        assertEquals("c", r.dataset().name());
        assertEquals(2, r.dataset().size());
    }

    @Test
    void strayQuoteInTsvIsAnErrorUnlessQuotingIsOff() throws IOException {
        Path f = write("q.tsv", "text\tlabel\nfine\tx\n\"unclosed quote starts this\ty\nlast\tx\n");
        InvalidInputException e = refused(f);
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("quoting off"), e.getMessage());
        Dataset d = DatasetImporter.importFile(f, ImportOptions.DEFAULTS.withQuoting(false), org.privtune.core.Progress.NONE)
                .dataset();
        assertEquals("\"unclosed quote starts this", d.records().get(1).text());
    }

    @Test
    void nestedValueWhereTextIsExpectedIsAnError() throws IOException {
        InvalidInputException e = refused(write("n.jsonl", "{\"text\":\"a\",\"label\":\"x\"}\n{\"text\":[\"b\"],\"label\":\"y\"}\n"));
        assertEquals(2, e.line());
        assertEquals("text", e.field());
    }

    @Test
    void reportCarriesOptionsThatReimportTheSameWay() throws IOException {
        Path f = write("h.csv", "5,a long enough text here\n7,another long text here\n5,third text of the file\n");
        ImportResult first = DatasetImporter.importFile(f);
        assertEquals(Boolean.FALSE, first.report().effectiveOptions().header());
        ImportResult again = DatasetImporter.importFile(f, first.report().effectiveOptions(), org.privtune.core.Progress.NONE);
        assertEquals(first.dataset().records(), again.dataset().records());
        assertEquals(List.of("5", "7"), again.dataset().labels());
    }

    @Test
    void hugeTextsAndLabelsWithOneRecordAreWarnedAbout() throws IOException {
        StringBuilder csv = new StringBuilder("text,label\n");
        for (int i = 0; i < 10; i++) {
            csv.append("review ").append(i).append(i % 2 == 0 ? ",pos\n" : ",neg\n");
        }
        csv.append("\"").append("x".repeat(RecordCollector.HUGE_TEXT_CHARS + 1)).append("\",pos\n");
        csv.append("lonely,rare\n");
        ImportResult r = DatasetImporter.importFile(write("odd.csv", csv.toString()));
        assertEquals(12, r.dataset().size(), "imported all the same");
        List<String> w = r.report().warnings();
        assertEquals(2, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("1 text is longer than 100,000 characters") && w.get(0).contains("line 12"),
                w.get(0));
        assertTrue(w.get(1).startsWith("1 of 3 labels has a single record") && w.get(1).contains("'rare' on line 13"),
                w.get(1));
        assertTrue(r.report().summary().contains("Warning: 1 of 3 labels"), r.report().summary());

        StringBuilder ids = new StringBuilder("text,label\n");
        for (int i = 0; i < 12; i++) {
            ids.append("text ").append(i).append(",id-").append(i).append('\n');
        }
        List<String> byId = DatasetImporter.importFile(write("ids.csv", ids.toString())).report().warnings();
        assertEquals(1, byId.size(), byId.toString());
        assertTrue(byId.get(0).startsWith("12 of 12 labels have a single record") && byId.get(0).contains("label column"),
                byId.get(0));
    }

    @Test
    void columnsAreNamedOrNumberedFromOne() {
        assertEquals(ColumnMapping.Column.at(0), ColumnMapping.Column.parse("1", "--text"));
        assertEquals(ColumnMapping.Column.named("review"), ColumnMapping.Column.parse(" review ", "--text"));
        assertEquals("column 3", ColumnMapping.Column.parse("3", "--label").toString(), "messages count from 1 too");
        InvalidInputException zero = assertThrows(InvalidInputException.class,
                () -> ColumnMapping.Column.parse("0", "--label"));
        assertEquals("--label", zero.field());
        assertTrue(zero.getMessage().contains("counted from 1"), zero.getMessage());
    }
}
