package org.privtune.core.tests.docs;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks the links of the project's Markdown pages (README.md and everything under docs/): every
 * relative link must name a file or folder of the repository, and a {@code #fragment} must name a
 * heading of the linked page (GitHub's anchors: lower case, punctuation dropped, spaces as
 * hyphens, "-1", "-2" for repeats). Links that leave the repository (any {@code scheme:} or
 * {@code //host}) are reported too: the pages name no network hosts, and such a link could not be
 * checked offline anyway. Code blocks and code spans are not read.
 */
public final class DocLinks {

    /** One problem: the page, its line, the link and what is wrong with it. */
    public record Problem(Path page, int line, String link, String reason) {

        @Override
        public String toString() {
            return page + ":" + line + ": " + link + ": " + reason;
        }
    }

    private static final Pattern INLINE = Pattern.compile("\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s+\"[^\"]*\")?\\s*$");
    private static final Pattern HTML = Pattern.compile("(?:src|href)\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern EXTERNAL = Pattern.compile("^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//).*");

    private final Path root;
    private final Map<Path, Set<String>> anchors = new HashMap<>();

    public DocLinks(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** README.md at the root and every .md file under docs/. */
    public List<Path> pages() throws IOException {
        List<Path> out = new ArrayList<>();
        if (Files.isRegularFile(root.resolve("README.md"))) {
            out.add(root.resolve("README.md"));
        }
        Path docs = root.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> s = Files.walk(docs)) {
                s.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p)).sorted().forEach(out::add);
            }
        }
        return out;
    }

    /** Every link of every page that does not resolve. */
    public List<Problem> check() throws IOException {
        List<Problem> out = new ArrayList<>();
        for (Path p : pages()) {
            out.addAll(check(p));
        }
        return out;
    }

    /** The links of one page, with their line numbers, outside code. */
    public static List<Map.Entry<Integer, String>> links(String markdown) {
        List<Map.Entry<Integer, String>> out = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        boolean fenced = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.stripLeading().startsWith("```") || line.stripLeading().startsWith("~~~")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            String text = line.replaceAll("`[^`]*`", "``");
            for (Pattern p : List.of(INLINE, HTML)) {
                Matcher m = p.matcher(text);
                while (m.find()) {
                    out.add(Map.entry(i + 1, m.group(1)));
                }
            }
            Matcher r = REFERENCE.matcher(text);
            if (r.matches()) {
                out.add(Map.entry(i + 1, r.group(1)));
            }
        }
        return out;
    }

    List<Problem> check(Path page) throws IOException {
        List<Problem> out = new ArrayList<>();
        String md = Files.readString(page, StandardCharsets.UTF_8);
        Path rel = root.relativize(page.toAbsolutePath().normalize());
        for (Map.Entry<Integer, String> l : links(md)) {
            String link = l.getValue();
            if (link.isEmpty()) {
                out.add(new Problem(rel, l.getKey(), link, "empty link"));
                continue;
            }
            if (EXTERNAL.matcher(link).matches()) {
                out.add(new Problem(rel, l.getKey(), link,
                        "leaves the repository (the pages name no network hosts; link a file of the repository)"));
                continue;
            }
            int hash = link.indexOf('#');
            String file = hash < 0 ? link : link.substring(0, hash);
            String fragment = hash < 0 ? null : link.substring(hash + 1);
            Path target = file.isEmpty() ? page.toAbsolutePath().normalize()
                    : page.toAbsolutePath().getParent().resolve(URLDecoder.decode(file, StandardCharsets.UTF_8))
                            .normalize();
            if (!target.startsWith(root)) {
                out.add(new Problem(rel, l.getKey(), link, "points outside the repository"));
                continue;
            }
            if (!Files.exists(target)) {
                out.add(new Problem(rel, l.getKey(), link, "no such file: " + root.relativize(target)));
                continue;
            }
            if (fragment != null && !fragment.isEmpty()) {
                if (!target.toString().endsWith(".md")) {
                    out.add(new Problem(rel, l.getKey(), link, "a #fragment needs a Markdown page"));
                } else if (!anchors(target).contains(URLDecoder.decode(fragment, StandardCharsets.UTF_8))) {
                    out.add(new Problem(rel, l.getKey(), link,
                            "no heading with anchor #" + fragment + " in " + root.relativize(target)));
                }
            }
        }
        return out;
    }

    /** The anchors GitHub gives the headings of a page. */
    Set<String> anchors(Path page) throws IOException {
        Set<String> cached = anchors.get(page);
        if (cached != null) {
            return cached;
        }
        Set<String> out = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : Files.readString(page, StandardCharsets.UTF_8).split("\n", -1)) {
            if (line.stripLeading().startsWith("```") || line.stripLeading().startsWith("~~~")) {
                fenced = !fenced;
                continue;
            }
            Matcher m = HEADING.matcher(line);
            if (fenced || !m.matches()) {
                continue;
            }
            String slug = slug(m.group(2));
            int n = seen.merge(slug, 1, Integer::sum) - 1;
            out.add(n == 0 ? slug : slug + "-" + n);
        }
        anchors.put(page, out);
        return out;
    }

    /** GitHub's anchor for a heading's text. */
    public static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1") // links and images: their text
                .replace("`", "").replaceAll("<[^>]+>", "");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetterOrDigit(cp) || cp == '-' || cp == '_') {
                sb.appendCodePoint(cp);
            } else if (cp == ' ') {
                sb.append('-');
            }
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
