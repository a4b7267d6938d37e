package org.privtune.ui.tuner;

/**
 * What the Mechanism menu asks of the Noise Tuner; its part puts the implementation into the
 * part's context, where the menu's handlers find it.
 */
public interface PresetActions {

    /** Asks for a name and saves the settings as that preset. */
    void savePreset();

    /** Saves the settings as the preset {@code training} that {@code ./privtune train} picks up. */
    void useForTraining();
}
