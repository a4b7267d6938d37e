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
import org.privtune.core.PrivTuneHome;

/**
 * Named mechanism settings shared by the Noise Tuner ("Save as preset", "Use for training") and the
 * command line ({@code --mechanism @NAME}): one {@code NAME.properties} file per preset with the
 * full mechanism spec and the split layer, in {@code presets} of the state folder
 * ({@link PrivTuneHome}) unless the system
 * property {@code privtune.presets.dir} names another folder. Written to a temporary file and
 * moved into place, so a crash never leaves half a preset. The studio's own presets
 * ({@link #BUILT_IN}: the paper's PrivTune at three eps, the recommended {@code privtune-swap}
 * setting, each baseline) come first and cannot be overwritten; each says what it protects and
 * costs, as measured in docs/results.md.
 */
public final class MechanismPresets {

    /** Letters, digits, '-' and '_': a preset name is also a file name. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** The preset "Use for training" writes and the training connector picks up by default. */
    public static final String TRAINING = "training";

    /** A stored preset: the mechanism and the split layer it was tuned for. */
    public record Preset(String name, MechanismSpec spec, int split) {
    }

    /**
     * A preset that comes with the studio.
     *
     * @param text        the spec as written (its parameters in the order experiment tables use)
     * @param description what it protects and what it costs, one line, with the measured figures
     */
    public record BuiltIn(String name, String text, int split, String description) {

        public MechanismSpec spec() {
            return MechanismSpec.parse(text);
        }

        public Preset preset() {
            return new Preset(name, spec(), split);
        }
    }

    /** The recommended setting: our variant privtune-swap, tuned on the sentiment set. */
    public static final String RECOMMENDED = "privtune-swap";

    /**
     * The settings worth starting from, measured on the sentiment set at split layer 2
     * (docs/results.md; full configuration unless the description says quick).
     */
    public static final List<BuiltIn> BUILT_IN = List.of(
            new BuiltIn(RECOMMENDED,
                    "privtune-swap:eps=100,keep=0.3,n=3,pool=30000,kept=canon,poolcanon=1,shuffle=1,relevance=imdb", 2,
                    "recommended: every attack at or below 0.085 of the tokens, accuracy 0.789 (13.3 points lost);"
                            + " off the tuned set 0.2 points lost on spam, none on reuters (quick, three seeds)"),
            new BuiltIn("privtune-eps8", "privtune:eps=8", 2,
                    "the paper's PrivTune, strong noise: 0.300 of the tokens recovered, accuracy 0.579 (34.4 points lost)"),
            new BuiltIn("privtune-eps16", "privtune:eps=16", 2,
                    "the paper's PrivTune: 0.704 of the tokens recovered, accuracy 0.761 (16.1 points lost)"),
            new BuiltIn("privtune-eps32", "privtune:eps=32", 2,
                    "the paper's PrivTune, light noise: 0.944 of the tokens recovered, accuracy 0.853 (6.9 points lost)"),
            new BuiltIn("dchi-eps16", "dchi:eps=16", 2,
                    "baseline d_chi noise: 0.934 of the tokens recovered, accuracy 0.773 (15.0 points lost)"),
            new BuiltIn("sap-eps16", "sap:eps=16", 2,
                    "baseline SAP: 0.969 of the tokens recovered, accuracy 0.812 (11.0 points lost)"),
            new BuiltIn("gaussian-eps8", "gaussian:eps=8", 2,
                    "baseline Gaussian noise: 0.10 of the tokens recovered but accuracy 0.45, no better than chance (quick)"),
            new BuiltIn("santext-eps8", "santext:eps=8", 2,
                    "baseline SanText word substitution: 0.72 of the tokens recovered, accuracy 0.80 (quick)"),
            new BuiltIn("none", "none", 2,
                    "no protection: the cloud reads every token (1.000 recovered), accuracy 0.922"));

    /** The built-in preset of that name, or null. */
    public static BuiltIn builtIn(String name) {
        for (BuiltIn b : BUILT_IN) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        return null;
    }

    private final Path dir;

    public MechanismPresets(Path dir) {
        this.dir = dir;
    }

    /** The user's preset folder. */
    public static MechanismPresets user() {
        String d = System.getProperty("privtune.presets.dir");
        return new MechanismPresets(d != null ? Path.of(d)
                : PrivTuneHome.dir(PrivTuneHome.PRESETS));
    }

    public Path dir() {
        return dir;
    }

    public Path file(String name) {
        checkName(name);
        return dir.resolve(name + ".properties");
    }

    /** Saves (or replaces) a preset; returns its file. A built-in preset's name is refused. */
    public Path save(String name, MechanismSpec spec, int split) throws IOException {
        Path target = file(name);
        if (builtIn(name) != null) {
            throw new InvalidInputException("preset name", 0, "name", "'" + name
                    + "' is a built-in preset of the studio; save under another name");
        }
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
     * Reads a preset: a built-in one, else the user's file.
     *
     * @throws InvalidInputException naming the file and the key when the preset is missing or bad
     */
    public Preset load(String name) {
        BuiltIn b = builtIn(name);
        if (b != null) {
            return b.preset();
        }
        Path f = file(name);
        String text;
        try {
            text = Files.readString(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            List<String> known = new ArrayList<>(BUILT_IN.stream().map(BuiltIn::name).toList());
            known.addAll(names());
            throw new InvalidInputException(f.toString(), 0, "preset", "no preset named '" + name + "' (known: "
                    + String.join(", ", known) + "; ./privtune presets describes them)", e);
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

    /** Names of the user's stored presets, sorted (the built-in ones are in {@link #BUILT_IN}). */
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
     * A mechanism argument of the command line: {@code @NAME} names a preset (built-in or the
     * user's), anything else is a spec text ({@code privtune:eps=16,n=2}).
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
