package org.privtune.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.privtune.cli.PrivTuneCli;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Every {@code ./privtune} command line in README.md, docs/ and the scripts of releng/ parses with
 * the command line as it is (nothing run): commands, options and typed values that exist. A line
 * that leaves out a required option (a fragment in prose, such as {@code ./privtune train --epochs 1})
 * passes; a placeholder ({@code <folder>}, {@code $port}) gets a value of the option's type.
 */
class DocumentedCommandLinesTest {

    static Path root() {
        String prop = System.getProperty("privtune.repo.root");
        if (prop != null) {
            return Path.of(prop).toAbsolutePath();
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("README.md")) && Files.isRegularFile(d.resolve("pom.xml"))
                    && Files.isDirectory(d.resolve("docs"))) {
                return d;
            }
        }
        throw new IllegalStateException("no folder at or above " + Path.of("").toAbsolutePath() + " holds README.md and docs/");
    }

    @Test
    void everyDocumentedCommandLineParses() {
        List<Invocations.Invocation> all = Invocations.in(root());
        List<String> problems = new ArrayList<>();
        int checked = 0;
        Set<String> commands = new java.util.TreeSet<>();
        for (Invocations.Invocation inv : all) {
            List<String> args = new ArrayList<>(inv.args());
            args.removeIf(a -> a.equals("$@") || a.matches("\\$\\{\\w+\\[@\\]\\}"));
            if (args.isEmpty() || args.get(0).matches("(build|gui)\\b.*") || placeholder(args.get(0))) {
                continue;
            }
            PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            CommandLine cl = PrivTuneCli.commandLine(sink, sink);
            List<String> filled = fill(cl, args);
            try {
                cl.parseArgs(filled.toArray(String[]::new));
            } catch (MissingParameterException e) {
                // a fragment: every word it has is right
            } catch (ParameterException e) {
                problems.add(inv + "\n    " + e.getMessage());
            }
            checked++;
            commands.add(args.get(0));
        }
        assertTrue(problems.isEmpty(), problems.size() + " command lines do not parse:\n" + String.join("\n", problems));
        assertTrue(checked >= 60, "found only " + checked + " command lines");
        assertTrue(commands.containsAll(Set.of("data", "train", "cloud", "cloud-keys", "predict", "experiment",
                "export-representations", "verify-model", "bench", "--help", "help")), "commands covered: " + commands);
    }

    @Test
    void theExtractionFindsCommandLinesOfEveryKind() {
        List<String> found = Invocations.in(root()).stream().map(Invocations.Invocation::toString).toList();
        String joined = String.join("\n", found);
        // a Markdown code block with a continuation line, a shell script, a Python argument list
        assertTrue(found.stream().anyMatch(f -> f.startsWith("docs/results.md:") && f.contains(": ./privtune experiment"
                + " --data sentiment --split 2 --seeds 3 --eps 100 --out results-full --mechanisms privtune-swap:keep=0.3,n=3,")),
                joined);
        assertTrue(found.stream().anyMatch(f -> f.startsWith("releng/bench/connector-throughput.sh:")
                && f.endsWith("./privtune cloud --port $port --max-sessions=1")), joined);
        assertTrue(found.stream().anyMatch(f -> f.startsWith("releng/bench/bench.py:")
                && f.endsWith("./privtune bench mechanism 2 10 {cache}")), joined);
        assertTrue(found.stream().anyMatch(f -> f.startsWith("docs/user-guide.md:")
                && f.endsWith("./privtune export-representations --mechanism <spec> --out reps.safetensors")), joined);
        // and a command line that does not parse is caught
        CommandLine cl = PrivTuneCli.commandLine(System.out, System.err);
        List<String> bad = fill(cl, Invocations.words("train --epocs 1 --out <folder>"));
        boolean refused = false;
        try {
            cl.parseArgs(bad.toArray(String[]::new));
        } catch (ParameterException e) {
            refused = !(e instanceof MissingParameterException);
        }
        assertTrue(refused, "a mistyped option is refused");
    }

    /** The user guide's transcript of refused command lines is what the command line prints. */
    @Test
    void theUserGuidesTranscriptIsWhatTheCommandLinePrints() throws Exception {
        String guide = Files.readString(root().resolve("docs/user-guide.md"));
        int section = guide.indexOf("## The command line");
        assertTrue(section >= 0, "docs/user-guide.md has a section on the command line");
        int start = guide.indexOf("```text\n", section) + "```text\n".length();
        String transcript = guide.substring(start, guide.indexOf("```", start));
        String[] blocks = transcript.split("(?m)^\\$ ");
        int commands = 0;
        for (String block : blocks) {
            if (block.isBlank()) {
                continue;
            }
            String command = block.substring(0, block.indexOf('\n'));
            String expected = block.substring(block.indexOf('\n') + 1);
            List<String> words = Invocations.words(command);
            assertTrue(words.get(0).equals("./privtune"), command);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            int code = new PrivTuneCli().run(words.subList(1, words.size()), sink,
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(2, code, command);
            assertEquals(expected, err.toString(StandardCharsets.UTF_8), command);
            commands++;
        }
        assertTrue(commands >= 2, transcript);
    }

    static boolean placeholder(String word) {
        return word.matches("<.*>|\\$.*|.*\\$\\{?\\w.*|\\{.*\\}|\\.\\.\\.|[A-Z][A-Z_]*");
    }

    /** The words with each placeholder replaced by a value of the type its option or position takes. */
    static List<String> fill(CommandLine top, List<String> words) {
        List<String> out = new ArrayList<>();
        CommandSpec cmd = top.getCommandSpec();
        int position = 0;
        ArgSpec pending = null;
        for (String w : words) {
            if (pending != null) {
                out.add(placeholder(w) ? sample(pending) : w);
                pending = null;
                continue;
            }
            if (w.startsWith("-") && w.length() > 1) {
                String name = w.contains("=") ? w.substring(0, w.indexOf('=')) : w;
                OptionSpec o = cmd.findOption(name);
                if (o != null && w.contains("=")) {
                    String value = w.substring(w.indexOf('=') + 1);
                    out.add(name + "=" + (placeholder(value) ? sample(o) : value));
                    continue;
                }
                if (o != null && o.arity().max() > 0) {
                    pending = o;
                }
                out.add(w);
                continue;
            }
            if (cmd.subcommands().containsKey(w)) {
                cmd = cmd.subcommands().get(w).getCommandSpec();
                position = 0;
                out.add(w);
                continue;
            }
            ArgSpec p = null;
            for (var pp : cmd.positionalParameters()) {
                if (pp.index().contains(position)) {
                    p = pp;
                    break;
                }
            }
            position++;
            out.add(p != null && placeholder(w) ? sample(p) : w);
        }
        return out;
    }

    private static String sample(ArgSpec a) {
        if (a instanceof OptionSpec o && o.longestName().startsWith("--mechanism")) {
            return "none";
        }
        Class<?> t = a.auxiliaryTypes().length > 0 && a.isMultiValue() ? a.auxiliaryTypes()[0] : a.type();
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
            return "1";
        }
        if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
            return "1";
        }
        if (t.isEnum()) {
            return t.getEnumConstants()[0].toString();
        }
        for (String candidate : List.of("1", "x")) { // the first that the value's own check takes
            boolean taken = true;
            for (var c : a.converters()) {
                try {
                    c.convert(candidate);
                } catch (Exception e) {
                    taken = false;
                }
            }
            if (taken) {
                return candidate;
            }
        }
        return "x";
    }
}
