package org.privtune.ui.export;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.wizard.IWizardPage;
import org.eclipse.jface.wizard.WizardPage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.privtune.core.InvalidInputException;
import org.privtune.ui.widgets.WidgetIds;

/**
 * A page of the export wizard that says where from and where to. Its fields are named
 * ({@link WidgetIds}); the page is complete once the required fields are filled, and
 * {@link #request()} checks them, naming the field of the first one refused.
 */
abstract class ExportPage extends WizardPage {

    ExportPage(String name, String title, String description) {
        super(name);
        setTitle(title);
        setDescription(description);
        setPageComplete(false);
    }

    /** The checked export, or an {@link InvalidInputException} naming the field. */
    abstract ExportWizard.Request request();

    /** Are the required fields filled? */
    abstract boolean filled();

    @Override
    public IWizardPage getNextPage() {
        return null;
    }

    @Override
    public IWizardPage getPreviousPage() {
        return ((ExportWizard) getWizard()).kindPage;
    }

    /** Re-computes completeness and clears an old error when a field changes. */
    void changed() {
        setErrorMessage(null);
        setPageComplete(filled());
    }

    /** A label, a text field named {@code id} and a Browse... button that picks a folder or a file to write. */
    Text pathField(Composite parent, String label, String id, String tooltip, boolean folder, String extension) {
        new Label(parent, SWT.NONE).setText(label + ":");
        Text text = WidgetIds.name(new Text(parent, SWT.BORDER), id);
        text.setToolTipText(tooltip);
        GridDataFactory.fillDefaults().grab(true, false).hint(380, SWT.DEFAULT).applyTo(text);
        text.addModifyListener(e -> changed());
        Button browse = WidgetIds.name(new Button(parent, SWT.PUSH), id + ".browse");
        browse.setText("Browse...");
        browse.addListener(SWT.Selection, e -> {
            String chosen;
            if (folder) {
                DirectoryDialog d = new DirectoryDialog(getShell());
                d.setMessage(tooltip);
                d.setFilterPath(text.getText());
                chosen = d.open();
            } else {
                FileDialog d = new FileDialog(getShell(), SWT.SAVE);
                d.setOverwrite(true);
                d.setFilterExtensions(new String[] { "*" + extension, "*" });
                d.setFileName(text.getText());
                chosen = d.open();
            }
            if (chosen != null) {
                text.setText(chosen);
            }
        });
        return text;
    }

    /** The path typed in {@code text}, or an error naming {@code field}. */
    static Path path(Text text, String field) {
        String v = text.getText().trim();
        if (v.isEmpty()) {
            throw new InvalidInputException(field, 0, null, "empty");
        }
        try {
            return Path.of(v);
        } catch (InvalidPathException e) {
            throw new InvalidInputException(field, 0, null, "not a path: " + e.getMessage());
        }
    }

    static boolean filled(Text... texts) {
        for (Text t : texts) {
            if (t.getText().trim().isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
