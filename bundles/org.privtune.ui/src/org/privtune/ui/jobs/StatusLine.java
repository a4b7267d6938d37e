package org.privtune.ui.jobs;

import java.util.List;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.ProgressBar;
import org.privtune.ui.widgets.WidgetIds;

/**
 * The status line at the foot of the studio's window (a tool control of the bottom trim): the
 * running Job, its progress, how many others run, and a button that cancels it.
 */
public class StatusLine {

    /** Shown while no Job runs. */
    public static final String IDLE = "Ready";

    private Label text;
    private ProgressBar bar;
    private Button cancel;
    private JobsProgress.Entry shown;
    private Runnable listener;

    @PostConstruct
    public void createControls(Composite parent) {
        JobsProgress.get().install();
        Composite c = WidgetIds.name(new Composite(parent, SWT.NONE), "statusLine");
        GridLayoutFactory.fillDefaults().numColumns(3).margins(4, 1).applyTo(c);
        text = WidgetIds.name(new Label(c, SWT.NONE), "statusText");
        GridDataFactory.fillDefaults().grab(true, false).align(SWT.FILL, SWT.CENTER).hint(520, SWT.DEFAULT).applyTo(text);
        bar = WidgetIds.name(new ProgressBar(c, SWT.HORIZONTAL | SWT.SMOOTH), "statusProgress");
        GridDataFactory.fillDefaults().hint(140, 14).align(SWT.FILL, SWT.CENTER).applyTo(bar);
        cancel = WidgetIds.name(new Button(c, SWT.PUSH | SWT.FLAT), "statusCancel");
        cancel.setText("Cancel");
        cancel.setToolTipText("Cancel the Job shown here (Window > Show View > Progress lists them all)");
        cancel.addListener(SWT.Selection, e -> {
            if (shown != null) {
                shown.job().cancel();
            }
        });
        listener = JobsProgress.get().follow(text, 100, this::refresh);
        refresh();
    }

    /** Shows the newest running Job, or {@link #IDLE}. */
    void refresh() {
        if (text == null || text.isDisposed()) {
            return;
        }
        List<JobsProgress.Entry> running = JobsProgress.get().running();
        shown = running.isEmpty() ? null : running.get(running.size() - 1);
        if (shown == null) {
            text.setText(IDLE);
            bar.setVisible(false);
            cancel.setVisible(false);
        } else {
            String more = running.size() > 1 ? "  (+" + (running.size() - 1) + " more)" : "";
            text.setText(shown.text() + more);
            text.setToolTipText(shown.text());
            int percent = shown.percent();
            bar.setVisible(true);
            bar.setSelection(Math.max(0, percent));
            bar.setState(percent < 0 ? SWT.PAUSED : SWT.NORMAL);
            cancel.setVisible(true);
        }
    }

    /** The text the status line shows (read by the UI tests). */
    public String text() {
        return text.getText();
    }

    @PreDestroy
    public void dispose() {
        if (listener != null) {
            JobsProgress.get().removeListener(listener);
        }
    }
}
