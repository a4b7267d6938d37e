package org.privtune.ui.export;

import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Text;

/** A page with two folders: what to export (named {@code <page>.source}) and where (named {@code <page>.destination}). */
abstract class FolderCopyPage extends ExportPage {

    private final String[] sourceField;
    private final String[] destinationField;
    Text source;
    Text destination;

    /**
     * @param sourceField      label and tooltip of the folder exported
     * @param destinationField label and tooltip of the folder written
     */
    FolderCopyPage(String name, String title, String description, String[] sourceField, String[] destinationField) {
        super(name, title, description);
        this.sourceField = sourceField;
        this.destinationField = destinationField;
    }

    @Override
    public void createControl(Composite parent) {
        Composite c = new Composite(parent, SWT.NONE);
        GridLayoutFactory.swtDefaults().numColumns(3).applyTo(c);
        source = pathField(c, sourceField[0], getName() + ".source", sourceField[1], true, null);
        destination = pathField(c, destinationField[0], getName() + ".destination", destinationField[1], true, null);
        setControl(c);
    }

    @Override
    boolean filled() {
        return filled(source, destination);
    }
}
