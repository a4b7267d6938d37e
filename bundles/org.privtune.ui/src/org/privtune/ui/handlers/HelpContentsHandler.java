package org.privtune.ui.handlers;

import jakarta.inject.Named;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.ui.services.IServiceConstants;
import org.eclipse.swt.widgets.Shell;
import org.privtune.ui.help.HelpWindow;

/** Help > Help Contents: the help book made of the user docs. */
public class HelpContentsHandler {

    @Execute
    public void execute(@Named(IServiceConstants.ACTIVE_SHELL) Shell shell) {
        HelpWindow.open(shell.getDisplay());
    }
}
