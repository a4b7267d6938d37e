package org.privtune.djl.runtime;

import ai.djl.engine.Engine;

/**
 * Entry point to DJL inside the studio. DJL discovers engines through {@link java.util.ServiceLoader}
 * on the thread context class loader; inside OSGi that loader may not see this bundle's jars, so
 * every engine lookup runs with this bundle's loader as context loader. The studio never downloads
 * anything: offline mode is switched on unless the user set it explicitly.
 */
public final class DjlRuntime {

    /** The engine every PrivTune computation runs on. */
    public static final String ENGINE = "PyTorch";

    static {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    private DjlRuntime() {
    }

    /** The PyTorch engine, loading its natives from this bundle on first use. */
    public static Engine pytorch() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(DjlRuntime.class.getClassLoader());
        try {
            return Engine.getEngine(ENGINE);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Version of the DJL API in use. */
    public static String djlVersion() {
        return Engine.getDjlVersion();
    }

    /** Version of the PyTorch native library the engine runs. */
    public static String pytorchVersion() {
        return pytorch().getVersion();
    }

    /** True when DJL is forbidden to download anything. */
    public static boolean offline() {
        return Boolean.getBoolean("ai.djl.offline");
    }
}
