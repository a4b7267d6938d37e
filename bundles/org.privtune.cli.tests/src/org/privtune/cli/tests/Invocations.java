package org.privtune.cli.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every {@code ./privtune ...} command line written in the user docs, the README and the scripts of
 * releng/: code blocks and code spans of Markdown, code spans and {@code [PRIVTUNE, ...]} argument
 * lists of Python, command lines of shell scripts (comments aside). A {@code text} block is a
 * transcript, not a script, and is left out. Placeholders stay as written
 * ({@code <folder>}, {@code $port}, {@code {steps}}, {@code B}); the test puts a value of the right
 * type in their place.
 */
final class Invocations {

    /** One command line: where it is written and its arguments after {@code ./privtune}. */
    record Invocation(String where, List<String> args) {
        @Override
        public String toString() {
            return where + ": ./privtune " + String.join(" ", args);
        }
    }

    private static final Pattern FENCE = Pattern.compile("(?ms)^\\s*```([^\\n]*)\\n(.*?)^\\s*```");
    private static final Pattern SPAN = Pattern.compile("`([^`]+)`");
    private static final Pattern LAUNCHER = Pattern.compile("(?:\"\\$\\w+/privtune\"|\\$\\w+/privtune|\\./privtune)(?=\\s|$)(.*)");
    private static final Pattern PY_LIST = Pattern.compile("\\[(?:\\w+\\.)?PRIVTUNE((?:,[^\\]]*)?)\\]");

    private Invocations() {
    }

    /** The command lines of README.md, docs/ (Markdown) and releng/ (shell and Python). */
    static List<Invocation> in(Path root) {
        List<Invocation> all = new ArrayList<>();
        markdown(root, root.resolve("README.md"), all);
        for (Path f : files(root.resolve("docs"), ".md")) {
            markdown(root, f, all);
        }
        for (Path f : files(root.resolve("releng"), ".sh")) {
            shell(root, f, all);
        }
        for (Path f : files(root.resolve("releng"), ".py")) {
            python(root, f, all);
        }
        return all;
    }

    private static List<Path> files(Path dir, String suffix) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix) && Files.isRegularFile(p))
                    .filter(p -> !p.toString().contains("/target/")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String where(Path root, Path f, String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return root.relativize(f) + ":" + line;
    }

    private static void markdown(Path root, Path f, List<Invocation> all) {
        String text = read(f);
        StringBuilder prose = new StringBuilder(text);
        Matcher fence = FENCE.matcher(text);
        while (fence.find()) {
            if (List.of("", "sh", "bash", "shell").contains(fence.group(1).trim())) { // not a transcript (text)
                codeLines(root, f, text, fence.start(2), fence.group(2), all);
            }
            for (int i = fence.start(); i < fence.end(); i++) {
                if (prose.charAt(i) != '\n') {
                    prose.setCharAt(i, ' ');
                }
            }
        }
        spans(root, f, text, prose.toString(), all);
    }

    /** Code spans that start with a command line (a span may run over a line break). */
    private static void spans(Path root, Path f, String text, String prose, List<Invocation> all) {
        Matcher span = SPAN.matcher(prose);
        while (span.find()) {
            String code = span.group(1).replace('\n', ' ').trim();
            Matcher m = LAUNCHER.matcher(code);
            if (m.find() && code.substring(0, m.start()).matches("([A-Z_]+=\\S+\\s+)*")) {
                add(where(root, f, text, span.start()), m.group(1), all);
            }
        }
    }

    /** Lines of a code block or a script, continuation lines joined, comment lines left out. */
    private static void codeLines(Path root, Path f, String text, int start, String code, List<Invocation> all) {
        String[] lines = code.split("\n", -1);
        int offset = start;
        for (int i = 0; i < lines.length; i++) {
            int lineStart = offset;
            StringBuilder logical = new StringBuilder(lines[i]);
            offset += lines[i].length() + 1;
            while (logical.toString().endsWith("\\") && i + 1 < lines.length) {
                logical.setLength(logical.length() - 1);
                logical.append(' ').append(lines[++i]);
                offset += lines[i].length() + 1;
            }
            String line = logical.toString();
            if (line.trim().startsWith("#")) {
                continue;
            }
            Matcher m = LAUNCHER.matcher(line);
            if (m.find()) {
                add(where(root, f, text, lineStart), m.group(1), all);
            }
        }
    }

    private static void shell(Path root, Path f, List<Invocation> all) {
        String text = read(f);
        codeLines(root, f, text, 0, text, all);
    }

    private static void python(Path root, Path f, List<Invocation> all) {
        String text = read(f);
        spans(root, f, text, text, all);
        Matcher m = PY_LIST.matcher(text);
        while (m.find()) {
            List<String> args = new ArrayList<>();
            for (String item : m.group(1).split(",")) {
                String t = item.trim();
                if (t.isEmpty()) {
                    continue;
                }
                args.add(t.matches("\"[^\"]*\"|'[^']*'") ? t.substring(1, t.length() - 1) : "{" + t + "}");
            }
            all.add(new Invocation(where(root, f, text, m.start()), args));
        }
    }

    private static void add(String where, String rest, List<Invocation> all) {
        // in a script, a command line quoted as Markdown inside an echoed string ends at its closing
        // (escaped) backtick
        int tick = rest.indexOf("\\`");
        all.add(new Invocation(where, words(tick < 0 ? rest : rest.substring(0, tick))));
    }

    /**
     * Shell words up to a redirection, pipe, list operator or comment; quotes removed; a
     * {@code <placeholder with spaces>} is one word.
     */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '#' || c == '>' || c == '|' || c == '&' || c == ';' || c == ')'
                    || (c == '2' && i + 1 < n && s.charAt(i + 1) == '>')) {
                break;
            }
            StringBuilder w = new StringBuilder();
            while (i < n && !Character.isWhitespace(s.charAt(i))) {
                char d = s.charAt(i);
                if (d == '"' || d == '\'') {
                    int end = s.indexOf(d, i + 1);
                    end = end < 0 ? n : end;
                    w.append(s, i + 1, end);
                    i = Math.min(n, end + 1);
                } else if (d == '<') {
                    int end = s.indexOf('>', i + 1);
                    end = end < 0 ? n - 1 : end;
                    w.append(s, i, end + 1);
                    i = end + 1;
                } else if (d == '>' || d == '|' || d == ';' || d == '&') {
                    break;
                } else {
                    w.append(d);
                    i++;
                }
            }
            out.add(w.toString());
            if (i < n && !Character.isWhitespace(s.charAt(i))) {
                break; // an operator right after a word
            }
        }
        return out;
    }
}
