package org.privtune.ui.prefs;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.core.runtime.preferences.IEclipsePreferences;
import org.eclipse.core.runtime.preferences.InstanceScope;
import org.privtune.data.builtin.BuiltinDatasets;
import org.privtune.data.io.RecentImports;
import org.privtune.mechanism.ModelResources;
import org.privtune.model.ModelRegistry;

/**
 * The studio's settings (Window > Preferences), kept in the instance scope of {@code org.privtune.ui}
 * next to what the views remember by themselves (last data set, last mechanism, sample size).
 * Reading never fails: a missing or unreadable value gives the default.
 */
public final class StudioPreferences {

    public static final String NODE = "org.privtune.ui";
    /** Data set whose dev split the Noise Tuner samples (built-in name, recent import or file). */
    public static final String TUNER_DATASET = "tuner.dataset";
    /** Wanted milliseconds from a change to the Noise Tuner's refreshed point. */
    public static final String TUNER_TARGET_MS = "tuner.targetMs";
    /** Folder of the reference spaces, neighbour graphs and importance tables. */
    public static final String CACHE_DIR = "cache.dir";
    /** The model the Noise Tuner and Split Training start with: a built-in name or a model folder. */
    public static final String DEFAULT_MODEL = "model.default";

    public static final long DEFAULT_TARGET_MS = 200;
    public static final int MIN_TARGET_MS = 50;
    public static final int MAX_TARGET_MS = 5000;

    private StudioPreferences() {
    }

    public static IEclipsePreferences node() {
        return InstanceScope.INSTANCE.getNode(NODE);
    }

    public static String tunerDataset() {
        String v = node().get(TUNER_DATASET, "").trim();
        return v.isEmpty() ? BuiltinDatasets.DEFAULT : v;
    }

    public static long targetMs() {
        long v = node().getLong(TUNER_TARGET_MS, DEFAULT_TARGET_MS);
        return Math.max(MIN_TARGET_MS, Math.min(MAX_TARGET_MS, v));
    }

    /** The preference (a built-in name or a model folder), else the default built-in model. */
    public static String defaultModel() {
        String v = node().get(DEFAULT_MODEL, "").trim();
        return v.isEmpty() ? ModelRegistry.DEFAULT.name() : v;
    }

    /** The preference, else {@link ModelResources#defaultCacheDir()} (system property or ~/.privtune/cache). */
    public static Path cacheDir() {
        String v = node().get(CACHE_DIR, "").trim();
        return v.isEmpty() ? ModelResources.defaultCacheDir() : Path.of(v);
    }

    /**
     * Why {@code value} cannot be the Noise Tuner's data set, or null when it can: a built-in name,
     * the name of a recent import whose file still exists, or a readable file.
     */
    public static String checkDataset(String value) {
        String v = value.trim();
        if (v.isEmpty() || BuiltinDatasets.isBuiltin(v)) {
            return null;
        }
        RecentImports.Entry e = RecentImports.defaults().find(v);
        if (e != null) {
            return Files.isReadable(e.file()) ? null : "the file of the import '" + v + "' is gone: " + e.file();
        }
        Path p = Path.of(v);
        if (Files.isRegularFile(p) && Files.isReadable(p)) {
            return null;
        }
        return "'" + v + "' is neither a built-in data set (" + String.join(", ",
                BuiltinDatasets.list().stream().map(BuiltinDatasets.Info::name).toList())
                + "), a recent import nor a readable file";
    }

    /** Why {@code value} cannot be the cache folder, or null when it can (empty: the default). */
    public static String checkCacheDir(String value) {
        String v = value.trim();
        if (v.isEmpty()) {
            return null;
        }
        Path p;
        try {
            p = Path.of(v);
        } catch (java.nio.file.InvalidPathException e) {
            return "not a path: " + e.getMessage();
        }
        if (!p.isAbsolute()) {
            return "the cache folder must be an absolute path";
        }
        if (Files.exists(p) && !Files.isDirectory(p)) {
            return p + " is a file, not a folder";
        }
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isWritable(existing)) {
            return "cannot create or write " + p;
        }
        return null;
    }
}
