package org.privtune.ui.tuner;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.privtune.mechanism.MechanismSpec;

/**
 * The mechanism settings the studio's views share (Noise Tuner, Neighbour-Hop Explorer): one spec
 * and split layer; a change made in one view is pushed to the others. Used on the UI thread only.
 */
public final class MechanismSelection {

    /** The studio's one selection. */
    public static final MechanismSelection STUDIO = new MechanismSelection(MechanismSpec.defaults(MechanismSpec.PRIVTUNE), 2);

    /** A spec together with the split layer it applies at. */
    public record Settings(MechanismSpec spec, int split) {
    }

    private final List<Consumer<Settings>> listeners = new CopyOnWriteArrayList<>();
    private Settings current;

    public MechanismSelection(MechanismSpec spec, int split) {
        this.current = new Settings(spec, split);
    }

    public Settings get() {
        return current;
    }

    /** Sets the settings and tells every listener except {@code source} (null: tell all). */
    public void set(Settings s, Consumer<Settings> source) {
        if (s.equals(current)) {
            return;
        }
        current = s;
        for (Consumer<Settings> l : listeners) {
            if (l != source) {
                l.accept(s);
            }
        }
    }

    public void addListener(Consumer<Settings> l) {
        listeners.add(l);
    }

    public void removeListener(Consumer<Settings> l) {
        listeners.remove(l);
    }
}
