package org.privtune.ui.ide;

import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.ui.IExportWizard;
import org.eclipse.ui.IWorkbench;
import org.privtune.ui.export.ExportWizard;

/** File > Export... > PrivTune in an Eclipse IDE: the studio's export wizard. */
public class IdeExportWizard extends ExportWizard implements IExportWizard {

    @Override
    public void init(IWorkbench workbench, IStructuredSelection selection) {
        // the wizard's pages start from the studio's preferences, not from the IDE's selection
    }
}
