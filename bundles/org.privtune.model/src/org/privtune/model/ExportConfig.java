package org.privtune.model;

import java.util.List;
import java.util.Map;

/**
 * config.json of an exported split model folder. {@code files} holds the SHA-256 of every other
 * file of the folder, so that a corrupt or edited export is refused on import.
 *
 * @param noise free-form description of the device's noise mechanism and its parameters
 *              (e.g. {"mechanism": "dchi", "epsilon": 10}); empty map for none
 */
public record ExportConfig(String format, int formatVersion, String baseModel, String baseWeightsSha256,
        BertConfig architecture, int splitLayer, String pooling, Head head, List<String> labels, int maxLength,
        boolean bottomTrained, Map<String, Object> noise, Map<String, String> files) {

    public static final String FORMAT = "privtune-split-model";
    public static final int VERSION = 1;

    /** The classification head: dropout then a linear layer (classifier.weight/bias). */
    public record Head(String type, float dropout, int numLabels) {
    }
}
