package org.privtune.ui.about;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.swt.SWT;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.privtune.djl.runtime.DjlRuntime;

/**
 * The versions the About dialog shows, read from the running platform rather than written down,
 * so that the dialog tells what really runs.
 */
public final class StudioVersions {

    /** One line of the About dialog. */
    public record Entry(String component, String version) {
    }

    private StudioVersions() {
    }

    /** Versions known without loading native code: studio, platform, SWT, Java, DJL. */
    public static List<Entry> immediate() {
        List<Entry> entries = new ArrayList<>();
        entries.add(new Entry("PrivTune Studio", bundleVersion(StudioVersions.class)));
        entries.add(new Entry("Eclipse platform", platformRelease() + " (E4 workbench " + bundleVersion(org.eclipse.e4.ui.workbench.IWorkbench.class) + ")"));
        entries.add(new Entry("SWT", bundleVersion(SWT.class) + " (" + SWT.getPlatform() + ")"));
        entries.add(new Entry("Java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"));
        entries.add(new Entry("Deep Java Library", DjlRuntime.djlVersion()));
        return entries;
    }

    /** Loads the PyTorch engine (natives; up to a few seconds on first start) and reports it. */
    public static Entry pytorch() {
        return new Entry("PyTorch engine", DjlRuntime.pytorchVersion() + (DjlRuntime.offline() ? ", offline" : ""));
    }

    /** Eclipse release name derived from the SWT version: 4.41 ships SWT 3.135 (4.x = SWT 3.(x+94)). */
    static String platformRelease() {
        Bundle swt = FrameworkUtil.getBundle(SWT.class);
        if (swt == null) {
            return "unknown";
        }
        int minor = swt.getVersion().getMinor();
        return "4." + (minor - 94);
    }

    private static String bundleVersion(Class<?> type) {
        Bundle b = FrameworkUtil.getBundle(type);
        return b == null ? "unknown" : b.getVersion().toString();
    }

    /** As text, one "component: version" line each, for copying into bug reports. */
    public static String asText(List<Entry> entries) {
        Map<String, String> m = new LinkedHashMap<>();
        entries.forEach(e -> m.put(e.component(), e.version()));
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        return sb.toString();
    }
}
