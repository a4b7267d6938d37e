package org.privtune.ui.help;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.custom.StyleRange;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.Font;
import org.eclipse.swt.graphics.FontData;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.program.Program;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Tree;
import org.eclipse.swt.widgets.TreeItem;
import org.privtune.ui.widgets.WidgetIds;

/**
 * Help > Help Contents: the help book in a window of its own, pages and their sections in a tree
 * on the left, the selected page on the right. A link to another page or section opens it there;
 * a web link goes to the system's browser. Works in the standalone studio and in an Eclipse IDE
 * alike (SWT only, no embedded browser).
 */
public final class HelpWindow {

    /** The window's title. */
    public static final String TITLE = "PrivTune Studio Help";

    private static HelpWindow open;

    private final HelpBook book;
    private final Shell shell;
    private final Tree tree;
    private final StyledText page;
    private final Font[] fonts;
    private final Color linkColour;
    private final Color codeBackground;
    private MarkdownText shown;
    private String shownFile;

    private HelpWindow(Display display, HelpBook book) {
        this.book = book;
        shell = new Shell(display, SWT.SHELL_TRIM);
        shell.setText(TITLE);
        shell.setLayout(new FillLayout());
        shell.setSize(1100, 760);
        SashForm sash = new SashForm(shell, SWT.HORIZONTAL);
        tree = WidgetIds.name(new Tree(sash, SWT.BORDER | SWT.SINGLE), "helpTopics");
        page = WidgetIds.name(new StyledText(sash, SWT.BORDER | SWT.V_SCROLL | SWT.WRAP | SWT.READ_ONLY), "helpPage");
        page.setMargins(16, 12, 16, 12);
        page.setFont(JFaceResources.getDialogFont());
        sash.setWeights(26, 74);
        FontData base = JFaceResources.getDialogFont().getFontData()[0];
        fonts = new Font[] {font(display, base, 1.6, SWT.BOLD), font(display, base, 1.3, SWT.BOLD),
            font(display, base, 1.1, SWT.BOLD), JFaceResources.getTextFont()};
        linkColour = new Color(new RGB(0x1a, 0x5f, 0xb4));
        codeBackground = new Color(new RGB(0xf3, 0xf3, 0xf3));
        shell.addDisposeListener(e -> {
            for (int i = 0; i < 3; i++) {
                fonts[i].dispose();
            }
            open = null;
        });
        for (HelpBook.Page p : book.pages()) {
            TreeItem item = new TreeItem(tree, SWT.NONE);
            item.setText(p.title());
            item.setData(new String[] {p.file(), ""});
            for (MarkdownText.Heading h : MarkdownText.render(p.markdown()).headings()) {
                if (h.level() == 2) {
                    TreeItem sub = new TreeItem(item, SWT.NONE);
                    sub.setText(h.text());
                    sub.setData(new String[] {p.file(), h.anchor()});
                }
            }
        }
        tree.addListener(SWT.Selection, e -> {
            if (e.item != null && e.item.getData() instanceof String[] target) {
                show(target[0], target[1]);
            }
        });
        page.addListener(SWT.MouseUp, e -> {
            if (e.button != 1 || page.getSelectionCount() > 0) {
                return;
            }
            int offset = page.getOffsetAtPoint(new org.eclipse.swt.graphics.Point(e.x, e.y));
            String target = linkAt(offset);
            if (target != null) {
                follow(target);
            }
        });
        if (book.pages().isEmpty()) {
            page.setText("The help pages are not part of this installation: they are the user docs (docs/*.md) that the "
                    + "build copies into the bundle org.privtune.ui. Read them in the docs folder of the sources.");
        } else {
            show(book.pages().get(0).file(), "");
        }
    }

    private static Font font(Display d, FontData base, double scale, int style) {
        return new Font(d, new FontData(base.getName(), (int) Math.round(base.getHeight() * scale), style));
    }

    /** Opens the help window (or brings the open one to the front) at the book's first page. */
    public static HelpWindow open(Display display) {
        if (open == null || open.shell.isDisposed()) {
            open = new HelpWindow(display, HelpBook.load());
            open.shell.open();
        } else {
            open.shell.setActive();
        }
        return open;
    }

    public Shell shell() {
        return shell;
    }

    /** The file name of the page shown. */
    public String shownFile() {
        return shownFile;
    }

    public String shownText() {
        return page.getText();
    }

    /** The link targets on the shown page, in order. */
    public List<String> links() {
        List<String> out = new ArrayList<>();
        if (shown != null) {
            shown.links().forEach(r -> out.add(r.target()));
        }
        return out;
    }

    /** Follows a link as a click does: another page (and section), a section of this page, or the web. */
    public void follow(String target) {
        if (target.startsWith("http://") || target.startsWith("https://")) {
            Program.launch(target);
            return;
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? "" : target.substring(hash + 1);
        if (file.isEmpty()) {
            file = shownFile;
        }
        file = file.substring(file.lastIndexOf('/') + 1);
        if (book.page(file) != null) {
            show(file, anchor);
        }
    }

    /** Shows a page, scrolled to the heading with {@code anchor} (empty: the top). */
    public void show(String file, String anchor) {
        HelpBook.Page p = book.page(file);
        if (p == null) {
            return;
        }
        if (!file.equals(shownFile)) {
            shown = MarkdownText.render(p.markdown());
            shownFile = file;
            page.setText(shown.text());
            page.setStyleRanges(styles(shown));
        }
        int offset = anchor.isEmpty() ? 0 : Math.max(0, shown.offsetOf(anchor));
        page.setTopIndex(page.getLineAtOffset(offset));
        shell.setText(p.title() + " \u2014 " + TITLE);
    }

    private String linkAt(int offset) {
        if (shown == null || offset < 0) {
            return null;
        }
        for (MarkdownText.Run r : shown.links()) {
            if (offset >= r.start() && offset < r.start() + r.length()) {
                return r.target();
            }
        }
        return null;
    }

    private StyleRange[] styles(MarkdownText m) {
        List<StyleRange> out = new ArrayList<>();
        for (MarkdownText.Run r : m.runs()) {
            StyleRange s = new StyleRange();
            s.start = r.start();
            s.length = r.length();
            switch (r.style()) {
                case H1 -> s.font = fonts[0];
                case H2 -> s.font = fonts[1];
                case H3 -> s.font = fonts[2];
                case BOLD -> s.fontStyle = SWT.BOLD;
                case ITALIC, PICTURE -> s.fontStyle = SWT.ITALIC;
                case CODE -> {
                    s.font = fonts[3];
                    s.background = codeBackground;
                }
                case CODE_BLOCK -> {
                    s.font = fonts[3];
                    s.background = codeBackground;
                }
                case LINK -> {
                    s.foreground = linkColour;
                    s.underline = true;
                    s.underlineStyle = SWT.UNDERLINE_LINK;
                    s.data = r.target();
                }
            }
            out.add(s);
        }
        // StyledText wants the ranges in order and not overlapping
        out.sort(java.util.Comparator.comparingInt(s -> s.start));
        List<StyleRange> clean = new ArrayList<>();
        int end = 0;
        for (StyleRange s : out) {
            if (s.start >= end) {
                clean.add(s);
                end = s.start + s.length;
            }
        }
        return clean.toArray(StyleRange[]::new);
    }
}
