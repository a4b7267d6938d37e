package org.privtune.ui.export;

import java.nio.file.Path;
import java.util.Locale;

import org.privtune.studio.StudioExports;

/** Export a trained model: a training's output folder, copied after its checksums are checked. */
final class ExportModelPage extends FolderCopyPage {

    ExportModelPage() {
        super("model", "Export a trained model",
                "Copy a training's export folder; its files are checked against the checksums config.json records.",
                new String[] { StudioExports.FIELD_TRAINING_FOLDER,
                        "The folder Split Training or ./privtune train --out wrote (config.json and the model files)" },
                new String[] { StudioExports.FIELD_MODEL_DESTINATION, "A new (or empty) folder that receives the copy" });
    }

    @Override
    ExportWizard.Request request() {
        Path from = path(source, StudioExports.FIELD_TRAINING_FOLDER);
        Path to = path(destination, StudioExports.FIELD_MODEL_DESTINATION);
        try {
            StudioExports.checkModelFolder(from);
            StudioExports.checkModelDestination(from, to);
        } catch (java.io.IOException e) {
            throw new org.privtune.core.InvalidInputException(StudioExports.FIELD_TRAINING_FOLDER, 0, null,
                    "cannot read " + from + ": " + e.getMessage(), e);
        }
        return new ExportWizard.Request("Export the model " + from.getFileName(), progress -> {
            StudioExports.ModelCopy copy = StudioExports.exportModel(from, to, progress);
            return String.format(Locale.ROOT, "Copied %d files (%.1f MB) to %s.%nBase model %s, weights SHA-256 %s.",
                    copy.files(), copy.bytes() / 1e6, copy.folder(), copy.baseModel(), copy.baseWeightsSha256());
        });
    }
}
