package org.privtune.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.FrameworkUtil;
import org.privtune.cli.PrivTuneCli;
import org.privtune.cli.PrivTuneCliAccess;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

class PrivTuneCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        out.reset();
        err.reset();
        return new PrivTuneCli().run(List.of(argv), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static CommandLine commandLine() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return PrivTuneCli.commandLine(sink, sink);
    }

    /** Every command below the top, with the words that name it ("data", "import"). */
    private static void commands(CommandLine cl, List<String> path, java.util.Map<List<String>, CommandLine> into) {
        for (var e : cl.getSubcommands().entrySet()) {
            List<String> p = new java.util.ArrayList<>(path);
            p.add(e.getKey());
            into.put(p, e.getValue());
            commands(e.getValue(), p, into);
        }
    }

    private static java.util.Map<List<String>, CommandLine> allCommands() {
        java.util.Map<List<String>, CommandLine> all = new java.util.LinkedHashMap<>();
        commands(commandLine(), List.of(), all);
        return all;
    }

    @Test
    void helpListsEveryCommandAndEveryCommandsHelpListsEveryOption() {
        assertEquals(0, run("--help"));
        String top = out();
        for (String name : commandLine().getSubcommands().keySet()) {
            assertTrue(top.contains("  " + name + " "), "--help lists " + name + ":\n" + top);
        }
        for (String expected : List.of("data", "verify-model", "train", "cloud", "cloud-keys", "predict", "experiment",
                "export-representations", "bench", "version", "help")) {
            assertTrue(commandLine().getSubcommands().containsKey(expected), expected);
        }
        assertEquals(0, run());
        assertEquals(top, out(), "no arguments: the same help");

        var all = allCommands();
        assertTrue(all.size() >= 17, "commands and sub-commands: " + all.keySet());
        for (var e : all.entrySet()) {
            if (e.getKey().get(0).equals("help")) {
                continue;
            }
            List<String> argv = new java.util.ArrayList<>(e.getKey());
            argv.add("--help");
            assertEquals(0, run(argv.toArray(String[]::new)), String.join(" ", argv));
            String help = out();
            CommandSpec spec = e.getValue().getCommandSpec();
            assertTrue(help.startsWith("Usage: ./privtune " + String.join(" ", e.getKey())), help);
            for (OptionSpec o : spec.options()) {
                for (String name : o.names()) {
                    assertTrue(help.contains(name), String.join(" ", argv) + " shows " + name + ":\n" + help);
                }
            }
            for (PositionalParamSpec p : spec.positionalParameters()) {
                assertTrue(help.contains(p.paramLabel()), String.join(" ", argv) + " shows " + p.paramLabel() + ":\n" + help);
            }
            for (String sub : e.getValue().getSubcommands().keySet()) {
                assertTrue(help.contains("  " + sub + " "), String.join(" ", argv) + " lists " + sub + ":\n" + help);
            }
            if (e.getKey().size() == 1) {
                assertEquals(0, run("help", e.getKey().get(0)));
                assertEquals(help, out(), "help " + e.getKey().get(0) + " is " + String.join(" ", argv));
            }
        }
        assertEquals(0, run("train", "--help"));
        String train = out();
        for (String shown : List.of("--epochs <n>", "Default: 3", "--batch <n>", "Default: 32", "--lr <rate>", "Default: 5e-5",
                "--pooling mean|cls", "Default: mean", "--cloud-token-file <file>")) {
            assertTrue(train.contains(shown.replace(" <", "=<").replace("--pooling ", "--pooling=")), shown + ":\n" + train);
        }
    }

    @Test
    void versionPrintsTheProductVersion() {
        assertEquals(0, run("--version"));
        String version = FrameworkUtil.getBundle(PrivTuneCli.class).getVersion().toString();
        assertTrue(out().startsWith("PrivTune Studio " + version + "\n"), out());
        assertTrue(out().contains("Java " + System.getProperty("java.version")), out());
    }

    /** A refused value: one line naming the option and the value, a pointer to the help, exit 2. */
    private void refused(String option, String value, String... argv) {
        assertEquals(2, run(argv), String.join(" ", argv) + "\n" + err());
        String[] lines = err().split("\n");
        assertEquals(2, lines.length, err());
        assertTrue(lines[0].contains(option.startsWith("-") ? "'" + option + "'" : "(" + option + ")")
                && lines[0].contains(value), String.join(" ", argv) + ": " + err());
        assertTrue(lines[1].contains("--help"), err());
        assertFalse(err().contains("Exception") || err().contains("\tat "), "no stack trace: " + err());
    }

    /** Command lines with one bad value, each after the option (or position) and the value named. */
    private static final String[][] BAD_VALUES = {
            { "--epochs", "0", "train --epochs 0 --out x" },
            { "--batch", "-3", "train --batch -3 --out x" },
            { "--epochs", "three", "train --epochs three --out x" },
            { "--lr", "fast", "train --lr=fast --out x" },
            { "--pooling", "max", "train --pooling max --out x" },
            { "--split", "7", "train --split 7 --out x" },
            { "--max-length", "600", "train --max-length 600 --out x" },
            { "--port", "70000", "cloud --port 70000" },
            { "--max-tokens", "513", "cloud --max-tokens 513" },
            { "--days", "0", "cloud-keys --host h --out k --days 0" },
            { "--format", "xls", "data import a.csv --format xls" },
            { "--header", "maybe", "data import a.csv --header maybe" },
            { "--top", "-1", "data describe --top -1" },
            { "--eps", "-2", "experiment --out x --eps 1,-2" },
            { "--mechanisms", "bogus", "experiment --out x --mechanisms none,bogus" },
            { "--mechanisms", "speed", "experiment --out x --mechanisms privtune:speed=3" },
            { "--seeds", "0", "experiment --out x --seeds 0" },
            { "--mechanism", "privtune:eps", "export-representations --out x --mechanism privtune:eps" },
            { "--limit", "-5", "export-representations --out x --mechanism privtune --limit -5" },
            { "--mechanism", "nosuch", "export-representations --out x --mechanism @nosuch" },
            { "--mechanisms", "nosuch", "experiment --out x --mechanisms none,@nosuch" },
            { "--limit", "-1", "train --limit -1 --out x" },
            { "--encoding", "klingon", "data import a.csv --encoding klingon" },
            { "--text", "0", "data import a.csv --text 0" },
            { "--label", "0", "data import a.csv --label=0" },
            { "<steps>", "many", "bench train many" },
            { "<split>", "9", "bench mechanism 9" },
            { "<target ms>", "0", "bench tuner 0" },
            { "<configuration>", "medium", "bench bound spam medium" } };

    @Test
    void aBadTypedValueNamesTheOptionAndTheValue() {
        for (String[] bad : BAD_VALUES) {
            refused(bad[0], bad[1], bad[2].split(" "));
        }
    }

    @Test
    void aMistypedOptionOrCommandGetsASuggestion() {
        assertEquals(2, run("data", "describe", "--dta", "sentiment"));
        assertTrue(err().contains("'--dta'") && err().contains("Possible solutions: --data"), err());
        assertEquals(2, run("train", "--epoch", "2", "--out", "x"));
        assertTrue(err().contains("'--epoch'") && err().contains("Possible solutions: --epochs"), err());
        assertEquals(2, run("trian", "--out", "x"));
        assertTrue(err().contains("'trian'") && err().contains("Did you mean: ./privtune train"), err());
        assertEquals(2, run("data", "lst"));
        assertTrue(err().contains("'lst'") && err().contains("data list"), err());
        assertEquals(2, run("help", "no-such-command"));
        assertTrue(err().contains("no-such-command"), err());
        assertEquals(2, run("data"));
        assertTrue(err().contains("Missing required subcommand") && err().contains("./privtune data --help"), err());
        assertEquals(2, run("train", "--data", "sentiment"));
        assertTrue(err().contains("Missing required option: '--out=<folder>'"), err());
    }

    @Test
    void anAtSignIsAPresetNotAFileOfArguments(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("training"), "--epochs 9\n");
        CommandLine cl = commandLine();
        var parsed = cl.parseArgs("train", "--out", "x", "--mechanism", "@" + file);
        var train = parsed.subcommand();
        assertEquals("@" + file, train.matchedOptionValue("--mechanism", ""));
        assertEquals(3, (int) train.matchedOptionValue("--epochs", 3));
        assertFalse(train.hasMatchedOption("--epochs"));
    }

    @Test
    void experimentOptionsBuildTheGridAndTheQuickDefaults() {
        var q = experiment("--out", "x", "--quick", "--mechanisms", "none,dchi,privtune");
        assertTrue(q.quick());
        assertEquals(List.of(8.0, 32.0), q.eps());
        assertEquals(1, q.seeds());
        assertEquals(1 + 2 * 2, q.grid().size());
        var f = experiment("--out", "x", "--split=3", "--eps", "1,2,4,8,16,32", "--seeds", "3");
        assertFalse(f.quick());
        assertEquals(3, f.split());
        assertEquals(3 + 5 * 6 * 3, f.grid().size());
        var d = experiment("--out", "x");
        assertEquals(org.privtune.attack.experiment.ExperimentConfig.DEFAULT_MECHANISMS, d.mechanisms());
        assertEquals(org.privtune.attack.experiment.ExperimentConfig.DEFAULT_EPS, d.eps());
        assertEquals(3, d.seeds());
        assertEquals(0, d.sample(), "the whole data set unless a sample is asked for");
        assertEquals(5000, experiment("--out", "x", "--data", "imdb", "--sample", "5000").sample());
        assertEquals(2, run("experiment", "--out", "x", "--sample", "0"));
        assertTrue(err().contains("--sample"), err());
        assertEquals(org.privtune.mechanism.ModelResources.defaultCacheDir(), d.cacheDir());
        var swap = experiment("--out", "x", "--mechanisms", "privtune-swap:keep=0.05;n=3,none", "--eps", "16", "--seeds", "2");
        assertEquals(List.of("privtune-swap:keep=0.05;n=3", "none"), swap.mechanisms());
        assertEquals(2 + 2, swap.grid().size());
    }

    @Test
    void oneSeparatorForParametersAndPresetsInEveryMechanismOption() {
        // ',' between parameters as in train; an entry starts where no key= follows; presets by name
        var e = experiment("--out", "x", "--mechanisms", "none,privtune-swap:keep=0.05,n=3,dchi:eps=4,@privtune-eps16,"
                + "@privtune-swap");
        assertEquals(List.of("none", "privtune-swap:keep=0.05;n=3", "dchi:eps=4", "privtune",
                "privtune-swap:keep=0.3;n=3;pool=30000;kept=canon;poolcanon=1;shuffle=1;relevance=imdb"), e.mechanisms(),
                "stored in the form of setting keys, a preset's eps left to --eps");
        assertEquals(e.mechanisms(), experiment("--out", "x", "--mechanisms",
                "none,privtune-swap:keep=0.05;n=3,dchi:eps=4,@privtune-eps16,@privtune-swap").mechanisms(),
                "the ';' form is read the same");
        var parsed = commandLine().parseArgs("export-representations", "--out", "x", "--mechanism", "@privtune-swap")
                .subcommand();
        assertEquals(org.privtune.mechanism.MechanismPresets.builtIn("privtune-swap").spec(),
                parsed.matchedOptionValue("--mechanism", null));
        var train = commandLine().parseArgs("train", "--out", "x", "--limit", "200", "--mechanism",
                "privtune:eps=16;n=3").subcommand();
        assertEquals(200, (int) train.matchedOptionValue("--limit", 0));
    }

    @Test
    void importTakesColumnsCountedFromOneAndAnEncoding(@TempDir Path dir) throws Exception {
        System.setProperty("privtune.data.dir", dir.resolve("state").toString());
        try {
            Path latin = Files.write(dir.resolve("latin.csv"), "pos;caf\u00e9 au lait\nneg;na\u00efve plot\npos;fine\n"
                    .replace(';', ',').getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(1, run("data", "import", latin.toString(), "--header", "no", "--text", "2", "--label", "1"));
            assertTrue(err().contains("line 1") && err().contains("not valid UTF-8") && err().contains("--encoding"), err());
            assertFalse(err().contains("\tat "), "no stack trace: " + err());
            assertEquals(1, run("data", "import", latin.toString(), "--header", "no", "--text", "3", "--label", "1",
                    "--encoding", "ISO-8859-1"));
            assertTrue(err().contains("the text column 3 does not exist"), "numbered as typed: " + err());
            assertEquals(0, run("data", "import", latin.toString(), "--header", "no", "--text", "2", "--label", "1",
                    "--encoding", "ISO-8859-1", "--name", "latin"), err());
            assertTrue(out().contains("3 records"), out());
        } finally {
            System.clearProperty("privtune.data.dir");
        }
    }

    @Test
    void presetsListsTheBuiltInOnesWithWhatTheyProtectAndCost(@TempDir Path dir) {
        System.setProperty("privtune.presets.dir", dir.toString());
        try {
            assertEquals(0, run("presets"), err());
            for (var b : org.privtune.mechanism.MechanismPresets.BUILT_IN) {
                assertTrue(out().contains("@" + b.name()) && out().contains(b.description()), b.name() + "\n" + out());
            }
            assertTrue(out().contains("privtune-swap:n=3,keep=0.3,pool=30000,kept=canon,shuffle=1,poolcanon=1,"
                    + "relevance=imdb"), "the short form of the spec (eps 100 is privtune-swap's default): " + out());
            assertTrue(out().contains("none yet"), out());
        } finally {
            System.clearProperty("privtune.presets.dir");
        }
    }

    private static org.privtune.attack.experiment.ExperimentConfig experiment(String... args) {
        CommandLine cl = commandLine();
        List<String> argv = new java.util.ArrayList<>(List.of("experiment"));
        argv.addAll(List.of(args));
        cl.parseArgs(argv.toArray(String[]::new));
        return PrivTuneCliAccess.experimentConfig(cl.getSubcommands().get("experiment"));
    }

    @Test
    void trainRefusesAnOutputFolderThatHoldsFiles(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("keep.txt"), "precious");
        assertEquals(2, run("train", "--data", "sentiment", "--out", dir.toString()));
        assertTrue(err().contains("exists and is not empty"), err());
        assertEquals("precious", Files.readString(dir.resolve("keep.txt")));
    }

    @Test
    void trainNamesAMissingPresetAndABadMechanismParameter(@TempDir Path dir) {
        System.setProperty("privtune.presets.dir", dir.resolve("presets").toString());
        try {
            assertEquals(1, run("train", "--data", "sentiment", "--out", dir.resolve("m").toString(), "--mechanism",
                    "@nosuch"));
            String e = err();
            assertTrue(e.contains("nosuch.properties") && e.contains("no preset named 'nosuch'"), e);
            assertEquals(1, run("train", "--data", "sentiment", "--out", dir.resolve("m").toString(), "--mechanism",
                    "privtune:eps=fast"));
            e = err();
            assertTrue(e.contains("eps") && e.contains("not a number: 'fast'"), e);
            assertFalse(Files.exists(dir.resolve("m")), "nothing written");
        } finally {
            System.clearProperty("privtune.presets.dir");
        }
    }

    @Test
    void trainNamesABadCloudAddressBeforeAnyWorkAndCloudRefusesOptionsThatNeedOthers(@TempDir Path dir) {
        assertEquals(1, run("train", "--data", "sentiment", "--out", dir.resolve("m").toString(), "--cloud",
                "cloudhost"));
        String e = err();
        assertTrue(e.contains("field 'endpoint'") && e.contains("expected host:port"), e);
        assertFalse(Files.exists(dir.resolve("m")), "nothing was written");
        assertEquals(1, run("train", "--data", "sentiment", "--out", dir.resolve("m").toString(), "--cloud",
                "cloudhost:http"));
        e = err();
        assertTrue(e.contains("field 'port'") && e.contains("'http' is not a port"), e);
        assertEquals(2, run("train", "--out", dir.resolve("m").toString(), "--cloud-cert", "c.pem"));
        assertTrue(err().contains("need --cloud host:port"), err());
        assertEquals(2, run("cloud", "--port", "0", "--checkpoint-every", "5"));
        assertTrue(err().contains("--checkpoint-every needs --checkpoints"), err());
        assertEquals(2, run("cloud", "--port", "0", "--max-labels", "1"));
        assertTrue(err().contains("'--max-labels': 1 is not at least 2"), err());
    }

    @Test
    void aPlainEndpointStaysOnLoopbackAndNoTokenTravelsWithoutTls(@TempDir Path dir) throws Exception {
        assertEquals(2, run("cloud", "--bind", "0.0.0.0", "--port", "0"));
        String e = err();
        assertTrue(e.contains("without --tls would send the representations and labels across the network in the"
                + " clear"), e);
        Path token = Files.writeString(dir.resolve("token.txt"), "a-token-of-the-test\n");
        assertEquals(2, run("cloud", "--port", "0", "--token-file", token.toString()));
        assertTrue(err().contains("--token-file needs --tls"), err());
        assertEquals(1, run("train", "--data", "sentiment", "--out", dir.resolve("m").toString(), "--cloud",
                "localhost:8470", "--cloud-token-file", token.toString()));
        e = err();
        assertTrue(e.contains("field 'token'") && e.contains("sent only over TLS"), e);
        assertFalse(e.contains("a-token-of-the-test"), "the token is never printed");
        assertFalse(Files.exists(dir.resolve("m")), "nothing was written");
    }

    /** A tiny encoder of the model bundle's tests, in Hugging Face layout. */
    private static Path tiny(String name) {
        String dir = System.getProperty("privtune.test.fixtures");
        return (dir != null ? Path.of(dir) : Path.of("../org.privtune.model.tests/fixtures")).resolve(name);
    }

    @Test
    void trainAndPredictOnAModelFolderAndPredictRefusesAnExportOfAnotherBase(@TempDir Path dir) throws Exception {
        String bert = tiny("tiny-bert").toString();
        String roberta = tiny("tiny-roberta").toString();
        Path model = dir.resolve("m");
        assertEquals(0, run("train", "--model", bert, "--data", "sentiment", "--epochs", "1", "--lr", "1e-3",
                "--out", model.toString()), err());
        assertTrue(out().contains(bert + " split at layer 2"), out());
        assertTrue(out().contains("test accuracy"), out());
        String config = Files.readString(model.resolve("config.json"));
        assertTrue(config.contains("\"baseModel\" : \"tiny-bert\""), config);

        assertEquals(0, run("predict", "--model", model.toString(), "--base", bert, "a great film", "a dull story"),
                err());
        String[] rows = out().split("\n");
        assertEquals(2, rows.length, out());
        assertTrue(rows[0].matches("(negative|positive)\tnegative 0\\.\\d{3}, positive 0\\.\\d{3}\ta great film"),
                rows[0]);

        assertEquals(1, run("predict", "--model", model.toString(), "--base", roberta, "a great film"));
        assertTrue(err().contains("field 'baseModel'") && err().contains("trained on tiny-bert (weights SHA-256 ")
                && err().contains("not on tiny-roberta (weights SHA-256 "), err());
        assertEquals("", out());
    }

    @Test
    void theSplitLayerFollowsTheChosenModel(@TempDir Path dir) {
        String bert = tiny("tiny-bert").toString();
        refused("--split", "4", "train", "--model", bert, "--split", "4", "--out", dir.resolve("x").toString());
        assertTrue(err().contains("4 is not a split layer of " + bert + ", which has 3 layers (0..3)"), err());
        refused("--split", "4", "experiment", "--model", bert, "--split", "4", "--out", dir.resolve("x").toString());
        refused("<split>", "4", "bench", "mechanism", "--model", bert, "4");
        refused("--model", "no-such-model", "train", "--model", "no-such-model", "--out", dir.resolve("x").toString());
        assertTrue(err().contains("neither a built-in model (all-MiniLM-L6-v2, bge-small-en-v1.5) nor a model folder"),
                err());
        refused("--model", "no-such-model", "cloud", "--model", "no-such-model");
        refused("--model", "no-such-model", "verify-model", "--model", "no-such-model");
        refused("--model", "no-such-model", "export-representations", "--model", "no-such-model", "--mechanism",
                "privtune", "--out", "x");
        refused("--model", "no-such-model", "bench", "train", "--model", "no-such-model");
    }

    @Test
    void predictNamesAMissingModelFolderAndNeedsASentence(@TempDir Path dir) {
        assertEquals(1, run("predict", "--model", dir.resolve("absent").toString(), "great film"));
        assertTrue(err().contains("absent: not a model folder"), err());
        assertEquals(2, run("predict", "--model", dir.toString()));
        assertTrue(err().contains("<sentence>"), err());
    }
}
