package org.privtune.ui.jobs;

import java.util.List;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;

import org.eclipse.e4.ui.di.Focus;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.privtune.ui.widgets.WidgetIds;

/**
 * Progress (Window > Show View > Progress): every running Job with its task and share done; the
 * selected ones can be cancelled. Refreshed at most every 200 ms while Jobs report.
 */
public class ProgressPart {

    /** Element id of the part descriptor in the application model. */
    public static final String ID = "org.privtune.ui.part.progress";
    /** Shown in the table while no Job runs. */
    public static final String NOTHING = "No operation is running.";

    private Table table;
    private Button cancel;
    private List<JobsProgress.Entry> rows = List.of();
    private Runnable listener;

    @PostConstruct
    public void createControls(Composite parent) {
        JobsProgress.get().install();
        Composite c = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().margins(6, 6).applyTo(c);
        Label head = new Label(c, SWT.WRAP);
        head.setText("Running operations of the views (each also shows its own status). Select one and press "
                + "Cancel to stop it at its next checkpoint.");
        GridDataFactory.fillDefaults().grab(true, false).hint(300, SWT.DEFAULT).applyTo(head);
        table = WidgetIds.name(new Table(c, SWT.BORDER | SWT.FULL_SELECTION | SWT.MULTI), "jobs");
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        TableColumn op = new TableColumn(table, SWT.LEFT);
        op.setText("operation");
        op.setWidth(420);
        TableColumn done = new TableColumn(table, SWT.RIGHT);
        done.setText("done");
        done.setWidth(70);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(table);
        cancel = WidgetIds.name(new Button(c, SWT.PUSH), "cancel");
        cancel.setText("Cancel");
        cancel.addListener(SWT.Selection, e -> {
            for (int i : table.getSelectionIndices()) {
                if (i < rows.size()) {
                    rows.get(i).job().cancel();
                }
            }
        });
        table.addListener(SWT.Selection, e -> cancel.setEnabled(table.getSelectionCount() > 0 && !rows.isEmpty()));
        listener = JobsProgress.get().follow(table, 200, this::refresh);
        refresh();
    }

    void refresh() {
        if (table == null || table.isDisposed()) {
            return;
        }
        rows = JobsProgress.get().running();
        table.removeAll();
        if (rows.isEmpty()) {
            new TableItem(table, SWT.NONE).setText(new String[] {NOTHING, ""});
        }
        for (JobsProgress.Entry e : rows) {
            int p = e.percent();
            new TableItem(table, SWT.NONE).setText(new String[] {e.text(), p < 0 ? "\u2026" : p + "%"});
        }
        cancel.setEnabled(table.getSelectionCount() > 0 && !rows.isEmpty());
    }

    @Focus
    public void setFocus() {
        table.setFocus();
    }

    @PreDestroy
    public void dispose() {
        if (listener != null) {
            JobsProgress.get().removeListener(listener);
        }
    }
}
