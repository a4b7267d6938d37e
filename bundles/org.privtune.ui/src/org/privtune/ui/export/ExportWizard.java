package org.privtune.ui.export;

import java.util.function.Consumer;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.wizard.IWizardPage;
import org.eclipse.jface.wizard.Wizard;
import org.eclipse.swt.widgets.Display;
import org.privtune.core.CancelledException;
import org.privtune.core.InvalidInputException;
import org.privtune.ui.jobs.MonitorProgress;

/**
 * File &gt; Export...: a trained model, the representations the cloud receives (for an audit) or
 * an experiment's result tables. The first page chooses what, the second where from and where
 * to; Finish checks the fields (an error names the field and keeps the wizard open) and runs
 * the export as a Job with progress and cancel (status line, Progress view). The export is
 * written under a temporary name and moved into place at the end, so a cancelled or failed
 * export leaves nothing ({@link org.privtune.studio.StudioExports}).
 */
public class ExportWizard extends Wizard {

    /** The family of the export Jobs. */
    public static final String JOB_FAMILY = "org.privtune.ui.export";

    /** One export, checked and ready to run: the Job's name and the work, which returns what to tell the user. */
    record Request(String name, Work work) {
    }

    /** An export's work. */
    @FunctionalInterface
    interface Work {
        String run(MonitorProgress progress) throws Exception;
    }

    final ExportKindPage kindPage = new ExportKindPage();
    final ExportModelPage modelPage = new ExportModelPage();
    final ExportRepresentationsPage representationsPage = new ExportRepresentationsPage();
    final ExportTablesPage tablesPage = new ExportTablesPage();

    private Job job;
    private Consumer<IStatus> onDone = ExportWizard::tell;

    public ExportWizard() {
        setWindowTitle("Export");
        setNeedsProgressMonitor(false);
    }

    @Override
    public void addPages() {
        addPage(kindPage);
        addPage(modelPage);
        addPage(representationsPage);
        addPage(tablesPage);
    }

    @Override
    public IWizardPage getStartingPage() {
        return kindPage;
    }

    /** The page of the chosen kind. */
    ExportPage chosenPage() {
        return switch (kindPage.kind()) {
            case MODEL -> modelPage;
            case REPRESENTATIONS -> representationsPage;
            case TABLES -> tablesPage;
        };
    }

    @Override
    public boolean canFinish() {
        IWizardPage current = getContainer() == null ? null : getContainer().getCurrentPage();
        return current instanceof ExportPage p && p == chosenPage() && p.isPageComplete();
    }

    @Override
    public boolean performFinish() {
        ExportPage page = chosenPage();
        Request request;
        try {
            request = page.request();
        } catch (InvalidInputException e) {
            page.setErrorMessage(e.getMessage());
            return false;
        }
        page.setErrorMessage(null);
        job = schedule(request, onDone);
        return true;
    }

    /** The Job the last Finish started, or null. */
    public Job job() {
        return job;
    }

    /** Who hears how a Job ended (by default: a message box with the result or the error, nothing for a cancel). */
    public void onDone(Consumer<IStatus> listener) {
        onDone = listener;
    }

    static Job schedule(Request request, Consumer<IStatus> onDone) {
        Display display = Display.getCurrent();
        Job j = new Job(request.name()) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                IStatus result;
                try {
                    String message = request.work().run(new MonitorProgress(monitor));
                    result = monitor.isCanceled() ? Status.CANCEL_STATUS
                            : new Status(IStatus.OK, JOB_FAMILY, message);
                } catch (CancelledException e) {
                    result = Status.CANCEL_STATUS;
                } catch (Exception | LinkageError e) {
                    String message = e.getMessage() == null ? e.toString() : e.getMessage();
                    result = new Status(IStatus.ERROR, JOB_FAMILY, request.name() + " failed: " + message, e);
                }
                IStatus done = result;
                if (display != null && !display.isDisposed()) {
                    display.asyncExec(() -> onDone.accept(done));
                }
                // an error is told by onDone; the Job itself ends quietly
                return done.getSeverity() == IStatus.ERROR ? Status.OK_STATUS : done;
            }

            @Override
            public boolean belongsTo(Object family) {
                return JOB_FAMILY.equals(family);
            }
        };
        j.setUser(false);
        j.schedule();
        return j;
    }

    private static void tell(IStatus status) {
        Display display = Display.getCurrent();
        if (display == null || status.matches(IStatus.CANCEL)) {
            return;
        }
        if (status.getSeverity() == IStatus.ERROR) {
            MessageDialog.openError(display.getActiveShell(), "Export", status.getMessage());
        } else {
            MessageDialog.openInformation(display.getActiveShell(), "Export", status.getMessage());
        }
    }
}
