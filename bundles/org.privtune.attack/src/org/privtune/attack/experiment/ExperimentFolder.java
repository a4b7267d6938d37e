package org.privtune.attack.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

import org.privtune.core.InvalidInputException;
import org.privtune.model.BuiltInModel;
import org.privtune.model.ModelRegistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What every setting of an experiment folder shares, kept in {@code <folder>/experiment.json}:
 * the data set, the model, the split layer, the victim's sample and the amount of work per setting.
 * A setting's key names only its mechanism, eps and seed, so a run that resumed a folder with
 * another model or split would put rows of two experiments into one table; {@link #claim} refuses
 * that, naming the field that differs.
 */
public final class ExperimentFolder {

    public static final String FILE = "experiment.json";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ExperimentFolder() {
    }

    /**
     * The shared configuration as JSON, fields in a fixed order. A built-in model is recorded by
     * its name whatever alias named it; a model folder or a data file by its absolute path.
     */
    public static ObjectNode identity(ExperimentConfig cfg) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("data", normalised(cfg.data()));
        n.put("model", modelName(cfg.model()));
        n.put("split", cfg.split());
        n.put("sample", cfg.sample());
        n.put("quick", cfg.quick());
        n.put("trainLimit", cfg.trainLimit());
        n.put("devLimit", cfg.devLimit());
        n.put("testLimit", cfg.testLimit());
        n.put("epochs", cfg.epochs());
        n.put("learningRate", cfg.learningRate());
        n.put("auxSentences", cfg.auxSentences());
        n.put("a2Epochs", cfg.a2Epochs());
        n.put("a2Hidden", cfg.a2Hidden());
        n.put("a3Sentences", cfg.a3Sentences());
        n.put("a3Steps", cfg.a3Steps());
        n.put("a3Candidates", cfg.a3Candidates());
        n.put("attackerSlice", cfg.attackerSlice());
        return n;
    }

    /**
     * Writes the folder's {@value #FILE} when it has none (a new folder, or one written before the
     * file existed: its settings are taken to be this run's), else checks that this run shares it.
     *
     * @throws InvalidInputException naming the file and the first field that differs
     */
    public static void claim(ExperimentConfig cfg) throws IOException {
        Path file = cfg.out().resolve(FILE);
        // through the text, so that numbers compare as they read back (a float is read as a double)
        JsonNode mine = MAPPER.readTree(MAPPER.writeValueAsBytes(identity(cfg)));
        if (!Files.isRegularFile(file)) {
            Files.createDirectories(cfg.out());
            ResultFiles.writeAtomically(file, MAPPER.writeValueAsBytes(mine));
            return;
        }
        JsonNode theirs;
        try {
            theirs = MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new InvalidInputException(file.toString(), 0, null, "not readable JSON: " + e.getMessage(), e);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = mine.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode t = theirs.get(f.getKey());
            if (t == null || !t.equals(f.getValue())) {
                throw new InvalidInputException(file.toString(), 0, f.getKey(), "this folder's settings were run with "
                        + (t == null ? "no such field" : t.toString()) + ", this run asks for " + f.getValue()
                        + "; one folder holds one experiment (choose another --out)");
            }
        }
    }

    private static String modelName(String model) {
        if (model == null || model.isBlank()) {
            return ModelRegistry.DEFAULT.name();
        }
        BuiltInModel b = BuiltInModel.named(model.trim());
        return b != null ? b.name() : normalised(model);
    }

    private static String normalised(String nameOrPath) {
        // a name without a separator is a built-in or imported set's name (a folder of that name in
        // the working directory does not make it a path); a file in the working directory is a file
        Path p = Path.of(nameOrPath);
        return nameOrPath.contains("/") || Files.isRegularFile(p) ? p.toAbsolutePath().normalize().toString()
                : nameOrPath;
    }
}
