package org.privtune.mechanism;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

import org.privtune.core.InvalidInputException;

/**
 * Named mechanism settings shared by the Noise Tuner ("Save as preset", "Use for training") and the
 * command line ({@code --mechanism @NAME}): one {@code NAME.properties} file per preset with the
 * full mechanism spec and the split layer, in {@code ~/.privtune/presets} unless the system
 * property {@code privtune.presets.dir} names another folder. Written to a temporary file and
 * moved into place, so a crash never leaves half a preset.
 */
public final class MechanismPresets {

    /** Letters, digits, '-' and '_': a preset name is also a file name. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** The preset "Use for training" writes and the training connector picks up by default. */
    public static final String TRAINING = "training";

    /** A stored preset: the mechanism and the split layer it was tuned for. */
    public record Preset(String name, MechanismSpec spec, int split) {
    }

    private final Path dir;

    public MechanismPresets(Path dir) {
        this.dir = dir;
    }

    /** The user's preset folder. */
    public static MechanismPresets user() {
        String d = System.getProperty("privtune.presets.dir");
        return new MechanismPresets(d != null ? Path.of(d)
                : Path.of(System.getProperty("user.home"), ".privtune", "presets"));
    }

    public Path dir() {
        return dir;
    }

    public Path file(String name) {
        checkName(name);
        return dir.resolve(name + ".properties");
    }

    /** Saves (or replaces) a preset; returns its file. */
    public Path save(String name, MechanismSpec spec, int split) throws IOException {
        Path target = file(name);
        Files.createDirectories(dir);
        String text = "# PrivTune mechanism preset '" + name + "'\n"
                + "mechanism=" + spec + "\n"
                + "split=" + split + "\n";
        Path tmp = Files.createTempFile(dir, name + ".", ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    /**
     * Reads a preset.
     *
     * @throws InvalidInputException naming the file and the key when the preset is missing or bad
     */
    public Preset load(String name) {
        Path f = file(name);
        String text;
        try {
            text = Files.readString(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(f.toString(), 0, "preset", "no preset named '" + name + "' (known: "
                    + String.join(", ", names()) + ")", e);
        } catch (IOException e) {
            throw new InvalidInputException(f.toString(), 0, "preset", "cannot read: " + e.getMessage(), e);
        }
        Properties p = new Properties();
        try (Reader r = new StringReader(text)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidInputException(f.toString(), 0, "preset", "not a properties file: " + e.getMessage(), e);
        }
        String mech = p.getProperty("mechanism");
        if (mech == null || mech.isBlank()) {
            throw new InvalidInputException(f.toString(), lineOf(text, "mechanism"), "mechanism", "missing");
        }
        MechanismSpec spec;
        try {
            spec = MechanismSpec.parse(mech);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(f.toString(), lineOf(text, "mechanism"),
                    "mechanism" + (e.field() != null ? "." + e.field() : ""), e.problem(), e);
        }
        String sp = p.getProperty("split", "2").trim();
        int split;
        try {
            split = Integer.parseInt(sp);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(f.toString(), lineOf(text, "split"), "split", "not a number: '" + sp + "'", e);
        }
        return new Preset(name, spec, split);
    }

    /** Names of the stored presets, sorted. */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.properties")) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                out.add(n.substring(0, n.length() - ".properties".length()));
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    /**
     * A mechanism argument of the command line: {@code @NAME} names a preset, anything else is a
     * spec text ({@code privtune:eps=16,n=2}).
     */
    public static MechanismSpec resolve(String argument, MechanismPresets presets) {
        String a = argument.trim();
        return a.startsWith("@") ? presets.load(a.substring(1)).spec() : MechanismSpec.parse(a);
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException("preset name", 0, "name",
                    "'" + name + "' is not a preset name (1-64 letters, digits, - or _)");
        }
    }

    private static int lineOf(String text, String key) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].trim().startsWith(key)) {
                return i + 1;
            }
        }
        return 0;
    }
}
