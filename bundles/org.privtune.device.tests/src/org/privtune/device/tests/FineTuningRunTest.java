package org.privtune.device.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.cloud.ModelTops;
import org.privtune.cloud.TopModelServer;
import org.privtune.core.CancelledException;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.device.FineTuningRun;
import org.privtune.djl.runtime.DjlRuntime;
import org.privtune.model.Pooling;
import org.privtune.model.TrainingConfig;

/**
 * One fine-tuning run as ./privtune train and the Split Training view run it, on MiniLM and the
 * sentiment set (64 training sentences, one epoch): with the top in this process and on a MiniLM
 * cloud endpoint on localhost, the two exports hold the same model.
 */
class FineTuningRunTest {

    static FineTuningRun.Request request(Path out, Path cache, FineTuningRun.Cloud cloud) {
        TrainingConfig cfg = TrainingConfig.defaults().withEpochs(1).withBatchSize(32).withSeed(42);
        return new FineTuningRun.Request("sentiment", 2, Pooling.MEAN, cfg, cfg.maxLength(), null, cloud, 64, out,
                cache);
    }

    @Test
    void theTopInThisProcessAndOnACloudEndpointGiveTheSameModel(@TempDir Path dir) throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        List<Float> steps = Collections.synchronizedList(new ArrayList<>());
        FineTuningRun.Result local = FineTuningRun.run(request(dir.resolve("local"), dir.resolve("cache"), null),
                Progress.NONE, lines::add, (step, total, loss, correct, size) -> steps.add(loss));
        assertEquals(2, steps.size(), "64 sentences in batches of 32: two steps, each reported");
        assertEquals("in-process", local.endpoint());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("data sentiment: 64 train / 450 dev / 450 test")),
                String.join("\n", lines));

        FineTuningRun.Result remote;
        try (NDManager manager = DjlRuntime.pytorch().newBaseManager();
                TopModelServer server = TopModelServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        new ModelTops(manager), l -> { })) {
            remote = FineTuningRun.run(request(dir.resolve("remote"), dir.resolve("cache"),
                    FineTuningRun.Cloud.plain("localhost:" + server.port())), Progress.NONE, lines::add, null);
            assertEquals(1, server.sessionsOpened());
        }
        assertEquals("localhost", remote.endpoint().substring(0, 9));
        assertTrue(remote.requests() > 2 && remote.bytesSent() > 2L * 32 * 4 * 384 * 4, "steps, evaluation, weights");
        assertEquals(local.test().accuracy(), remote.test().accuracy(), "same test accuracy");
        assertEquals(local.report().epochs().get(0).trainLoss(), remote.report().epochs().get(0).trainLoss(), 1e-4);
        assertEquals(local.report().epochs().get(0).dev().accuracy(), remote.report().epochs().get(0).dev().accuracy());
        for (String f : new String[] {"model.safetensors", "config.json", "tokenizer.json"}) {
            assertTrue(Files.isRegularFile(dir.resolve("local").resolve(f)), f);
            assertTrue(Files.isRegularFile(dir.resolve("remote").resolve(f)), f);
        }
        assertEquals(Files.size(dir.resolve("local/model.safetensors")), Files.size(dir.resolve("remote/model.safetensors")));
    }

    @Test
    void aFolderThatHoldsFilesIsRefusedBeforeAnyWork(@TempDir Path dir) throws Exception {
        Path out = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(out.resolve("keep.txt"), "precious");
        // what an export killed before its rename left behind (its process is gone), and one that is running
        Process done = new ProcessBuilder("true").start();
        done.waitFor();
        Path leftover = Files.createDirectories(dir.resolve("taken.partial-" + done.pid()));
        Files.writeString(leftover.resolve("model.safetensors"), "half");
        Path running = Files.createDirectories(dir.resolve("taken.partial-" + ProcessHandle.current().pid()));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> FineTuningRun.run(request(out, dir.resolve("cache"), null), Progress.NONE, l -> { }, null));
        assertEquals("out", e.field());
        assertEquals("precious", Files.readString(out.resolve("keep.txt")));
        assertFalse(Files.exists(leftover), "the dead export's partial folder was removed at the next start");
        assertTrue(Files.isDirectory(running), "a running export's folder is left alone");
        InvalidInputException badAddress = assertThrows(InvalidInputException.class,
                () -> FineTuningRun.Cloud.plain("no-port-here"));
        assertEquals("endpoint", badAddress.field());
    }

    /** A progress whose cancel is pressed by the test; it remembers the phases it was told of. */
    static class Cancellable implements Progress {
        final AtomicBoolean cancelled = new AtomicBoolean();
        final List<String> phases = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void begin(String task, int totalWork) {
        }

        @Override
        public void worked(int units) {
        }

        @Override
        public void subTask(String name) {
            phases.add(name);
        }

        @Override
        public boolean isCancelled() {
            return cancelled.get();
        }
    }

    private static List<String> siblings(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("out")).toList();
        }
    }

    @Test
    void aCancelAfterTheLastStepStopsTheDevEvaluationAndNothingIsExported(@TempDir Path dir) throws Exception {
        Cancellable progress = new Cancellable();
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        // pressed once the last training step is back: from here on only evaluation and export remain
        CancelledException e = assertThrows(CancelledException.class, () -> FineTuningRun.run(
                request(dir.resolve("out"), dir.resolve("cache"), null), progress, l -> { },
                (step, total, loss, correct, size) -> {
                    seen.add(step);
                    if (step == total) {
                        progress.cancelled.set(true);
                    }
                }));
        assertEquals(List.of(1, 2), seen, "both steps ran");
        assertTrue(e.getMessage().contains("dev evaluation") && e.getMessage().endsWith("nothing was exported"),
                e.getMessage());
        assertFalse(progress.phases.contains("testing"), "the test evaluation never started: " + progress.phases);
        assertEquals(List.of(), siblings(dir), "no export folder, no partial one");
    }

    @Test
    void aCancelDuringTheExportRemovesWhatWasWritten(@TempDir Path dir) throws Exception {
        List<String> onDisk = Collections.synchronizedList(new ArrayList<>());
        // not yet at "exporting" (the check before writing), pressed at the next check: the model is on disk by then
        Cancellable progress = new Cancellable() {
            int checksSinceExport = -1;

            @Override
            public boolean isCancelled() {
                if (phases.contains("exporting") && ++checksSinceExport == 1) {
                    try (Stream<Path> s = Files.walk(dir)) {
                        s.filter(p -> p.getFileName().toString().equals("model.safetensors"))
                                .forEach(p -> onDisk.add(dir.relativize(p).toString()));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    cancelled.set(true);
                }
                return super.isCancelled();
            }
        };
        CancelledException e = assertThrows(CancelledException.class, () -> FineTuningRun.run(
                request(dir.resolve("out"), dir.resolve("cache"), null), progress, l -> { }, null));
        assertTrue(progress.phases.contains("testing"), "the run got as far as the export: " + progress.phases);
        assertEquals(1, onDisk.size(), "the cancel came with the model written under its temporary name: " + onDisk);
        assertTrue(onDisk.get(0).startsWith("out.partial-"), onDisk.get(0));
        assertEquals("cancelled (exporting); nothing was exported", e.getMessage());
        assertEquals(List.of(), siblings(dir), "no export folder, no partial one");
    }
}
