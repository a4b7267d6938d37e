package org.privtune.ui.prefs;

import org.eclipse.jface.preference.PreferenceDialog;
import org.eclipse.jface.preference.PreferenceManager;
import org.eclipse.jface.preference.PreferenceNode;
import org.eclipse.swt.widgets.Shell;

/** The JFace preference dialog with the studio's page (E4 has no preference registry of its own). */
public final class StudioPreferencesDialog {

    private StudioPreferencesDialog() {
    }

    public static PreferenceDialog create(Shell shell) {
        PreferenceManager manager = new PreferenceManager();
        manager.addToRoot(new PreferenceNode("org.privtune.ui.prefs.studio", new StudioPreferencePage()));
        PreferenceDialog d = new PreferenceDialog(shell, manager);
        return d;
    }
}
