package org.privtune.ui.handlers;

import org.privtune.ui.tuner.NoiseTunerPart;
import org.privtune.ui.tuner.PresetActions;

/** Mechanism > Save as Preset...: names the Noise Tuner's current settings. */
public class SavePresetHandler extends PartActionHandler<PresetActions> {
    public SavePresetHandler() {
        super(NoiseTunerPart.ID, PresetActions.class, PresetActions::savePreset);
    }
}
