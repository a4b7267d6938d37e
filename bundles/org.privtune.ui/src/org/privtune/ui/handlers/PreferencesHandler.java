package org.privtune.ui.handlers;

import jakarta.inject.Named;
import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.ui.services.IServiceConstants;
import org.eclipse.swt.widgets.Shell;
import org.privtune.ui.prefs.StudioPreferencesDialog;

/** Window > Preferences... */
public class PreferencesHandler {

    @Execute
    public void execute(@Named(IServiceConstants.ACTIVE_SHELL) Shell shell) {
        StudioPreferencesDialog.create(shell).open();
    }
}
