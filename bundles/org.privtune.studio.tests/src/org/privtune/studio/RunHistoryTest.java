package org.privtune.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.privtune.core.InvalidInputException;

/** The runs history: records written atomically, read back as written, bad files named. */
class RunHistoryTest {

    private static RunRecord record(String id, String kind, Instant started, Path folder) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("data", "sentiment");
        settings.put("mechanism", "privtune:eps=16");
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("test_accuracy", 0.8125);
        metrics.put("a3_top1", Double.NaN);
        return new RunRecord(id, kind, RunRecord.STUDIO, started, started.plusSeconds(90), RunRecord.FINISHED, folder,
                settings, metrics, "test accuracy 0.8125");
    }

    @Test
    void aRecordReadsBackAsWrittenAndTheNewestComesFirst() throws Exception {
        Path dir = Files.createTempDirectory("privtune-history");
        RunHistory history = new RunHistory(dir.resolve("history"));
        assertEquals(List.of(), history.list().runs(), "no folder yet: an empty history");
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        RunRecord older = record(history.newId(RunRecord.TRAINING, t0), RunRecord.TRAINING, t0, dir.resolve("model"));
        history.write(older);
        Instant t1 = t0.plusSeconds(3600);
        RunRecord newer = record(history.newId(RunRecord.EXPERIMENT, t1), RunRecord.EXPERIMENT, t1, null);
        history.write(newer);

        RunHistory.Listing l = history.list();
        assertEquals(List.of(), l.problems());
        assertEquals(List.of(newer.id(), older.id()), l.runs().stream().map(RunRecord::id).toList());
        RunRecord back = l.runs().get(1);
        assertEquals("20261201-100000-training", back.id());
        assertEquals(older.settings(), back.settings());
        assertEquals(List.of("data", "mechanism"), List.copyOf(back.settings().keySet()), "in the order written");
        assertEquals(0.8125, back.metric("test_accuracy"));
        assertTrue(Double.isNaN(back.metric("a3_top1")), "not measured stays not measured");
        assertEquals(dir.resolve("model").toAbsolutePath(), back.folder());
        assertEquals(t0, back.started());
        assertEquals(t0.plusSeconds(90), back.finished());
        assertNull(l.runs().get(0).folder(), "a run that wrote no folder");
        String json = Files.readString(history.file(older.id()), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"format\" : 1") && json.contains("\"a3_top1\" : null"), json);
    }

    @Test
    void idsAreUniqueAndAReplacedRecordLeavesOneFileAndNoTemporaryOne() throws Exception {
        Path dir = Files.createTempDirectory("privtune-history");
        RunHistory history = new RunHistory(dir);
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        String first = history.newId(RunRecord.EXPERIMENT, t);
        history.write(record(first, RunRecord.EXPERIMENT, t, dir.resolve("a")));
        String second = history.newId(RunRecord.EXPERIMENT, t);
        assertNotEquals(first, second, "a second run in the same second gets an id of its own");
        assertEquals(first + "-2", second);
        assertEquals(first, history.idFor(RunRecord.EXPERIMENT, dir.resolve("a"), t), "a rerun into the same folder");
        assertEquals(second, history.idFor(RunRecord.EXPERIMENT, dir.resolve("b"), t));

        RunRecord r = record(first, RunRecord.EXPERIMENT, t, dir.resolve("a"));
        history.write(r.withOutcome(RunRecord.CANCELLED, t.plusSeconds(5), Map.of("settings_finished", 1.0), "stopped"));
        history.write(r.withOutcome(RunRecord.FINISHED, t.plusSeconds(9), Map.of("settings_finished", 2.0), "done"));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(first + ".json"), files.map(p -> p.getFileName().toString()).toList());
        }
        RunRecord back = history.list().runs().get(0);
        assertEquals(RunRecord.FINISHED, back.status());
        assertEquals(2.0, back.metric("settings_finished"));
    }

    @Test
    void aBrokenFileIsNamedWithItsFieldAndTheOthersStillList() throws Exception {
        Path dir = Files.createTempDirectory("privtune-history");
        RunHistory history = new RunHistory(dir);
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        history.write(record("good", RunRecord.TRAINING, t, null));
        Files.writeString(dir.resolve("truncated.json"), "{\"format\": 1, \"id\": \"x\",");
        Files.writeString(dir.resolve("kind.json"), Files.readString(history.file("good")).replace("\"training\"",
                "\"benchmark\""));
        Files.writeString(dir.resolve("metric.json"), Files.readString(history.file("good"))
                .replace("\"test_accuracy\" : 0.8125", "\"test_accuracy\" : \"high\""));
        Files.writeString(dir.resolve("started.json"), Files.readString(history.file("good"))
                .replace("2026-12-01T10:00:00Z", "yesterday"));

        RunHistory.Listing l = history.list();
        assertEquals(List.of("good"), l.runs().stream().map(RunRecord::id).toList());
        assertEquals(4, l.problems().size(), l.problems().toString());
        String all = String.join("\n", l.problems());
        assertTrue(all.contains("truncated.json") && all.contains("not a run record"), all);
        assertTrue(all.contains("kind.json") && all.contains("benchmark"), all);
        assertTrue(all.contains("metric.json") && all.contains("metrics.test_accuracy"), all);
        assertTrue(all.contains("started.json") && all.contains("'yesterday'"), all);

        InvalidInputException e = assertThrows(InvalidInputException.class, () -> RunHistory.read(dir.resolve("kind.json")));
        assertEquals("kind", e.field());
        assertTrue(e.source().endsWith("kind.json"), e.source());
    }
}
