package org.privtune.ui.tuner;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Event;

/**
 * A horizontal slider over positions {@code 0..max}, drawn on a Canvas (the native GTK scale did
 * not paint inside the studio's themed part stack). Drag, click, arrow keys and Page Up/Down move
 * it; every move sends {@code SWT.Selection}, as a Scale would.
 */
public final class PositionSlider extends Canvas {

    private final int max;
    private int selection;
    private final Color accent = new Color(new RGB(0x1f, 0x77, 0xb4));
    private final Color track = new Color(new RGB(0xd0, 0xd4, 0xda));

    public PositionSlider(Composite parent, int max) {
        super(parent, SWT.DOUBLE_BUFFERED);
        this.max = max;
        addPaintListener(e -> paint(e.gc));
        addListener(SWT.MouseDown, e -> {
            setFocus();
            moveTo(e.x);
        });
        addListener(SWT.MouseMove, e -> {
            if ((e.stateMask & SWT.BUTTON1) != 0) {
                moveTo(e.x);
            }
        });
        addListener(SWT.KeyDown, e -> {
            int step = switch (e.keyCode) {
                case SWT.ARROW_LEFT, SWT.ARROW_DOWN -> -1;
                case SWT.ARROW_RIGHT, SWT.ARROW_UP -> 1;
                case SWT.PAGE_DOWN -> -10;
                case SWT.PAGE_UP -> 10;
                default -> 0;
            };
            if (step != 0) {
                userSet(selection + step);
            }
        });
        addListener(SWT.Traverse, e -> e.doit = e.detail != SWT.TRAVERSE_ARROW_NEXT && e.detail != SWT.TRAVERSE_ARROW_PREVIOUS);
        addListener(SWT.FocusIn, e -> redraw());
        addListener(SWT.FocusOut, e -> redraw());
        addDisposeListener(e -> {
            accent.dispose();
            track.dispose();
        });
    }

    private int inset() {
        return 8;
    }

    private void moveTo(int x) {
        int w = Math.max(1, getSize().x - 2 * inset());
        userSet((int) Math.round((x - inset()) * max / (double) w));
    }

    private void userSet(int position) {
        int p = Math.max(0, Math.min(max, position));
        if (p != selection) {
            selection = p;
            redraw();
            notifyListeners(SWT.Selection, new Event());
        }
    }

    public int getSelection() {
        return selection;
    }

    /** Sets the position without an event, like Scale.setSelection. */
    public void setSelection(int position) {
        selection = Math.max(0, Math.min(max, position));
        redraw();
    }

    public int getMaximum() {
        return max;
    }

    private void paint(GC gc) {
        Point size = getSize();
        int y = size.y / 2;
        int w = size.x - 2 * inset();
        int x = inset() + (int) Math.round(w * selection / (double) max);
        gc.setAntialias(SWT.ON);
        gc.setBackground(isEnabled() ? track : getDisplay().getSystemColor(SWT.COLOR_WIDGET_LIGHT_SHADOW));
        gc.fillRoundRectangle(inset(), y - 2, w, 4, 4, 4);
        if (isEnabled()) {
            gc.setBackground(accent);
            gc.fillRoundRectangle(inset(), y - 2, x - inset(), 4, 4, 4);
        }
        gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WHITE));
        gc.fillOval(x - 7, y - 7, 14, 14);
        gc.setForeground(isEnabled() ? accent : track);
        gc.setLineWidth(isFocusControl() ? 2 : 1);
        gc.drawOval(x - 7, y - 7, 14, 14);
    }

    @Override
    public Point computeSize(int wHint, int hHint, boolean changed) {
        return new Point(wHint == SWT.DEFAULT ? 120 : wHint, hHint == SWT.DEFAULT ? 22 : hHint);
    }

    @Override
    public void setEnabled(boolean enabled) {
        super.setEnabled(enabled);
        redraw();
    }
}
