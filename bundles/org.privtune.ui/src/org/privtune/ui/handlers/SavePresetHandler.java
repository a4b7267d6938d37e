package org.privtune.ui.handlers;

import org.privtune.ui.tuner.NoiseTunerPart;

/** Mechanism > Save as Preset...: names the Noise Tuner's current settings. */
public class SavePresetHandler extends PartActionHandler<NoiseTunerPart> {
    public SavePresetHandler() {
        super(NoiseTunerPart.PART_ID, NoiseTunerPart.class, NoiseTunerPart::savePreset);
    }
}
