package org.privtune.ui.about;

import java.util.List;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.dialogs.Dialog;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;

/**
 * About PrivTune Studio: what it is and the versions of everything it runs on. The PyTorch engine
 * is loaded by a background job, so the dialog opens at once and fills in the last row.
 */
public class AboutDialog extends Dialog {

    public static final String TITLE = "About PrivTune Studio";
    /** Data key under which the version table is stored on the shell, for tests. */
    public static final String TABLE_KEY = "privtune.about.table";

    private Table table;

    public AboutDialog(Shell parent) {
        super(parent);
    }

    @Override
    protected void configureShell(Shell shell) {
        super.configureShell(shell);
        shell.setText(TITLE);
    }

    @Override
    protected Control createDialogArea(Composite parent) {
        Composite area = (Composite) super.createDialogArea(parent);
        area.setLayout(new GridLayout(1, false));
        Label headline = new Label(area, SWT.WRAP);
        headline.setText("PrivTune Studio: fine-tune a language model in someone else's cloud without handing over\n"
                + "your text. The device runs the frozen bottom model and perturbs token representations\n"
                + "(PrivTune, Liu et al., INFOCOM 2026) before they leave it; the cloud trains the top model.");
        table = new Table(area, SWT.BORDER | SWT.FULL_SELECTION);
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        new TableColumn(table, SWT.LEFT).setText("Component");
        new TableColumn(table, SWT.LEFT).setText("Version");
        List<StudioVersions.Entry> entries = StudioVersions.immediate();
        for (StudioVersions.Entry e : entries) {
            add(e);
        }
        TableItem pending = new TableItem(table, SWT.NONE);
        pending.setText(new String[] {"PyTorch engine", "loading..."});
        for (TableColumn c : table.getColumns()) {
            c.pack();
        }
        table.getColumn(1).setWidth(Math.max(table.getColumn(1).getWidth(), 360));
        table.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        getShell().setData(TABLE_KEY, table);
        loadPyTorchVersion(pending);
        return area;
    }

    private void add(StudioVersions.Entry e) {
        new TableItem(table, SWT.NONE).setText(new String[] {e.component(), e.version()});
    }

    private void loadPyTorchVersion(TableItem row) {
        Job job = Job.create("Loading the PyTorch engine", (IProgressMonitor monitor) -> {
            String text;
            try {
                text = StudioVersions.pytorch().version();
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                text = "not available: " + e.getMessage();
            }
            String shown = text;
            if (!row.isDisposed()) {
                row.getDisplay().asyncExec(() -> {
                    if (!row.isDisposed()) {
                        row.setText(1, shown);
                    }
                });
            }
            return Status.OK_STATUS;
        });
        job.setSystem(true);
        job.schedule();
    }

    @Override
    protected void createButtonsForButtonBar(Composite parent) {
        createButton(parent, IDialogConstants.OK_ID, IDialogConstants.CLOSE_LABEL, true);
    }
}
