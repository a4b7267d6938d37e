package org.privtune.ui.help;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * The studio's help book: the user docs ({@code docs/*.md}), which the build copies into this
 * bundle's {@code help/} folder. The user guide comes first, then the other pages by title.
 */
public final class HelpBook {

    /** Folder of the pages inside the bundle. */
    public static final String FOLDER = "help";
    /** The page the book opens with. */
    public static final String FIRST = "user-guide.md";

    /** One page: its file name, title (first heading) and Markdown text. */
    public record Page(String file, String title, String markdown) {
    }

    private final List<Page> pages;

    private HelpBook(List<Page> pages) {
        this.pages = pages;
    }

    /** The pages shipped in this bundle (empty when the bundle was built without them). */
    public static HelpBook load() {
        Bundle bundle = FrameworkUtil.getBundle(HelpBook.class);
        List<Page> pages = new ArrayList<>();
        Enumeration<URL> entries = bundle == null ? null : bundle.findEntries(FOLDER, "*.md", false);
        if (entries != null) {
            for (URL url : Collections.list(entries)) {
                String path = url.getPath();
                String file = path.substring(path.lastIndexOf('/') + 1);
                try (InputStream in = url.openStream()) {
                    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    pages.add(new Page(file, title(text, file), text));
                } catch (IOException e) {
                    pages.add(new Page(file, file, "# " + file + "\n\nThis page could not be read: " + e.getMessage()));
                }
            }
        }
        return of(pages);
    }

    /** A book of the given pages, ordered as the studio shows them. */
    public static HelpBook of(List<Page> pages) {
        List<Page> sorted = new ArrayList<>(pages);
        sorted.sort(Comparator.comparing((Page p) -> !p.file().equals(FIRST)).thenComparing(Page::title));
        return new HelpBook(List.copyOf(sorted));
    }

    public List<Page> pages() {
        return pages;
    }

    /** The page of a file name such as {@code method.md}, or null. */
    public Page page(String file) {
        for (Page p : pages) {
            if (p.file().equals(file)) {
                return p;
            }
        }
        return null;
    }

    /** The text of the first heading, else the file name. */
    static String title(String markdown, String file) {
        for (String line : markdown.split("\n")) {
            if (line.startsWith("# ")) {
                return line.substring(2).trim();
            }
        }
        return file;
    }
}
