package org.privtune.ide.check;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.eclipse.core.runtime.ILogListener;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Platform;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.Tree;
import org.eclipse.swt.widgets.TreeItem;
import org.eclipse.ui.IStartup;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.handlers.IHandlerService;

/**
 * Drives an Eclipse IDE the update site was installed into, as a user would, when the IDE runs
 * with {@code -Dprivtune.ide.check=<folder>}: Window &gt; Show View &gt; Other... &gt; PrivTune
 * (all five views, through the dialog), Window &gt; Preferences &gt; PrivTune Studio (through the
 * dialog's tree), File &gt; Export... &gt; PrivTune &gt; PrivTune Studio export (its first page), a
 * second workbench window with the same views, and the views' data in both. Writes
 * {@code result.txt} (first line PASS or FAIL, then what was checked or what failed) and the
 * screenshots {@code ide.png} and {@code ide-preferences.png} to that folder, then closes the
 * workbench.
 */
public class IdeCheck implements IStartup {

    static final List<String> VIEWS = List.of("org.privtune.ui.part.datasetInspector", "org.privtune.ui.part.noiseTuner",
            "org.privtune.ui.part.neighbourHopExplorer", "org.privtune.ui.part.splitTraining",
            "org.privtune.ui.part.experiments");
    static final String CATEGORY = "PrivTune";
    static final String PAGE = "PrivTune Studio";
    static final String EXPORT = "PrivTune Studio export";
    /** Shell data key under which the studio's preference page registers itself. */
    static final String PAGE_KEY = "org.privtune.ui.prefs.page";
    static final long TIMEOUT_MS = 240_000;

    private final List<String> notes = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private Display display;
    private IWorkbench workbench;

    @Override
    public void earlyStartup() {
        String out = System.getProperty("privtune.ide.check");
        if (out == null) {
            return;
        }
        Path dir = Path.of(out);
        ILogListener log = (status, plugin) -> {
            if (status.getSeverity() == IStatus.ERROR) {
                logged.add(status.getPlugin() + ": " + status.getMessage()
                        + (status.getException() == null ? "" : " (" + status.getException() + ")"));
            }
        };
        Platform.addLogListener(log);
        workbench = PlatformUI.getWorkbench();
        display = workbench.getDisplay();
        try {
            Files.createDirectories(dir);
            run(dir);
        } catch (Throwable t) {
            failures.add("stopped: " + t);
        } finally {
            Platform.removeLogListener(log);
            for (String l : logged) {
                failures.add("logged error: " + l);
            }
            List<String> lines = new ArrayList<>();
            lines.add(failures.isEmpty() ? "PASS" : "FAIL");
            failures.forEach(f -> lines.add("failed: " + f));
            notes.forEach(n -> lines.add("checked: " + n));
            try {
                Files.write(dir.resolve("result.txt"), lines, StandardCharsets.UTF_8);
            } catch (IOException e) {
                System.err.println("ide check: cannot write " + dir.resolve("result.txt") + ": " + e);
            }
            display.asyncExec(() -> workbench.close());
        }
    }

    private void run(Path dir) throws Exception {
        IWorkbenchWindow first = waitFor("the first workbench window",
                () -> ui(() -> workbench.getWorkbenchWindowCount() > 0 ? workbench.getWorkbenchWindows()[0] : null));
        uiRun(() -> first.getShell().setBounds(0, 0, 1580, 980));

        // Window > Show View > Other...: the dialog, the PrivTune category, its views, Open
        AtomicReference<String> dialogProblem = new AtomicReference<>("the Show View dialog did not open");
        ui(() -> {
            drive("Show View", this::driveShowView, dialogProblem, 60);
            execute(first, "org.eclipse.ui.views.showView");
            return null;
        });
        check(dialogProblem.get() == null, "Show View dialog: " + dialogProblem.get());
        for (String id : VIEWS) {
            check(ui(() -> first.getActivePage().findView(id) != null), "view " + id + " open in the first window");
        }
        notes.add("Window > Show View > Other... > " + CATEGORY + " opened " + VIEWS.size() + " views");
        waitIdle();
        checkViews(first, "first window");

        // Window > Preferences: the PrivTune Studio page, chosen in the dialog's tree
        AtomicReference<String> prefsProblem = new AtomicReference<>("the Preferences dialog did not open");
        ui(() -> {
            drive("Preferences", dialog -> drivePreferences(dialog, dir), prefsProblem, 60);
            execute(first, "org.eclipse.ui.window.preferences");
            return null;
        });
        check(prefsProblem.get() == null, "Preferences: " + prefsProblem.get());
        notes.add("Window > Preferences > " + PAGE + " shows the studio's page");

        // File > Export...: PrivTune > PrivTune Studio export, Next: the studio's wizard
        AtomicReference<String> exportProblem = new AtomicReference<>("the Export dialog did not open");
        ui(() -> {
            drive("Export", this::driveExport, exportProblem, 60);
            execute(first, "org.eclipse.ui.file.export");
            return null;
        });
        check(exportProblem.get() == null, "File > Export...: " + exportProblem.get());
        notes.add("File > Export... > " + CATEGORY + " > " + EXPORT + " opens the studio's export wizard");

        // the workbench with the views, their stack maximised: the data set in the inspector, its charts
        ui(() -> {
            IWorkbenchPage page = first.getActivePage();
            page.setPartState(page.findViewReference(VIEWS.get(0)), IWorkbenchPage.STATE_MAXIMIZED);
            page.showView(VIEWS.get(0));
            return null;
        });
        settle();
        uiRun(() -> screenshot(first.getShell(), dir.resolve("ide.png")));
        ui(() -> {
            IWorkbenchPage page = first.getActivePage();
            page.setPartState(page.findViewReference(VIEWS.get(0)), IWorkbenchPage.STATE_RESTORED);
            return null;
        });

        // a second window with the same views; both keep working
        int before = ui(() -> workbench.getWorkbenchWindowCount());
        ui(() -> {
            execute(first, "org.eclipse.ui.window.newWindow");
            return null;
        });
        IWorkbenchWindow second = waitFor("a second workbench window", () -> ui(() -> {
            IWorkbenchWindow[] all = workbench.getWorkbenchWindows();
            return all.length > before ? all[all.length - 1] : null;
        }));
        ui(() -> {
            IWorkbenchPage page = second.getActivePage();
            for (String id : VIEWS) {
                page.showView(id);
            }
            return null;
        });
        waitIdle();
        checkViews(second, "second window");
        checkViews(first, "first window, with the second open");
        notes.add("two workbench windows, the five views in each, each showing its data");
        uiRun(() -> second.close());
        settle();
        checkViews(first, "first window, after the second closed");
    }

    /**
     * Once a dialog titled {@code title} is open (looked for every half second, {@code attempts}
     * times), runs {@code driver} on it inside the dialog's event loop and records what it says
     * went wrong (null: nothing); a dialog left open after a failure is closed, so nothing waits
     * on it.
     */
    private void drive(String title, java.util.function.Function<Shell, String> driver, AtomicReference<String> problem,
            int attempts) {
        display.timerExec(500, () -> {
            Shell dialog = shell(title);
            if (dialog == null) {
                if (attempts > 1) {
                    drive(title, driver, problem, attempts - 1);
                } else {
                    problem.set("no shell titled '" + title + "'");
                }
                return;
            }
            try {
                problem.set(driver.apply(dialog));
            } catch (RuntimeException e) {
                problem.set(e.toString());
            }
            if (problem.get() != null && !dialog.isDisposed()) {
                dialog.close();
            }
        });
    }

    /** The PrivTune item at the top of {@code tree}, expanded as a click on its arrow does; null if none. */
    private static TreeItem expandCategory(Tree tree) {
        for (TreeItem item : tree == null ? new TreeItem[0] : tree.getItems()) {
            if (CATEGORY.equals(item.getText())) {
                Event expand = new Event();
                expand.item = item;
                tree.notifyListeners(SWT.Expand, expand);
                item.setExpanded(true);
                return item;
            }
        }
        return null;
    }

    /** Selects {@code items} as a click does (the tree's viewer hears of it). */
    private static void select(Tree tree, TreeItem... items) {
        tree.setSelection(items);
        Event select = new Event();
        select.item = items[0];
        tree.notifyListeners(SWT.Selection, select);
    }

    /** Presses Cancel, and closes the dialog if that did not. */
    private static void cancel(Shell dialog) {
        Button cancel = find(dialog, Button.class, b -> "Cancel".equals(b.getText()));
        if (cancel != null) {
            cancel.notifyListeners(SWT.Selection, new Event());
        }
        if (!dialog.isDisposed()) {
            dialog.close();
        }
    }

    /** In the Show View dialog: expands PrivTune, selects its views, presses Open; null or what went wrong. */
    private String driveShowView(Shell dialog) {
        Tree tree = find(dialog, Tree.class, t -> true);
        TreeItem category = expandCategory(tree);
        if (category == null) {
            return "no category '" + CATEGORY + "' in the dialog's tree";
        }
        TreeItem[] views = category.getItems();
        List<String> names = new ArrayList<>();
        for (TreeItem v : views) {
            names.add(v.getText());
        }
        notes.add("Show View > " + CATEGORY + " lists " + names);
        if (views.length != VIEWS.size()) {
            return CATEGORY + " lists " + names;
        }
        select(tree, views);
        Button open = find(dialog, Button.class, b -> "&Open".equals(b.getText()) || "Open".equals(b.getText()));
        if (open == null || !open.isEnabled()) {
            return "no enabled Open button";
        }
        open.notifyListeners(SWT.Selection, new Event());
        return null;
    }

    /** In the Export dialog: PrivTune > PrivTune Studio export, Next, the wizard's first page, Cancel. */
    private String driveExport(Shell dialog) {
        try {
            Tree tree = find(dialog, Tree.class, t -> true);
            TreeItem category = expandCategory(tree);
            if (category == null) {
                return "no category '" + CATEGORY + "' in the dialog's tree";
            }
            TreeItem wizard = null;
            for (TreeItem item : category.getItems()) {
                if (EXPORT.equals(item.getText())) {
                    wizard = item;
                }
            }
            if (wizard == null) {
                return "no '" + EXPORT + "' under " + CATEGORY;
            }
            select(tree, wizard);
            Button next = find(dialog, Button.class, b -> "&Next >".equals(b.getText()) && b.isEnabled());
            if (next == null) {
                return "no enabled Next button once '" + EXPORT + "' is selected";
            }
            next.notifyListeners(SWT.Selection, new Event());
            for (int i = 0; i < 30; i++) {
                display.readAndDispatch();
            }
            for (String kind : List.of("kind.model", "kind.representations", "kind.tables")) {
                if (find(dialog, Button.class, b -> kind.equals(b.getData("id")) && b.isVisible()) == null) {
                    return "the wizard's first page shows no choice '" + kind + "'";
                }
            }
            return null;
        } finally {
            cancel(dialog);
        }
    }

    /** In the Preferences dialog: selects PrivTune Studio in the tree, checks the page, saves a screenshot, cancels. */
    private String drivePreferences(Shell dialog, Path dir) {
        try {
            Tree tree = find(dialog, Tree.class, t -> true);
            TreeItem page = null;
            for (TreeItem item : tree == null ? new TreeItem[0] : tree.getItems()) {
                if (PAGE.equals(item.getText())) {
                    page = item;
                }
            }
            if (page == null) {
                return "no page '" + PAGE + "' in the tree";
            }
            select(tree, page);
            long until = System.currentTimeMillis() + 10_000;
            while (dialog.getData(PAGE_KEY) == null && System.currentTimeMillis() < until) {
                if (!display.readAndDispatch()) {
                    display.sleep();
                }
            }
            if (dialog.getData(PAGE_KEY) == null) {
                return "the page '" + PAGE + "' did not show its contents";
            }
            for (int i = 0; i < 30; i++) {
                display.readAndDispatch();
            }
            screenshot(dialog, dir.resolve("ide-preferences.png"));
            return null;
        } finally {
            cancel(dialog);
        }
    }

    /** Each PrivTune view of {@code window} has its controls; the inspector shows its data set's records. */
    private void checkViews(IWorkbenchWindow window, String where) throws Exception {
        Table records = waitFor("the Dataset Inspector's records in the " + where, () -> ui(() -> {
            Table t = find(window.getShell(), Table.class, x -> "records".equals(x.getData("id")));
            return t != null && t.getItemCount() > 0 ? t : null;
        }));
        int rows = ui(() -> records.getItemCount());
        for (String id : List.of("mechanism", "sentence", "start", "runs")) {
            check(ui(() -> find(window.getShell(), Control.class, c -> id.equals(c.getData("id"))) != null),
                    "a control '" + id + "' in the " + where);
        }
        notes.add(where + ": the views are there; the inspector lists " + rows + " records");
    }

    private Shell shell(String title) {
        for (Shell s : display.getShells()) {
            if (!s.isDisposed() && title.equals(s.getText()) && s.isVisible()) {
                return s;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static <C extends Control> C find(Control root, Class<C> type, Predicate<C> test) {
        if (type.isInstance(root) && test.test((C) root)) {
            return (C) root;
        }
        if (root instanceof Composite c) {
            for (Control child : c.getChildren()) {
                C found = find(child, type, test);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static void execute(IWorkbenchWindow window, String command) {
        try {
            window.getService(IHandlerService.class).executeCommand(command, null);
        } catch (Exception e) {
            throw new IllegalStateException(command + ": " + e, e);
        }
    }

    private void screenshot(Shell shell, Path file) {
        shell.forceActive();
        for (int i = 0; i < 50; i++) {
            display.readAndDispatch();
        }
        Rectangle b = shell.getBounds();
        Image image = new Image(display, b.width, b.height);
        GC gc = new GC(display);
        try {
            gc.copyArea(image, b.x, b.y);
            ImageData data = image.getImageData();
            ImageLoader loader = new ImageLoader();
            loader.data = new ImageData[] { data };
            loader.save(file.toString(), SWT.IMAGE_PNG);
            notes.add("screenshot " + file.getFileName() + " (" + b.width + "x" + b.height + ")");
        } finally {
            gc.dispose();
            image.dispose();
        }
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            failures.add(what);
        }
    }

    /** Waits (off the UI thread) until no Job but this check's own runs or waits, at most the timeout. */
    private void waitIdle() throws InterruptedException {
        Job self = Job.getJobManager().currentJob();
        long until = System.currentTimeMillis() + TIMEOUT_MS;
        Thread.sleep(1000);
        List<String> busy = busy(self);
        while (!busy.isEmpty() && System.currentTimeMillis() < until) {
            Thread.sleep(250);
            busy = busy(self);
        }
        if (!busy.isEmpty()) {
            failures.add("still running after " + TIMEOUT_MS / 1000 + " s: " + busy);
        }
        settle();
    }

    private static List<String> busy(Job self) {
        List<String> names = new ArrayList<>();
        for (Job j : Job.getJobManager().find(null)) {
            if (j != self && (j.getState() == Job.RUNNING || j.getState() == Job.WAITING)) {
                names.add(j.getName());
            }
        }
        return names;
    }

    private void settle() throws InterruptedException {
        Thread.sleep(1500);
        ui(() -> {
            while (display.readAndDispatch()) {
                // pending results
            }
            return null;
        });
    }

    private <T> T waitFor(String what, Supplier<T> probe) throws InterruptedException {
        long until = System.currentTimeMillis() + TIMEOUT_MS;
        T value;
        while ((value = probe.get()) == null) {
            if (System.currentTimeMillis() > until) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(250);
        }
        return value;
    }

    /** Runs on the UI thread and returns its result; an exception there is rethrown here. */
    private <T> T ui(UiCall<T> call) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        display.syncExec(() -> {
            try {
                result.set(call.call());
            } catch (Throwable t) {
                error.set(t);
            }
        });
        if (error.get() != null) {
            throw new IllegalStateException(error.get().toString(), error.get());
        }
        return result.get();
    }

    private void uiRun(Runnable r) {
        ui(() -> {
            r.run();
            return null;
        });
    }

    @FunctionalInterface
    private interface UiCall<T> {
        T call() throws Exception;
    }
}
