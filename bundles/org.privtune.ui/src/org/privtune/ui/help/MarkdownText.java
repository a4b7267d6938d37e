package org.privtune.ui.help;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Markdown as styled plain text for a StyledText: the text with the styles of its runs (headings,
 * bold, italic, code, links) and its headings with their anchors. Covers what the user docs use:
 * headings, paragraphs, lists, fenced code, tables (aligned in a fixed-width font), inline code,
 * emphasis, links and pictures (named, not drawn).
 */
public final class MarkdownText {

    /** How a run of text is drawn. */
    public enum Style { H1, H2, H3, BOLD, ITALIC, CODE, CODE_BLOCK, LINK, PICTURE }

    /** A styled run: [start, start + length) of {@link #text()}; a link's target in {@code target}. */
    public record Run(int start, int length, Style style, String target) {
    }

    /** A heading: its level, text, anchor (as GitHub makes it) and offset. */
    public record Heading(int level, String text, String anchor, int offset) {
    }

    private static final Pattern INLINE = Pattern.compile(
            "!\\[([^\\]]*)\\]\\(([^)]*)\\)|\\[([^\\]]+)\\]\\(([^)]*)\\)|`([^`]+)`|\\*\\*([^*]+)\\*\\*|(?<![\\w*])\\*([^*\\s][^*]*)\\*(?![\\w*])");
    private static final Pattern LIST = Pattern.compile("^(\\s*)([-*]|\\d+\\.)\\s+(.*)$");

    private final StringBuilder text = new StringBuilder();
    private final List<Run> runs = new ArrayList<>();
    private final List<Heading> headings = new ArrayList<>();
    /** True after a list item: the next block gets a blank line first. */
    private boolean afterItem;

    private MarkdownText() {
    }

    public String text() {
        return text.toString();
    }

    public List<Run> runs() {
        return runs;
    }

    public List<Heading> headings() {
        return headings;
    }

    /** The runs that are links. */
    public List<Run> links() {
        return runs.stream().filter(r -> r.style() == Style.LINK).toList();
    }

    /** Offset of the heading with this anchor, or -1. */
    public int offsetOf(String anchor) {
        for (Heading h : headings) {
            if (h.anchor().equals(anchor)) {
                return h.offset();
            }
        }
        return -1;
    }

    public static MarkdownText render(String markdown) {
        MarkdownText m = new MarkdownText();
        String[] lines = markdown.replace("\r", "").split("\n", -1);
        StringBuilder paragraph = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.trim();
            if (trimmed.startsWith("```")) {
                m.flush(paragraph);
                m.endList();
                int start = m.text.length();
                for (i++; i < lines.length && !lines[i].trim().startsWith("```"); i++) {
                    m.text.append("    ").append(lines[i]).append('\n');
                }
                m.runs.add(new Run(start, m.text.length() - start, Style.CODE_BLOCK, null));
                m.text.append('\n');
            } else if (trimmed.startsWith("#")) {
                m.flush(paragraph);
                m.endList();
                int level = 0;
                while (level < trimmed.length() && trimmed.charAt(level) == '#') {
                    level++;
                }
                String title = trimmed.substring(level).trim();
                int start = m.text.length();
                m.inline(title);
                String shown = m.text.substring(start);
                m.headings.add(new Heading(level, shown, anchor(title), start));
                m.runs.add(new Run(start, shown.length(), level == 1 ? Style.H1 : level == 2 ? Style.H2 : Style.H3, null));
                m.text.append("\n\n");
            } else if (trimmed.startsWith("|")) {
                m.flush(paragraph);
                m.endList();
                List<String> table = new ArrayList<>();
                for (; i < lines.length && lines[i].trim().startsWith("|"); i++) {
                    table.add(lines[i].trim());
                }
                i--;
                m.table(table);
            } else if (trimmed.isEmpty()) {
                m.flush(paragraph);
            } else {
                Matcher list = LIST.matcher(line);
                if (list.matches()) {
                    m.flush(paragraph);
                    int indent = list.group(1).length() / 2;
                    String marker = list.group(2).endsWith(".") ? list.group(2) : "\u2022";
                    paragraph.append("  ".repeat(indent + 1)).append('\u0000').append(marker).append(' ')
                            .append(list.group(3));
                } else if (paragraph.length() > 0) {
                    paragraph.append(' ').append(trimmed);
                } else {
                    paragraph.append(trimmed);
                }
            }
        }
        m.flush(paragraph);
        return m;
    }

    /** A paragraph or list item: its inline markup, then a line break (and a blank line after prose). */
    private void flush(StringBuilder paragraph) {
        if (paragraph.length() == 0) {
            return;
        }
        String p = paragraph.toString();
        boolean item = p.indexOf('\u0000') >= 0;
        if (!item) {
            endList();
        }
        inline(p.replace("\u0000", ""));
        text.append(item ? "\n" : "\n\n");
        afterItem = item;
        paragraph.setLength(0);
    }

    /** A blank line between a list and the block after it. */
    private void endList() {
        if (afterItem) {
            text.append('\n');
            afterItem = false;
        }
    }

    private void inline(String s) {
        Matcher m = INLINE.matcher(s);
        int at = 0;
        while (m.find()) {
            text.append(s, at, m.start());
            int start = text.length();
            if (m.group(1) != null) {
                text.append("[picture: ").append(m.group(1)).append(']');
                runs.add(new Run(start, text.length() - start, Style.PICTURE, m.group(2)));
            } else if (m.group(3) != null) {
                text.append(strip(m.group(3)));
                runs.add(new Run(start, text.length() - start, Style.LINK, m.group(4)));
            } else if (m.group(5) != null) {
                text.append(m.group(5));
                runs.add(new Run(start, text.length() - start, Style.CODE, null));
            } else if (m.group(6) != null) {
                text.append(m.group(6));
                runs.add(new Run(start, text.length() - start, Style.BOLD, null));
            } else {
                text.append(m.group(7));
                runs.add(new Run(start, text.length() - start, Style.ITALIC, null));
            }
            at = m.end();
        }
        text.append(s.substring(at));
    }

    /** Removes inline markup characters from a link's text. */
    private static String strip(String s) {
        return s.replace("`", "").replace("**", "");
    }

    /** Rows of cells padded to their column's width, in the fixed-width font; the rule row drawn as dashes. */
    private void table(List<String> rows) {
        List<String[]> cells = new ArrayList<>();
        for (String r : rows) {
            String body = r.substring(1, r.endsWith("|") && r.length() > 1 ? r.length() - 1 : r.length());
            String[] parts = body.split("(?<!\\\\)\\|", -1);
            for (int i = 0; i < parts.length; i++) {
                parts[i] = plain(parts[i].trim());
            }
            cells.add(parts);
        }
        int columns = cells.stream().mapToInt(c -> c.length).max().orElse(0);
        int[] width = new int[columns];
        for (String[] row : cells) {
            if (!isRule(row)) {
                for (int i = 0; i < row.length; i++) {
                    width[i] = Math.max(width[i], Math.min(60, row[i].length()));
                }
            }
        }
        int start = text.length();
        for (String[] row : cells) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < columns; i++) {
                String cell = i < row.length ? row[i] : "";
                if (isRule(row)) {
                    line.append("-".repeat(width[i])).append("  ");
                } else {
                    line.append(String.format(Locale.ROOT, "%-" + Math.max(1, width[i]) + "s  ", cell));
                }
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        runs.add(new Run(start, text.length() - start, Style.CODE_BLOCK, null));
        text.append('\n');
    }

    private static boolean isRule(String[] row) {
        for (String c : row) {
            if (!c.matches(":?-+:?")) {
                return false;
            }
        }
        return row.length > 0;
    }

    /** A table cell without its markup: links keep their text, code and emphasis their content. */
    private static String plain(String s) {
        return s.replaceAll("!\\[([^\\]]*)\\]\\([^)]*\\)", "[picture: $1]").replaceAll("\\[([^\\]]+)\\]\\([^)]*\\)", "$1")
                .replace("`", "").replace("**", "").replace("\\|", "|");
    }

    /** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as dashes. */
    public static String anchor(String heading) {
        String plain = heading.replaceAll("\\[([^\\]]+)\\]\\([^)]*\\)", "$1").replace("`", "").toLowerCase(Locale.ROOT);
        StringBuilder b = new StringBuilder();
        for (char c : plain.toCharArray()) {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                b.append(c);
            } else if (c == ' ') {
                b.append('-');
            }
        }
        return b.toString();
    }
}
