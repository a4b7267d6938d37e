package org.privtune.ui.handlers;

import org.privtune.ui.tuner.NoiseTunerPart;
import org.privtune.ui.tuner.PresetActions;

/** Mechanism > Use for Training: the Noise Tuner's settings become the preset "training". */
public class UseForTrainingHandler extends PartActionHandler<PresetActions> {
    public UseForTrainingHandler() {
        super(NoiseTunerPart.ID, PresetActions.class, PresetActions::useForTraining);
    }
}
