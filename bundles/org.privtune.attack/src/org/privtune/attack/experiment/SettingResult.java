package org.privtune.attack.experiment;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The measured metrics of one setting, by name in a fixed order (see {@link Metrics}), plus the
 * mechanism's full spec text and free-form notes.
 */
public record SettingResult(Setting setting, String spec, Map<String, Double> metrics) {

    public SettingResult {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    public double metric(String name) {
        Double v = metrics.get(name);
        return v == null ? Double.NaN : v;
    }
}
