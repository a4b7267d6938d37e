package org.privtune.studio;

import org.privtune.mechanism.MechanismSpec;

/**
 * A mechanism spec together with the split layer it applies at: what the Noise Tuner, the
 * Neighbour-Hop Explorer and Split Training share.
 */
public record MechanismSettings(MechanismSpec spec, int split) {

    /** privtune with its defaults, after layer 2. */
    public static final MechanismSettings DEFAULT = new MechanismSettings(MechanismSpec.defaults(MechanismSpec.PRIVTUNE), 2);

    /**
     * New settings and the view that made them (it has them on screen already).
     *
     * @param source element id of the view that changed the settings
     */
    public record Change(MechanismSettings settings, String source) {
    }
}
