package org.privtune.studio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.privtune.attack.experiment.ExportRepresentationsCommand;
import org.privtune.attack.experiment.ResultFiles;
import org.privtune.core.CancelledException;
import org.privtune.core.InvalidInputException;
import org.privtune.core.Progress;
import org.privtune.data.DataDirectory;
import org.privtune.mechanism.MechanismSpec;
import org.privtune.model.ExportConfig;
import org.privtune.model.ModelExport;

/**
 * What File &gt; Export... writes, without UI: a trained model's folder copied after its checksums
 * are checked, the representations the cloud receives (what {@code ./privtune
 * export-representations} writes), an experiment's result tables. Every export is written beside
 * its destination under a temporary name and moved into place only once complete: a cancelled or
 * failed export leaves nothing behind, and a destination that existed before is left as it was.
 * Bad input is an {@link InvalidInputException} naming the field (the wizard's label).
 */
public final class StudioExports {

    /** Field names the errors use: the wizard's labels. */
    public static final String FIELD_TRAINING_FOLDER = "Training output folder";
    public static final String FIELD_MODEL_DESTINATION = "Export to folder";
    public static final String FIELD_EXPERIMENT_FOLDER = "Experiment folder";
    public static final String FIELD_TABLES_DESTINATION = "Copy to folder";
    public static final String FIELD_OUTPUT_FILE = "Output file";

    /** The files of an experiment folder that make its result tables, the CSV first (required). */
    public static final List<String> RESULT_TABLES = List.of(ResultFiles.CSV, ResultFiles.JSON, ResultFiles.SUMMARY);

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private StudioExports() {
    }

    /** A model folder copied: where, what it was trained on (as its config.json records), how many files. */
    public record ModelCopy(Path folder, String baseModel, String baseWeightsSha256, int files, long bytes) {
    }

    /**
     * Checks a training's export folder (config.json readable, its format, every recorded file
     * present with its recorded SHA-256) and copies the folder to {@code destination}, which must
     * not exist or be an empty folder. The copy's config.json is the training's, so the base
     * model's name and weights' SHA-256 travel with it and import checks them as before.
     */
    public static ModelCopy exportModel(Path trainingFolder, Path destination, Progress progress) throws IOException {
        ExportConfig cfg = checkModelFolder(trainingFolder);
        Path dest = checkModelDestination(trainingFolder, destination);
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(trainingFolder)) {
            s.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        long total = 0;
        for (Path f : files) {
            total += Files.size(f);
        }
        Files.createDirectories(dest.getParent());
        Path tmp = Files.createTempDirectory(dest.getParent(), "." + dest.getFileName() + ".partial-");
        try {
            progress.begin("Copying " + files.size() + " files of " + trainingFolder.getFileName(),
                    (int) Math.max(1, total >> 20));
            for (Path f : files) {
                Path target = tmp.resolve(trainingFolder.relativize(f).toString());
                Files.createDirectories(target.getParent());
                copy(f, target, progress);
            }
            // the copy is checked as the original was: nothing changed on the way
            checkModelFolder(tmp, FIELD_MODEL_DESTINATION);
            progress.checkCancelled();
            if (Files.isDirectory(dest)) {
                Files.delete(dest); // empty, checked above
            }
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        } finally {
            progress.done();
        }
        return new ModelCopy(dest, cfg.baseModel(), cfg.baseWeightsSha256(), files.size(), total);
    }

    /**
     * The folder a model copy may go to: a new or empty folder outside the training folder.
     *
     * @return it, absolute
     */
    public static Path checkModelDestination(Path trainingFolder, Path destination) throws IOException {
        Path dest = requireNew(destination, FIELD_MODEL_DESTINATION, true);
        if (dest.startsWith(trainingFolder.toAbsolutePath().normalize())) {
            throw new InvalidInputException(FIELD_MODEL_DESTINATION, 0, null,
                    dest + " is inside the training output folder " + trainingFolder);
        }
        return dest;
    }

    /** The training folder's config.json, once the folder holds every file it records with its checksum. */
    public static ExportConfig checkModelFolder(Path folder) throws IOException {
        return checkModelFolder(folder, FIELD_TRAINING_FOLDER);
    }

    private static ExportConfig checkModelFolder(Path folder, String field) throws IOException {
        if (folder == null || !Files.isDirectory(folder)) {
            throw new InvalidInputException(field, 0, null, (folder == null ? "empty" : folder + " is not a folder")
                    + "; choose the folder a training exported (it holds " + ModelExport.CONFIG + ")");
        }
        Path cfgFile = folder.resolve(ModelExport.CONFIG);
        if (!Files.isRegularFile(cfgFile)) {
            throw new InvalidInputException(field, 0, null,
                    folder + " is not a training output folder: " + ModelExport.CONFIG + " missing");
        }
        ExportConfig cfg;
        try {
            cfg = JSON.readValue(cfgFile.toFile(), ExportConfig.class);
        } catch (JacksonException e) {
            throw new InvalidInputException(cfgFile.toString(),
                    e.getLocation() == null ? 0 : e.getLocation().getLineNr(), null,
                    "unreadable config: " + e.getOriginalMessage(), e);
        }
        if (!ExportConfig.FORMAT.equals(cfg.format())) {
            throw new InvalidInputException(cfgFile.toString(), 0, "format",
                    "expected " + ExportConfig.FORMAT + ", found " + cfg.format());
        }
        if (cfg.files() == null || cfg.files().isEmpty()) {
            throw new InvalidInputException(cfgFile.toString(), 0, "files", "no files recorded");
        }
        if (cfg.baseModel() == null || cfg.baseWeightsSha256() == null) {
            throw new InvalidInputException(cfgFile.toString(), 0, cfg.baseModel() == null ? "baseModel"
                    : "baseWeightsSha256", "missing: the base model is not recorded");
        }
        for (Map.Entry<String, String> e : cfg.files().entrySet()) {
            Path p = folder.resolve(e.getKey());
            if (!Files.isRegularFile(p)) {
                throw new InvalidInputException(p.toString(), 0, null,
                        "file missing from the model folder (" + ModelExport.CONFIG + " records it)");
            }
            String got = ModelExport.sha256(p);
            if (!got.equals(e.getValue())) {
                throw new InvalidInputException(p.toString(), 0, null, "checksum mismatch: " + ModelExport.CONFIG
                        + " records " + e.getValue() + ", file has " + got + " (corrupt or modified)");
            }
        }
        return cfg;
    }

    /** What {@link #exportRepresentations} wrote and the A1 figures it printed. */
    public record Representations(Path file, String report) {
    }

    /**
     * What {@code ./privtune export-representations} writes, into {@code file}: the same command
     * with the same parts, written under a temporary name next to {@code file} and moved there
     * once the command (export and its A1 figures) has finished.
     *
     * @param model null: the default model
     * @param limit test sentences (0: all)
     */
    public static Representations exportRepresentations(String data, String model, int split, MechanismSpec spec,
            Path file, int limit, Path cache, Progress progress) throws Exception {
        Path out = checkOutputFile(file, ".safetensors");
        Files.createDirectories(out.getParent());
        Path tmp = out.resolveSibling("." + out.getFileName() + ".partial-" + ProcessHandle.current().pid() + "-"
                + System.nanoTime() + ".safetensors");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            new ExportRepresentationsCommand().run(data, split, spec, tmp, limit, cache, model, ps, progress);
            progress.checkCancelled();
            DataDirectory.moveAtomically(tmp, out);
        } catch (Exception | Error e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        String report = text.toString(StandardCharsets.UTF_8).replace(tmp.toString(), out.toString());
        return new Representations(out, report);
    }

    /**
     * Checks an output file: a path whose folder exists or can be made, not a folder itself; a
     * name without {@code extension} gets it.
     */
    public static Path checkOutputFile(Path file, String extension) {
        if (file == null || file.toString().isBlank()) {
            throw new InvalidInputException(FIELD_OUTPUT_FILE, 0, null, "empty; choose the file to write");
        }
        Path out = file.toAbsolutePath().normalize();
        if (!out.getFileName().toString().endsWith(extension)) {
            out = out.resolveSibling(out.getFileName() + extension);
        }
        if (Files.isDirectory(out)) {
            throw new InvalidInputException(FIELD_OUTPUT_FILE, 0, null, out + " is a folder, not a file");
        }
        Path existing = out.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw new InvalidInputException(FIELD_OUTPUT_FILE, 0, null, "cannot create or write " + out.getParent());
        }
        return out;
    }

    /**
     * Copies an experiment folder's result tables (results.csv, and results.json and summary.md
     * where present) into {@code destination} (created if missing; files of the same names there are
     * replaced, each at once). Returns the files written.
     */
    public static List<Path> exportResultTables(Path experimentFolder, Path destination, Progress progress)
            throws IOException {
        Path dest = checkResultTables(experimentFolder, destination);
        List<Path> sources = RESULT_TABLES.stream().map(experimentFolder::resolve).filter(Files::isRegularFile)
                .toList();
        progress.begin("Copying the result tables of " + experimentFolder.getFileName(), sources.size());
        Files.createDirectories(dest);
        List<Path> staged = new ArrayList<>();
        List<Path> written = new ArrayList<>();
        try {
            for (Path s : sources) {
                Path tmp = Files.createTempFile(dest, "." + s.getFileName() + ".partial-", ".tmp");
                staged.add(tmp);
                copy(s, tmp, progress);
                progress.worked(1);
            }
            progress.checkCancelled();
            for (int i = 0; i < sources.size(); i++) {
                Path target = dest.resolve(sources.get(i).getFileName().toString());
                DataDirectory.moveAtomically(staged.get(i), target);
                written.add(target);
            }
        } finally {
            for (Path t : staged) {
                Files.deleteIfExists(t);
            }
            progress.done();
        }
        return written;
    }

    /**
     * Checks an experiment folder (it holds results.csv) and the folder its tables go to (not a
     * file, not the experiment folder itself).
     *
     * @return the destination, absolute
     */
    public static Path checkResultTables(Path experimentFolder, Path destination) {
        if (experimentFolder == null || !Files.isDirectory(experimentFolder)) {
            throw new InvalidInputException(FIELD_EXPERIMENT_FOLDER, 0, null,
                    (experimentFolder == null ? "empty" : experimentFolder + " is not a folder")
                            + "; choose the folder an experiment wrote (it holds " + ResultFiles.CSV + ")");
        }
        if (!Files.isRegularFile(experimentFolder.resolve(ResultFiles.CSV))) {
            throw new InvalidInputException(FIELD_EXPERIMENT_FOLDER, 0, null,
                    experimentFolder + " holds no " + ResultFiles.CSV + ": not an experiment folder");
        }
        Path dest = requireFolder(destination);
        if (dest.equals(experimentFolder.toAbsolutePath().normalize())) {
            throw new InvalidInputException(FIELD_TABLES_DESTINATION, 0, null,
                    "is the experiment folder itself; choose another folder");
        }
        return dest;
    }

    private static Path requireFolder(Path destination) {
        if (destination == null || destination.toString().isBlank()) {
            throw new InvalidInputException(FIELD_TABLES_DESTINATION, 0, null, "empty; choose a folder");
        }
        Path dest = destination.toAbsolutePath().normalize();
        if (Files.exists(dest) && !Files.isDirectory(dest)) {
            throw new InvalidInputException(FIELD_TABLES_DESTINATION, 0, null, dest + " is a file, not a folder");
        }
        return dest;
    }

    /** A destination folder that does not exist yet, or (when {@code emptyAllowed}) an empty one. */
    private static Path requireNew(Path destination, String field, boolean emptyAllowed) throws IOException {
        if (destination == null || destination.toString().isBlank()) {
            throw new InvalidInputException(field, 0, null, "empty; choose a new folder");
        }
        Path dest = destination.toAbsolutePath().normalize();
        if (Files.exists(dest)) {
            if (!Files.isDirectory(dest)) {
                throw new InvalidInputException(field, 0, null, dest + " is a file; choose a new folder");
            }
            try (DirectoryStream<Path> d = Files.newDirectoryStream(dest)) {
                if (!emptyAllowed || d.iterator().hasNext()) {
                    throw new InvalidInputException(field, 0, null,
                            dest + " already exists and is not empty; choose a new folder");
                }
            }
        }
        if (dest.getParent() == null) {
            throw new InvalidInputException(field, 0, null, dest + " has no parent folder");
        }
        return dest;
    }

    /** Copies in 1 MiB pieces, checking for cancel between them. */
    private static void copy(Path from, Path to, Progress progress) throws IOException {
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(from); OutputStream out = Files.newOutputStream(to)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (progress.isCancelled()) {
                    throw new CancelledException();
                }
                out.write(buf, 0, n);
                progress.worked(n == buf.length ? 1 : 0);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
