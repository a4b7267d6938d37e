package org.privtune.ui.export;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.wizard.IWizardPage;
import org.eclipse.jface.wizard.WizardPage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.privtune.ui.widgets.WidgetIds;

/** The export wizard's first page: what to export. */
final class ExportKindPage extends WizardPage {

    enum Kind {
        MODEL, REPRESENTATIONS, TABLES
    }

    private Kind kind = Kind.MODEL;

    ExportKindPage() {
        super("kind");
        setTitle("Export");
        setDescription("Choose what to export.");
    }

    Kind kind() {
        return kind;
    }

    @Override
    public void createControl(Composite parent) {
        Composite c = new Composite(parent, SWT.NONE);
        GridLayoutFactory.swtDefaults().numColumns(1).spacing(6, 4).applyTo(c);
        option(c, Kind.MODEL, "kind.model", "A trained &model",
                "Copy a training's export folder (its config.json records the base model, its weights' SHA-256,"
                        + " the mechanism and a checksum of every file; they are checked before the copy).");
        option(c, Kind.REPRESENTATIONS, "kind.representations", "&Representations for an audit",
                "What the cloud receives for a data set's test split under a mechanism, with the truth and the"
                        + " attacker's tables, as one safetensors file (as ./privtune export-representations).");
        option(c, Kind.TABLES, "kind.tables", "Result &tables",
                "An experiment's results.csv, results.json and summary.md, copied to a folder of your choice.");
        setControl(c);
    }

    private void option(Composite c, Kind k, String id, String label, String help) {
        Button b = WidgetIds.name(new Button(c, SWT.RADIO), id);
        b.setText(label);
        b.setSelection(k == kind);
        b.addListener(SWT.Selection, e -> {
            if (b.getSelection()) {
                kind = k;
                getContainer().updateButtons();
            }
        });
        Label l = new Label(c, SWT.WRAP);
        l.setText(help);
        GridDataFactory.fillDefaults().grab(true, false).indent(24, 0).hint(480, SWT.DEFAULT).applyTo(l);
    }

    @Override
    public IWizardPage getNextPage() {
        return ((ExportWizard) getWizard()).chosenPage();
    }
}
