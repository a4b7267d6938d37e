package org.privtune.ui.handlers;

import jakarta.inject.Named;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.ui.services.IServiceConstants;
import org.eclipse.jface.wizard.WizardDialog;
import org.eclipse.swt.widgets.Shell;
import org.privtune.ui.export.ExportWizard;

/** File > Export...: the export wizard (a trained model, representations for an audit, result tables). */
public class ExportHandler {

    @Execute
    public void execute(@Named(IServiceConstants.ACTIVE_SHELL) Shell shell) {
        open(shell);
    }

    /** Opens the wizard over {@code shell} and returns at once when the dialog does not block. */
    public static WizardDialog open(Shell shell) {
        WizardDialog dialog = new WizardDialog(shell, new ExportWizard());
        dialog.open();
        return dialog;
    }
}
