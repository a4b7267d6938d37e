package org.privtune.ui.widgets;

import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Widget;

/**
 * Names the studio's widgets: {@code widget.getData("id")} holds a name unique within its view, by
 * which tests and tools find a control without a reference to the view's classes.
 */
public final class WidgetIds {

    /** The data key of a widget's name. */
    public static final String KEY = "id";

    private WidgetIds() {
    }

    /** Names {@code widget} and returns it. */
    public static <W extends Widget> W name(W widget, String id) {
        widget.setData(KEY, id);
        return widget;
    }

    /** The control named {@code id} under {@code root} (depth first), or null. */
    public static Control find(Control root, String id) {
        if (id.equals(root.getData(KEY))) {
            return root;
        }
        if (root instanceof Composite c) {
            for (Control child : c.getChildren()) {
                Control found = find(child, id);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
