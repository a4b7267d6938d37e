package org.privtune.ui.events;

/**
 * The {@code IEventBroker} topics the studio's views tell each other about changes on. Sent on the
 * UI thread; receivers subscribe with {@code @UIEventTopic}.
 */
public final class StudioTopics {

    /** The shared mechanism settings changed; data: {@link org.privtune.studio.MechanismSettings.Change}. */
    public static final String MECHANISM = "org/privtune/studio/mechanism";

    /**
     * The Noise Tuner's evaluator was closed ({@code false}) or a new one is ready ({@code true});
     * {@link org.privtune.studio.NoiseTunerService#current()} holds it.
     */
    public static final String EVALUATOR = "org/privtune/studio/evaluator";

    private StudioTopics() {
    }
}
