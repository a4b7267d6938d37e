package org.privtune.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.privtune.core.InvalidInputException;

/**
 * Turns what a user names as a model into an {@link EncoderSource}: the name (or Hugging Face
 * id) of a built-in model, or a folder in Hugging Face layout ({@link EncoderFolder}).
 */
public final class ModelRegistry {

    /** The model used when none is named. */
    public static final BuiltInModel DEFAULT = BuiltInModel.MINI_LM_L6;

    private ModelRegistry() {
    }

    /** The built-in models, the default first. */
    public static List<BuiltInModel> builtIns() {
        return BuiltInModel.all();
    }

    /**
     * A built-in by name, else the folder at that path.
     *
     * @throws InvalidInputException when it is neither, or the folder is not a supported model
     */
    public static EncoderSource resolve(String nameOrFolder) throws IOException {
        if (nameOrFolder == null || nameOrFolder.isBlank()) {
            return DEFAULT;
        }
        BuiltInModel builtIn = BuiltInModel.named(nameOrFolder.trim());
        if (builtIn != null) {
            return builtIn;
        }
        Path dir = Path.of(nameOrFolder);
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException(nameOrFolder, 0, null, "neither a built-in model ("
                    + builtIns().stream().map(BuiltInModel::name).collect(Collectors.joining(", "))
                    + ") nor a model folder");
        }
        return EncoderFolder.open(dir);
    }
}
