package org.privtune.ui.ide;

import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.IWorkbenchPreferencePage;
import org.privtune.ui.prefs.StudioPreferencePage;

/** Window > Preferences > PrivTune Studio in an Eclipse IDE: the studio's preference page. */
public class IdePreferencePage extends StudioPreferencePage implements IWorkbenchPreferencePage {

    @Override
    public void init(IWorkbench workbench) {
        // the page reads and stores the studio's preferences itself
    }
}
