package org.privtune.core;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The one folder where the studio and every command keep their state: data sets, the list of
 * imports, presets, caches, runs, logs and settings. It is the system property
 * {@value #PROPERTY} when set (the {@code ./privtune} launcher passes its state folder so), else
 * the environment variable {@value #ENV}, else {@code .privtune} in {@code $HOME}. Java's
 * {@code user.home} is not asked: it comes from the password database and may differ from the
 * {@code $HOME} the launcher and the user see.
 */
public final class PrivTuneHome {

    /** The system property naming the state folder (set by {@code ./privtune}). */
    public static final String PROPERTY = "privtune.home";
    /** The environment variable naming the state folder. */
    public static final String ENV = "PRIVTUNE_HOME";

    /** Fetched and imported data sets, and the list of recent imports. */
    public static final String DATASETS = "datasets";
    /** Named mechanism presets. */
    public static final String PRESETS = "presets";
    /** Reference spaces, neighbour graphs and importance tables. */
    public static final String CACHE = "cache";
    /** Where training and experiment runs go unless told otherwise. */
    public static final String RUNS = "runs";
    /** JVM crash reports and logs. */
    public static final String LOGS = "logs";

    private PrivTuneHome() {
    }

    /** The state folder of this process. */
    public static Path dir() {
        return resolve(System::getProperty, System::getenv);
    }

    /** A folder of the state folder, e.g. {@code dir(DATASETS)}. */
    public static Path dir(String part) {
        return dir().resolve(part);
    }

    /**
     * The state folder for these system properties and environment variables (either lookup
     * returns null for an unset name).
     *
     * @throws InvalidInputException when neither names a folder and {@code HOME} is unset
     */
    public static Path resolve(UnaryOperator<String> properties, UnaryOperator<String> environment) {
        String p = properties.apply(PROPERTY);
        if (p != null && !p.isBlank()) {
            return Path.of(p.trim()).toAbsolutePath();
        }
        String e = environment.apply(ENV);
        if (e != null && !e.isBlank()) {
            return Path.of(e.trim()).toAbsolutePath();
        }
        String home = environment.apply("HOME");
        if (home == null || home.isBlank()) {
            throw new InvalidInputException("environment", 0, "HOME",
                    "neither " + ENV + " nor HOME is set, so there is no folder for the studio's state; set " + ENV);
        }
        return Path.of(home.trim(), ".privtune").toAbsolutePath();
    }
}
