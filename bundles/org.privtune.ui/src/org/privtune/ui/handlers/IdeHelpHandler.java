package org.privtune.ui.handlers;

import org.eclipse.core.commands.AbstractHandler;
import org.eclipse.core.commands.ExecutionEvent;
import org.eclipse.swt.widgets.Display;
import org.privtune.ui.help.HelpWindow;

/**
 * Help > PrivTune Studio Help inside an Eclipse IDE (plugin.xml): the same help book as the
 * standalone studio's Help > Help Contents.
 */
public class IdeHelpHandler extends AbstractHandler {

    @Override
    public Object execute(ExecutionEvent event) {
        HelpWindow.open(Display.getCurrent() != null ? Display.getCurrent() : Display.getDefault());
        return null;
    }
}
