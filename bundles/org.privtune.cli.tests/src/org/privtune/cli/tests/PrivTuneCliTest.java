package org.privtune.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.cli.CliCommand;
import org.privtune.cli.Options;
import org.privtune.cli.PrivTuneCli;
import org.privtune.cli.UsageException;

class PrivTuneCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        return new PrivTuneCli().run(List.of(argv), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryCommandAndExitsZero() {
        assertEquals(0, run("--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (CliCommand c : new PrivTuneCli().commands()) {
            assertTrue(help.contains("  " + c.name() + " "), "help lists " + c.name() + ":\n" + help);
        }
        for (String expected : List.of("data", "verify-model", "train", "cloud", "cloud-keys", "predict", "experiment", "export-representations")) {
            assertTrue(help.contains("  " + expected + " "), expected);
        }
    }

    @Test
    void unknownCommandAndBadOptionsAreUsageErrors() {
        assertEquals(2, run("no-such-command"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no command 'no-such-command'"));
        err.reset();
        assertEquals(2, run("train", "--epochs", "three", "--out", "x"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("--epochs expects a whole number, got 'three'"), e);
        assertTrue(e.contains("usage: ./privtune train"), e);
        err.reset();
        assertEquals(2, run("data", "describe", "--dta", "sentiment"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option --dta"));
    }

    @Test
    void trainRefusesAnOutputFolderThatHoldsFiles(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("keep.txt"), "precious");
        assertEquals(2, run("train", "--data", "sentiment", "--out", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("exists and is not empty"));
        assertEquals("precious", Files.readString(dir.resolve("keep.txt")));
    }

    @Test
    void trainNamesAMissingPresetAndABadMechanismParameter(@TempDir Path dir) {
        System.setProperty("privtune.presets.dir", dir.resolve("presets").toString());
        try {
            assertEquals(1, run("train", "--data", "sentiment", "--out", dir.resolve("m").toString(), "--mechanism",
                    "@nosuch"));
            String e = err.toString(StandardCharsets.UTF_8);
            assertTrue(e.contains("nosuch.properties") && e.contains("no preset named 'nosuch'"), e);
            err.reset();
            assertEquals(1, run("train", "--data", "sentiment", "--out", dir.resolve("m").toString(), "--mechanism",
                    "privtune:eps=fast"));
            e = err.toString(StandardCharsets.UTF_8);
            assertTrue(e.contains("eps") && e.contains("not a number: 'fast'"), e);
            assertFalse(Files.exists(dir.resolve("m")), "nothing written");
        } finally {
            System.clearProperty("privtune.presets.dir");
        }
    }

    @Test
    void trainNamesABadCloudAddressBeforeAnyWorkAndCloudRefusesABadPort(@TempDir Path dir) {
        assertEquals(1, run("train", "--data", "sentiment", "--out", dir.resolve("m").toString(), "--cloud",
                "cloudhost"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("field 'endpoint'") && e.contains("expected host:port"), e);
        assertFalse(Files.exists(dir.resolve("m")), "nothing was written");
        err.reset();
        assertEquals(1, run("train", "--data", "sentiment", "--out", dir.resolve("m").toString(), "--cloud",
                "cloudhost:http"));
        e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("field 'port'") && e.contains("'http' is not a port"), e);
        err.reset();
        assertEquals(2, run("cloud", "--port", "70000"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--port must be 0..65535"));
    }

    @Test
    void aPlainEndpointStaysOnLoopbackAndNoTokenTravelsWithoutTls(@TempDir Path dir) throws Exception {
        assertEquals(2, run("cloud", "--bind", "0.0.0.0", "--port", "0"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("without --tls would send the representations and labels across the network in the"
                + " clear"), e);
        err.reset();
        Path token = Files.writeString(dir.resolve("token.txt"), "a-token-of-the-test\n");
        assertEquals(2, run("cloud", "--port", "0", "--token-file", token.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--token-file needs --tls"), err.toString(
                StandardCharsets.UTF_8));
        err.reset();
        assertEquals(1, run("train", "--data", "sentiment", "--out", dir.resolve("m").toString(), "--cloud",
                "localhost:8470", "--cloud-token-file", token.toString()));
        e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("field 'token'") && e.contains("sent only over TLS"), e);
        assertFalse(e.contains("a-token-of-the-test"), "the token is never printed");
        assertFalse(Files.exists(dir.resolve("m")), "nothing was written");
    }

    @Test
    void predictNamesAMissingModelFolder(@TempDir Path dir) {
        assertEquals(1, run("predict", "--model", dir.resolve("absent").toString(), "great film"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("absent: not a model folder"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void optionsParseBothFormsAndRefuseTypos() {
        Options o = Options.parse(List.of("--split", "3", "--lr=1e-4", "--quick", "file.csv"), Set.of("split", "lr"), Set.of("quick"));
        assertEquals(3, o.getInt("split", 2));
        assertEquals(1e-4, o.getDouble("lr", 0), 1e-12);
        assertTrue(o.has("quick"));
        assertFalse(o.has("seed"));
        assertEquals(List.of("file.csv"), o.positional());
        assertThrows(UsageException.class, () -> Options.parse(List.of("--split"), Set.of("split"), Set.of()));
        assertThrows(UsageException.class, () -> Options.parse(List.of("--quick=yes"), Set.of(), Set.of("quick")));
        assertThrows(UsageException.class, () -> Options.parse(List.of("--splitt", "2"), Set.of("split"), Set.of()));
    }
}
