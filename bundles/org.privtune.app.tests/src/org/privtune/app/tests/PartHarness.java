package org.privtune.app.tests;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.BooleanSupplier;

import jakarta.annotation.PreDestroy;

import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.e4.core.contexts.ContextInjectionFactory;
import org.eclipse.e4.core.contexts.EclipseContextFactory;
import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Widget;
import org.osgi.framework.FrameworkUtil;
import org.privtune.ui.widgets.WidgetIds;

/**
 * One or more of the studio's parts in a shell of their own, made by E4 injection from a context
 * over the OSGi services (the studio services and the event broker), without a workbench. Waits on
 * the UI thread (the test's thread) for conditions and for the parts' Jobs.
 */
final class PartHarness implements AutoCloseable {

    static final long TIMEOUT_MS = 300_000;

    final Display display;
    final Shell shell;
    final IEclipseContext context;
    private final java.util.Map<Class<?>, IEclipseContext> partContexts = new java.util.HashMap<>();
    private final java.util.Map<Class<?>, Composite> partParents = new java.util.HashMap<>();
    private final java.util.Map<Object, IEclipseContext> parts = new java.util.LinkedHashMap<>();

    PartHarness(String title, int width, int height) {
        display = Display.getDefault();
        shell = new Shell(display);
        shell.setText(title);
        shell.setLayout(new FillLayout(SWT.HORIZONTAL));
        shell.setSize(width, height);
        context = EclipseContextFactory.getServiceContext(FrameworkUtil.getBundle(PartHarness.class).getBundleContext())
                .createChild(title);
    }

    /** Makes a part in a composite of its own (a part context of its own), shows the shell and returns the part. */
    <T> T make(Class<T> partClass) {
        Composite parent = new Composite(shell, SWT.NONE);
        IEclipseContext partContext = context.createChild(partClass.getSimpleName());
        partContext.set(Composite.class, parent);
        partContexts.put(partClass, partContext);
        partParents.put(partClass, parent);
        T part = ContextInjectionFactory.make(partClass, partContext);
        assertNotNull(part, partClass.getSimpleName());
        parts.put(part, partContext);
        shell.layout(true, true);
        shell.open();
        return part;
    }

    /** The context the part of {@code partClass} was made in. */
    IEclipseContext partContext(Class<?> partClass) {
        return partContexts.get(partClass);
    }

    /** The widget named {@code id} (widget data "id") in the shell. */
    <W extends Widget> W find(String id, Class<W> type) {
        Control c = WidgetIds.find(shell, id);
        assertNotNull(c, "a widget named " + id);
        return type.cast(c);
    }

    /** The widget named {@code id} in the part of {@code partClass}. */
    <W extends Widget> W find(Class<?> partClass, String id, Class<W> type) {
        Control c = WidgetIds.find(partParents.get(partClass), id);
        assertNotNull(c, "a widget named " + id + " in " + partClass.getSimpleName());
        return type.cast(c);
    }

    /** Dispatches events until {@code condition} holds; fails after the timeout. */
    void waitUntil(String what, BooleanSupplier condition) {
        waitUntil(what, TIMEOUT_MS, condition);
    }

    /** Dispatches events until {@code condition} holds; fails after {@code timeoutMs}. */
    void waitUntil(String what, long timeoutMs, BooleanSupplier condition) {
        long until = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > until) {
                fail("timed out waiting for " + what);
            }
            if (!display.readAndDispatch()) {
                sleep(20);
            }
        }
    }

    /** Waits until no Job of the families (part ids) is left and their results are on screen. */
    void waitIdle(String... families) {
        waitUntil("the Jobs of " + String.join(", ", families), () -> {
            if (busy(families)) {
                return false;
            }
            while (display.readAndDispatch()) {
                // results the finished Jobs posted
            }
            return !busy(families);
        });
    }

    private static boolean busy(String... families) {
        for (String f : families) {
            if (Job.getJobManager().find(f).length > 0) {
                return true;
            }
        }
        return false;
    }

    /** Sends the widget a selection event, as a user's click or pick does. */
    static void select(Widget w) {
        w.notifyListeners(SWT.Selection, new Event());
    }

    /** A screenshot of the shell (redrawn first) into the screenshot folder. */
    ImageData screenshot(String name) {
        StudioWorkbenchTest.settle(display);
        return StudioWorkbenchTest.screenshot(display, shell, name);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Disposes the parts (their @PreDestroy runs, as the workbench runs it) and the shell. */
    @Override
    public void close() {
        parts.forEach((part, partContext) -> ContextInjectionFactory.invoke(part, PreDestroy.class, partContext, null));
        context.dispose();
        if (!shell.isDisposed()) {
            shell.dispose();
        }
        while (display.readAndDispatch()) {
            // pending results of the closed parts are dropped
        }
    }
}
