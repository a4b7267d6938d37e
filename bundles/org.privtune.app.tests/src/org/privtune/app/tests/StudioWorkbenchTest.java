package org.privtune.app.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.core.commands.ParameterizedCommand;
import org.eclipse.core.runtime.IConfigurationElement;
import org.eclipse.core.runtime.IExtension;
import org.eclipse.core.runtime.Platform;
import org.eclipse.e4.core.commands.ECommandService;
import org.eclipse.e4.core.commands.EHandlerService;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.e4.ui.model.application.ui.advanced.MPerspective;
import org.eclipse.e4.ui.model.application.ui.basic.MWindow;
import org.eclipse.e4.ui.workbench.IWorkbench;
import org.eclipse.e4.ui.workbench.modeling.EModelService;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
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
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.privtune.djl.runtime.DjlRuntime;
import org.privtune.mechanism.MechanismPresets;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.e4.ui.model.application.MApplication;
import org.eclipse.e4.ui.model.application.ui.MUIElement;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.model.application.ui.basic.MPartStack;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Tree;
import org.privtune.ui.about.AboutDialog;
import org.privtune.ui.explorer.NeighbourHopExplorerPart;
import org.privtune.ui.help.HelpWindow;
import org.privtune.ui.jobs.ProgressPart;
import org.privtune.ui.state.StudioLifeCycle;
import org.privtune.ui.handlers.ShowPartHandler;
import org.privtune.ui.prefs.StudioPreferencePage;
import org.privtune.ui.prefs.StudioPreferences;
import org.privtune.studio.NoiseTunerService;
import org.privtune.ui.data.DatasetInspectorPart;
import org.privtune.ui.tuner.NoiseTunerPart;
import org.privtune.ui.widgets.WidgetIds;

/**
 * Starts the studio exactly as the product does (product extension, its application, its branding
 * properties and Application.e4xmi), then runs its steps one after the other from an SWT timer:
 * the window and the PrivTune perspective with the first views computed, the main menu's commands,
 * Window > Preferences and Help > About through the command framework, screenshots, and closes the
 * workbench. The views themselves have tests of their own.
 */
class StudioWorkbenchTest {

    private static final String PRODUCT_ID = "org.privtune.app.product";
    private static final long TIMEOUT_MS = 300_000;

    private final List<Throwable> failures = new ArrayList<>();
    private final List<String> checked = new ArrayList<>();
    private final List<Supplier<Boolean>> steps = new ArrayList<>();
    private IEclipseContext context;
    private long start;

    @Test
    void studioStartsWithPrivTunePerspectiveAndAbout() throws Exception {
        IExtension productExtension = Platform.getExtensionRegistry().getExtension("org.eclipse.core.runtime.products", PRODUCT_ID);
        assertNotNull(productExtension, "product extension " + PRODUCT_ID);
        IConfigurationElement product = productExtension.getConfigurationElements()[0];
        Map<String, String> properties = new HashMap<>();
        for (IConfigurationElement p : product.getChildren("property")) {
            properties.put(p.getAttribute("name"), p.getAttribute("value"));
        }
        String applicationId = product.getAttribute("application");
        IExtension appExtension = Platform.getExtensionRegistry().getExtension("org.eclipse.core.runtime.applications", applicationId);
        assertNotNull(appExtension, "application " + applicationId);
        IConfigurationElement run = appExtension.getConfigurationElements()[0].getChildren("run")[0];
        IApplication application = (IApplication) run.createExecutableExtension("class");
        Bundle branding = Platform.getBundle(productExtension.getContributor().getName());

        // the first start of a new installation: no persisted layout, no remembered sentence
        Files.deleteIfExists(Path.of(Platform.getInstanceLocation().getURL().toURI()).resolve(StudioLifeCycle.PERSISTED));
        StudioPreferences.node().remove("explorer.sentence");
        Display display = Display.getDefault();
        steps.add(this::mainWindowReady);
        steps.add(this::firstViewsComputed);
        steps.add(this::menuCommands);
        steps.add(() -> preferencesReady(display));
        steps.add(this::helpReady);
        steps.add(this::progressShown);
        steps.add(this::progressAndStatusLine);
        steps.add(this::demoCancelled);
        steps.add(this::resetPerspective);
        steps.add(this::aboutReady);
        run(application, display, new ProductContext(PRODUCT_ID, applicationId, product.getAttribute("name"), properties, branding));
        assertEquals(List.of("window", "first views", "menu commands", "preferences", "help", "progress view",
                "status line", "reset perspective", "about"), checked);
        checkPersistedModel();

        // a second start finds the window, the layout, the active view and the explorer's sentence as they were left
        IApplication again = (IApplication) run.createExecutableExtension("class");
        Display second = Display.getDefault();
        steps.add(this::restoredAfterRestart);
        run(again, second, new ProductContext(PRODUCT_ID, applicationId, product.getAttribute("name"), properties, branding));
        assertEquals("restored", checked.get(checked.size() - 1));
    }

    private void run(IApplication application, Display display, IApplicationContext productContext) throws Exception {
        start = System.currentTimeMillis();
        display.timerExec(200, () -> step(display));
        Object exit = application.start(productContext);
        if (!failures.isEmpty()) {
            Throwable first = failures.get(0);
            if (first instanceof AssertionError ae) {
                throw ae;
            }
            throw new AssertionError(first);
        }
        assertEquals(IApplication.EXIT_OK, exit);
    }

    /** Runs the current step on the UI thread until it reports done, then the next; fails after the timeout. */
    private void step(Display display) {
        if (display.isDisposed() || steps.isEmpty()) {
            return;
        }
        boolean done;
        try {
            done = steps.get(0).get();
        } catch (Throwable t) {
            failures.add(t);
            closeEverything(display);
            return;
        }
        if (done) {
            steps.remove(0);
        } else if (System.currentTimeMillis() - start > TIMEOUT_MS) {
            failures.add(new AssertionError("timed out; steps done: " + checked));
            closeEverything(display);
            return;
        }
        if (!steps.isEmpty()) {
            display.timerExec(200, () -> step(display));
        }
    }

    private boolean mainWindowReady() {
        Display display = Display.getCurrent();
        Shell shell = findShell(display, "PrivTune Studio");
        if (shell == null || !shell.isVisible()) {
            return false;
        }
        MWindow window = (MWindow) shell.getData("modelElement");
        assertNotNull(window, "the shell is rendered from an MWindow");
        assertEquals("org.privtune.app.window.main", window.getElementId());
        context = window.getContext();
        MPerspective perspective = context.get(EModelService.class).getActivePerspective(window);
        assertNotNull(perspective, "an active perspective");
        assertEquals("org.privtune.app.perspective.privtune", perspective.getElementId());
        assertEquals("PrivTune", perspective.getLabel());
        assertEquals("PrivTune Studio", shell.getText());
        checked.add("window");
        return true;
    }

    /** The Dataset Inspector and the Noise Tuner, shown at start, have computed: the studio's screenshot. */
    private boolean firstViewsComputed() {
        NoiseTunerService tuner = context.get(NoiseTunerService.class);
        if (tuner.current() == null || Job.getJobManager().find(DatasetInspectorPart.ID).length > 0
                || Job.getJobManager().find(NoiseTunerPart.ID).length > 0) {
            return false;
        }
        Display display = Display.getCurrent();
        settle(display);
        screenshot(display, findShell(display, "PrivTune Studio"), "studio.png");
        checked.add("first views");
        return true;
    }

    /**
     * The main menu's commands: the menus exist, Window > (view) shows a view through the
     * parameterised command, and Mechanism > Use for Training stores the preset the command line
     * reads (into a temporary preset folder). Then opens Window > Preferences.
     */
    private boolean menuCommands() {
        MWindow window = context.get(MWindow.class);
        List<String> menus = new ArrayList<>();
        window.getMainMenu().getChildren().forEach(m -> menus.add(m.getLabel().replace("&", "")));
        assertEquals(List.of("File", "Mechanism", "Window", "Help"), menus);
        ECommandService commands = context.get(ECommandService.class);
        EHandlerService handlers = context.get(EHandlerService.class);
        EPartService parts = context.get(EPartService.class);
        ParameterizedCommand show = commands.createCommand("org.privtune.ui.command.showPart",
                Map.of(ShowPartHandler.PART_ID, DatasetInspectorPart.ID));
        assertTrue(handlers.canExecute(show), "Window > Dataset Inspector has a handler");
        handlers.executeHandler(show);
        assertEquals(DatasetInspectorPart.ID, parts.getActivePart().getElementId());
        assertTrue(handlers.canExecute(commands.createCommand("org.privtune.ui.command.importDataSet", null)),
                "File > Import Data Set has a handler");
        Path presets = null;
        try {
            presets = Files.createTempDirectory("privtune-menu-presets");
            System.setProperty("privtune.presets.dir", presets.toString());
            ParameterizedCommand use = commands.createCommand("org.privtune.ui.command.useForTraining", null);
            assertTrue(handlers.canExecute(use), "Mechanism > Use for Training has a handler");
            handlers.executeHandler(use);
            assertEquals(NoiseTunerPart.ID, parts.getActivePart().getElementId(), "the tuner is shown");
            MechanismPresets.Preset p = MechanismPresets.user().load(MechanismPresets.TRAINING);
            Label spec = (Label) WidgetIds.find((Composite) parts.getActivePart().getWidget(), "spec");
            assertEquals(context.get(NoiseTunerService.class).settings().spec(), p.spec(),
                    "the preset holds the spec the tuner evaluates");
            assertEquals(p.spec().toShortString(), spec.getText().replace(", ", ","), "and shows, short");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            System.clearProperty("privtune.presets.dir");
            deleteTree(presets);
        }
        checked.add("menu commands");
        Display.getCurrent().asyncExec(() -> {
            ParameterizedCommand prefs = commands.createCommand("org.eclipse.ui.window.preferences", null);
            assertTrue(handlers.canExecute(prefs), "Window > Preferences has a handler");
            handlers.executeHandler(prefs);
        });
        return true;
    }

    /** Window > Preferences: the page checks its fields as they are typed, and OK stores them; then opens About. */
    private boolean preferencesReady(Display display) {
        Shell dialog = null;
        for (Shell s : display.getShells()) {
            if (!s.isDisposed() && s.isVisible() && s.getData(StudioPreferencePage.PAGE_KEY) != null) {
                dialog = s;
            }
        }
        if (dialog == null) {
            return false;
        }
        StudioPreferencePage page = (StudioPreferencePage) dialog.getData(StudioPreferencePage.PAGE_KEY);
        assertEquals(StudioPreferences.targetMs(), page.targetField().getSelection());
        page.datasetField().setText("no-such-data-set");
        assertFalse(page.isValid(), "an unknown data set is refused");
        assertTrue(page.getErrorMessage().startsWith("Noise Tuner data set:"), page.getErrorMessage());
        page.datasetField().setText("");
        page.cacheField().setText("relative/folder");
        assertFalse(page.isValid(), "a relative cache folder is refused");
        assertTrue(page.getErrorMessage().startsWith("Cache folder:"), page.getErrorMessage());
        settle(display);
        screenshot(display, dialog, "preferences-error.png");
        page.cacheField().setText("");
        assertTrue(page.isValid(), "empty fields mean the defaults: " + page.getErrorMessage());
        page.targetField().setSelection(300);
        settle(display);
        screenshot(display, dialog, "preferences.png");
        Button apply = findButton(dialog, "Apply");
        assertNotNull(apply, "the page's Apply button");
        apply.notifyListeners(SWT.Selection, null);
        assertFalse(dialog.isDisposed(), "Apply keeps the dialog open");
        assertEquals(300, StudioPreferences.targetMs(), "Apply stored the refresh target");
        Button defaults = findButton(dialog, "Restore Defaults");
        assertNotNull(defaults, "the page's Restore Defaults button");
        defaults.notifyListeners(SWT.Selection, null);
        assertEquals(StudioPreferences.DEFAULT_TARGET_MS, page.targetField().getSelection(), "the default in the field");
        assertEquals("", page.datasetField().getText(), "the default data set (empty: built-in)");
        assertEquals(300, StudioPreferences.targetMs(), "not stored before Apply");
        apply.notifyListeners(SWT.Selection, null);
        assertEquals(StudioPreferences.DEFAULT_TARGET_MS, StudioPreferences.targetMs(), "Restore Defaults and Apply reset it");
        page.targetField().setSelection(300);
        Button ok = findButton(dialog, "Apply and Close", "OK");
        assertNotNull(ok, "the dialog's OK button");
        ok.notifyListeners(SWT.Selection, null);
        assertTrue(dialog.isDisposed(), "OK closes the dialog");
        assertEquals(300, StudioPreferences.targetMs(), "OK stored the refresh target");
        StudioPreferences.node().remove(StudioPreferences.TUNER_TARGET_MS);
        checked.add("preferences");
        command("org.eclipse.ui.help.helpContents", null);
        return true;
    }

    /** Runs a command of the main menu later (it may open a modal dialog), as its menu item does. */
    private void command(String id, Map<String, Object> parameters) {
        Display.getCurrent().asyncExec(() -> {
            ECommandService commands = context.get(ECommandService.class);
            EHandlerService handlers = context.get(EHandlerService.class);
            ParameterizedCommand c = commands.createCommand(id, parameters);
            assertTrue(handlers.canExecute(c), id + " has a handler");
            handlers.executeHandler(c);
        });
    }

    /** Help > Help Contents: the user guide first, links to other pages and to sections followed. */
    private boolean helpReady() {
        Display display = Display.getCurrent();
        Shell shell = null;
        for (Shell s : display.getShells()) {
            if (!s.isDisposed() && s.isVisible() && s.getText().endsWith(HelpWindow.TITLE)) {
                shell = s;
            }
        }
        if (shell == null) {
            return false;
        }
        HelpWindow help = HelpWindow.open(display);
        assertEquals(shell, help.shell());
        Tree topics = (Tree) WidgetIds.find(shell, "helpTopics");
        assertTrue(topics.getItemCount() >= 8, "a page per user doc: " + topics.getItemCount());
        assertEquals("PrivTune Studio user guide", topics.getItem(0).getText(), "the user guide first");
        assertEquals("user-guide.md", help.shownFile());
        assertTrue(help.shownText().contains("Inspect a data set"), "the guide's sections are shown");
        assertFalse(help.shownText().contains("](") || help.shownText().contains("**"), "Markdown is rendered, not shown");
        assertTrue(help.links().contains("method.md"), "links are kept: " + help.links());
        settle(display);
        screenshot(display, shell, "help.png");
        help.follow("results.md#where-it-stands");
        assertEquals("results.md", help.shownFile());
        assertTrue(help.shownText().startsWith("Results: privacy against utility"), "the results page");
        StyledText page = (StyledText) WidgetIds.find(shell, "helpPage");
        assertTrue(page.getTopIndex() > 0, "scrolled to the section");
        shell.close();
        checked.add("help");
        command("org.privtune.ui.command.showPart", Map.of(ShowPartHandler.PART_ID, ProgressPart.ID));
        return true;
    }

    private Job demo;

    /** Window > Show View > Progress opens the Progress view; a Job is started for it to show. */
    private boolean progressShown() {
        EPartService parts = context.get(EPartService.class);
        if (parts.getActivePart() == null || !ProgressPart.ID.equals(parts.getActivePart().getElementId())) {
            return false;
        }
        demo = new Job("Counting to ten") {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                monitor.beginTask("counting", 10);
                for (int i = 0; i < 10 && !monitor.isCanceled(); i++) {
                    monitor.subTask("at " + i);
                    try {
                        Thread.sleep(i < 2 ? 100 : 1500);
                    } catch (InterruptedException e) {
                        return Status.CANCEL_STATUS;
                    }
                    monitor.worked(1);
                }
                return monitor.isCanceled() ? Status.CANCEL_STATUS : Status.OK_STATUS;
            }
        };
        demo.schedule();
        checked.add("progress view");
        return true;
    }

    /** The status line and the Progress view show the running Job; the Progress view's Cancel stops it. */
    private boolean progressAndStatusLine() {
        Display display = Display.getCurrent();
        Shell main = findShell(display, "PrivTune Studio");
        Label text = (Label) WidgetIds.find(main, "statusText");
        assertNotNull(text, "the status line");
        EPartService parts = context.get(EPartService.class);
        Table jobs = (Table) WidgetIds.find((Composite) parts.findPart(ProgressPart.ID).getWidget(), "jobs");
        // the status line shows the newest running Job: the demo, or a view's Job started after it
        if (text.getText().isBlank() || text.getText().equals(org.privtune.ui.jobs.StatusLine.IDLE)) {
            return false;
        }
        boolean listed = false;
        for (int i = 0; i < jobs.getItemCount(); i++) {
            String done = jobs.getItem(i).getText(1);
            listed |= jobs.getItem(i).getText(0).startsWith("Counting to ten: counting \u2014 at ") && done.endsWith("%")
                    && !done.equals("0%");
        }
        if (!listed) {
            return false;
        }
        settle(display);
        screenshot(display, main, "progress.png");
        assertNotNull(WidgetIds.find(main, "statusCancel"), "the status line's Cancel");
        // cancel from the Progress view: its row is selected and Cancel pressed in one turn, before
        // another Job (the status line shows the newest) can take the row's place
        for (int i = 0; i < jobs.getItemCount(); i++) {
            if (jobs.getItem(i).getText(0).startsWith("Counting to ten")) {
                jobs.setSelection(i);
            }
        }
        Button cancel = (Button) WidgetIds.find((Composite) parts.findPart(ProgressPart.ID).getWidget(), "cancel");
        cancel.notifyListeners(SWT.Selection, null);
        return true;
    }

    /** The Job the Progress view's Cancel stopped ends cancelled, long before its ten steps. */
    private boolean demoCancelled() {
        if (demo.getResult() == null) {
            return false;
        }
        assertEquals(IStatus.CANCEL, demo.getResult().getSeverity(), "Cancel in the Progress view stopped the Job");
        checked.add("status line");
        return true;
    }

    /**
     * Window > Reset Perspective after a view was moved and the Progress view opened: the views are
     * back where the application model puts them. Then the window gets a size for the restart to
     * find, and About is opened.
     */
    private boolean resetPerspective() {
        MWindow window = context.get(MWindow.class);
        EModelService models = context.get(EModelService.class);
        EPartService parts = context.get(EPartService.class);
        MPart training = parts.findPart(SPLIT_TRAINING);
        MPartStack data = (MPartStack) models.find("org.privtune.app.partstack.data", window);
        models.move(training, data);
        assertEquals("org.privtune.app.partstack.data", ((MUIElement) training.getParent()).getElementId());
        ECommandService commands = context.get(ECommandService.class);
        EHandlerService handlers = context.get(EHandlerService.class);
        ParameterizedCommand reset = commands.createCommand("org.eclipse.ui.window.resetPerspective", null);
        assertTrue(handlers.canExecute(reset), "Reset Perspective has a handler");
        handlers.executeHandler(reset);
        MPart after = parts.findPart(SPLIT_TRAINING);
        assertNotNull(after, "Split Training is there after the reset");
        assertEquals("org.privtune.app.partstack.tuning", ((MUIElement) after.getParent()).getElementId(),
                "Split Training is back in its stack");
        assertTrue(models.findElements(window, ProgressPart.ID, MPart.class).isEmpty(), "the Progress view is closed");
        MPerspective perspective = models.getActivePerspective(window);
        assertEquals("org.privtune.app.perspective.privtune", perspective.getElementId());

        // what the restart must find again
        parts.showPart(NeighbourHopExplorerPart.ID, EPartService.PartState.ACTIVATE);
        Combo sentence = (Combo) WidgetIds.find((Composite) parts.findPart(NeighbourHopExplorerPart.ID).getWidget(), "sentence");
        sentence.setText(RESTART_SENTENCE);
        sentence.notifyListeners(SWT.DefaultSelection, null);
        Shell main = findShell(Display.getCurrent(), "PrivTune Studio");
        main.setBounds(20, 30, 1240, 790);
        checked.add("reset perspective");
        openAbout(Display.getCurrent());
        return true;
    }

    private static final String SPLIT_TRAINING = "org.privtune.ui.part.splitTraining";
    private static final String RESTART_SENTENCE = "The soup at the corner cafe was cold but the staff were kind.";

    /** The workbench wrote its model on closing: the window's size and the active view of each stack. */
    private void checkPersistedModel() throws Exception {
        Path root = Path.of(Platform.getInstanceLocation().getURL().toURI());
        Path xmi = root.resolve(StudioLifeCycle.PERSISTED);
        assertTrue(Files.isRegularFile(xmi), "the persisted model " + xmi);
        assertTrue(Files.isRegularFile(root.resolve(StudioLifeCycle.STAMP)), "its application-model stamp");
        org.w3c.dom.Document doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xmi.toFile());
        org.w3c.dom.Element window = byElementId(doc, "org.privtune.app.window.main");
        assertEquals("1240", window.getAttribute("width"));
        assertEquals("790", window.getAttribute("height"));
        org.w3c.dom.Element tuning = byElementId(doc, "org.privtune.app.partstack.tuning");
        org.w3c.dom.Element explorer = byElementId(doc, NeighbourHopExplorerPart.ID);
        assertEquals(explorer.getAttribute("xmi:id"), tuning.getAttribute("selectedElement"), "the explorer is the active tab");
        assertEquals(RESTART_SENTENCE, StudioPreferences.node().get("explorer.sentence", ""));
    }

    private static org.w3c.dom.Element byElementId(org.w3c.dom.Document doc, String id) {
        org.w3c.dom.NodeList all = doc.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            org.w3c.dom.Element e = (org.w3c.dom.Element) all.item(i);
            if (id.equals(e.getAttribute("elementId")) && e.getParentNode() != null
                    && !"snippets".equals(e.getNodeName())) {
                return e;
            }
        }
        throw new AssertionError("no element " + id + " in the persisted model");
    }

    /** After the restart: the window's size, the active tab and the explorer's sentence. */
    private boolean restoredAfterRestart() {
        Display display = Display.getCurrent();
        Shell shell = findShell(display, "PrivTune Studio");
        if (shell == null || !shell.isVisible()) {
            return false;
        }
        MWindow window = (MWindow) shell.getData("modelElement");
        context = window.getContext();
        assertEquals(1240, shell.getSize().x, "the window's width");
        assertEquals(790, shell.getSize().y, "the window's height");
        EModelService models = context.get(EModelService.class);
        MPartStack tuning = (MPartStack) models.find("org.privtune.app.partstack.tuning", window);
        assertEquals(NeighbourHopExplorerPart.ID, tuning.getSelectedElement().getElementId(), "the active tab");
        MPart explorer = context.get(EPartService.class).findPart(NeighbourHopExplorerPart.ID);
        Combo sentence = (Combo) WidgetIds.find((Composite) explorer.getWidget(), "sentence");
        assertEquals(RESTART_SENTENCE, sentence.getText(), "the explorer's last sentence");
        assertTrue(models.findSnippet(context.get(MApplication.class), "org.privtune.app.perspective.privtune") != null,
                "the pristine perspective for Reset Perspective is kept");
        checked.add("restored");
        context.get(IWorkbench.class).close();
        return true;
    }

    private static Button findButton(Composite c, String... labels) {
        for (Control child : c.getChildren()) {
            if (child instanceof Button b && List.of(labels).contains(b.getText().replace("&", ""))) {
                return b;
            }
            if (child instanceof Composite inner) {
                Button found = findButton(inner, labels);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private void openAbout(Display display) {
        // Help > About goes through the command framework like the menu item; it opens a modal
        // dialog (nested event loop), so it is started asynchronously and watched by the next step.
        display.asyncExec(() -> {
            ECommandService commands = context.get(ECommandService.class);
            EHandlerService handlers = context.get(EHandlerService.class);
            ParameterizedCommand about = commands.createCommand("org.eclipse.ui.help.aboutAction", null);
            assertTrue(handlers.canExecute(about), "About has a handler");
            handlers.executeHandler(about);
        });
    }

    private boolean aboutReady() {
        Display display = Display.getCurrent();
        Shell about = findShell(display, AboutDialog.TITLE);
        if (about == null || !about.isVisible()) {
            return false;
        }
        Table table = (Table) about.getData(AboutDialog.TABLE_KEY);
        assertNotNull(table, "version table");
        String pytorch = table.getItem(table.getItemCount() - 1).getText(1);
        if (pytorch.startsWith("loading")) {
            return false;
        }
        assertTrue(pytorch.startsWith(DjlRuntime.pytorchVersion()), "PyTorch row: " + pytorch);
        String djl = cell(table, "Deep Java Library");
        assertEquals(DjlRuntime.djlVersion(), djl);
        assertTrue(cell(table, "Eclipse platform").startsWith("4.41"), cell(table, "Eclipse platform"));
        settle(display);
        screenshot(display, about, "about.png");
        checked.add("about");
        about.close();
        context.get(IWorkbench.class).close();
        return true;
    }

    private static String cell(Table table, String component) {
        for (int i = 0; i < table.getItemCount(); i++) {
            if (table.getItem(i).getText(0).equals(component)) {
                return table.getItem(i).getText(1);
            }
        }
        fail("no row " + component);
        return null;
    }

    private static Shell findShell(Display display, String title) {
        for (Shell s : display.getShells()) {
            if (!s.isDisposed() && title.equals(s.getText())) {
                return s;
            }
        }
        return null;
    }

    /** Lets pending paints run so the screenshot shows the finished window. */
    static void settle(Display display) {
        long until = System.currentTimeMillis() + 500;
        while (System.currentTimeMillis() < until) {
            if (!display.readAndDispatch()) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Redraws the whole window, copies it from the screen, saves it and returns the pixels. */
    static ImageData screenshot(Display display, Shell shell, String name) {
        // the pointer rests where Xvfb put it (the screen's centre), over whatever widget lies
        // there; its tooltip would cover the screenshot, so it goes to the screen's corner first
        Rectangle screen = display.getBounds();
        display.setCursorLocation(screen.x + screen.width - 1, screen.y + screen.height - 1);
        shell.redraw(0, 0, shell.getSize().x, shell.getSize().y, true);
        shell.update();
        settle(display);
        Rectangle b = shell.getBounds();
        Image image = new Image(display, b.width, b.height);
        GC gc = new GC(display);
        try {
            gc.copyArea(image, b.x, b.y);
            ImageData data = image.getImageData();
            save(data, name);
            return data;
        } catch (java.io.IOException e) {
            throw new AssertionError("screenshot " + name, e);
        } finally {
            gc.dispose();
            image.dispose();
        }
    }

    /**
     * Deletes a scratch folder a check made under the system temporary directory (the UI checks
     * run in one JVM per build, and without this every run left its folders behind in /tmp).
     */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the scratch folder " + dir, e);
        }
    }

    /** Writes an image as PNG into the screenshot folder (target/screenshots of the test bundle). */
    static void save(ImageData data, String name) throws java.io.IOException {
        Path dir = Path.of(System.getProperty("privtune.screenshots", "target/screenshots"));
        Files.createDirectories(dir);
        ImageLoader loader = new ImageLoader();
        loader.data = new ImageData[] {data};
        loader.save(dir.resolve(name).toString(), SWT.IMAGE_PNG);
    }

    private void closeEverything(Display display) {
        for (Shell s : display.getShells()) {
            if (!s.isDisposed() && s.getData("modelElement") instanceof MWindow w) {
                w.getContext().get(IWorkbench.class).close();
                return;
            }
        }
        for (Shell s : display.getShells()) {
            s.dispose();
        }
    }

    /** The branding and arguments the launcher would give E4Application for the product. */
    private record ProductContext(String productId, String applicationId, String name, Map<String, String> properties,
            Bundle bundle) implements IApplicationContext {

        @Override
        public Map<String, Object> getArguments() {
            return Map.of(IApplicationContext.APPLICATION_ARGS, new String[0]);
        }

        @Override
        public void applicationRunning() {
        }

        @Override
        public String getBrandingApplication() {
            return applicationId;
        }

        @Override
        public String getBrandingName() {
            return name;
        }

        @Override
        public String getBrandingDescription() {
            return name;
        }

        @Override
        public String getBrandingId() {
            return productId;
        }

        @Override
        public String getBrandingProperty(String key) {
            return properties.get(key);
        }

        @Override
        public Bundle getBrandingBundle() {
            return bundle;
        }

        @Override
        public void setResult(Object result, IApplication application) {
        }
    }
}
