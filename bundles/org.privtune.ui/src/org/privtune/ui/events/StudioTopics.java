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

    /**
     * A run was recorded in the runs history (a training or an experiment, finished or stopped);
     * data: its {@link org.privtune.studio.RunRecord}.
     */
    public static final String RUNS = "org/privtune/studio/runs";

    private StudioTopics() {
    }
}
