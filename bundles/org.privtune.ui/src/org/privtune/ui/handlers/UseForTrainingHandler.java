package org.privtune.ui.handlers;

import org.privtune.ui.tuner.NoiseTunerPart;

/** Mechanism > Use for Training: the Noise Tuner's settings become the preset "training". */
public class UseForTrainingHandler extends PartActionHandler<NoiseTunerPart> {
    public UseForTrainingHandler() {
        super(NoiseTunerPart.PART_ID, NoiseTunerPart.class, NoiseTunerPart::useForTraining);
    }
}
