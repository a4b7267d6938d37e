package org.privtune.ui.tuner;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.ISchedulingRule;
import org.eclipse.core.runtime.jobs.Job;
import org.privtune.attack.studio.TunerEngine;
import org.privtune.ui.jobs.MutexRule;

/**
 * The one {@link TunerEngine} of the studio (opened by the Noise Tuner for the current split layer)
 * and the scheduling rule every Job that uses it must hold: the engine is not thread-safe, so the
 * tuner's and the explorer's Jobs run one after the other. Set and read on the UI thread.
 */
public final class StudioEngine {

    /** Held by every Job that calls the engine. */
    public static final ISchedulingRule RULE = new MutexRule();

    private static final List<Consumer<TunerEngine>> LISTENERS = new CopyOnWriteArrayList<>();
    private static volatile TunerEngine current;

    private StudioEngine() {
    }

    /** The open engine, or null while it is being (re)built. */
    public static TunerEngine current() {
        return current;
    }

    static void set(TunerEngine engine) {
        current = engine;
        for (Consumer<TunerEngine> l : LISTENERS) {
            l.accept(engine);
        }
    }

    /** Closes {@code resource} in a Job that holds {@link #RULE}, i.e. after any running engine work. */
    public static void closeLater(String name, AutoCloseable resource) {
        Job close = Job.create(name, m -> {
            try {
                resource.close();
            } catch (Exception e) {
                return new Status(IStatus.WARNING, "org.privtune.ui", name + " failed", e);
            }
            return Status.OK_STATUS;
        });
        close.setRule(RULE);
        close.setSystem(true);
        close.schedule();
    }

    public static void addListener(Consumer<TunerEngine> l) {
        LISTENERS.add(l);
    }

    public static void removeListener(Consumer<TunerEngine> l) {
        LISTENERS.remove(l);
    }
}
