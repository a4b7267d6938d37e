package org.privtune.mechanism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privtune.core.InvalidInputException;
import org.privtune.core.PrivTuneHome;
import org.privtune.data.DataDirectory;
import org.privtune.data.io.RecentImports;

/** Presets shared by the Noise Tuner and the command line. */
class MechanismPresetsTest {

    @Test
    void savedPresetsLoadBackAndResolveFromTheCommandLine(@TempDir Path dir) throws Exception {
        MechanismPresets p = new MechanismPresets(dir.resolve("presets"));
        MechanismSpec spec = MechanismSpec.parse("privtune-swap:eps=64,n=3,keep=0.2,seed=9");
        Path file = p.save("swap-64", spec, 3);
        assertEquals(dir.resolve("presets/swap-64.properties"), file);
        MechanismPresets.Preset back = p.load("swap-64");
        assertEquals(spec, back.spec());
        assertEquals(3, back.split());
        p.save("swap-64", spec.with("eps", "8", "test"), 2); // replaced, not appended
        assertEquals(8.0, p.load("swap-64").spec().eps());
        p.save(MechanismPresets.TRAINING, MechanismSpec.parse("dchi:eps=4"), 2);
        assertEquals(List.of("swap-64", "training"), p.names());
        assertEquals(MechanismSpec.parse("dchi:eps=4"), MechanismPresets.resolve("@training", p));
        assertEquals(MechanismSpec.parse("sap:eps=2"), MechanismPresets.resolve("sap:eps=2", p));
        try (var files = Files.list(p.dir())) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void badPresetsNameTheFileAndTheField(@TempDir Path dir) throws Exception {
        MechanismPresets p = new MechanismPresets(dir);
        InvalidInputException missing = assertThrows(InvalidInputException.class, () -> p.load("absent"));
        assertTrue(missing.getMessage().contains("absent.properties"), missing.getMessage());
        assertThrows(InvalidInputException.class, () -> p.file("../escape"));
        Files.writeString(dir.resolve("broken.properties"), "# comment\nsplit=2\nmechanism=privtune:eps=lots\n");
        InvalidInputException bad = assertThrows(InvalidInputException.class, () -> p.load("broken"));
        assertTrue(bad.getMessage().contains("broken.properties") && bad.getMessage().contains("3"), bad.getMessage());
        assertTrue(bad.getMessage().contains("lots"), bad.getMessage());
        Files.writeString(dir.resolve("nosplit.properties"), "mechanism=dchi\nsplit=two\n");
        InvalidInputException split = assertThrows(InvalidInputException.class, () -> p.load("nosplit"));
        assertTrue(split.getMessage().contains("split"), split.getMessage());
    }

    private static Path repository() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("docs/results.md")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d;
            }
        }
        throw new IllegalStateException("no docs/results.md above " + Path.of("").toAbsolutePath());
    }

    @Test
    void builtInPresetsAreValidAndCiteFiguresOfTheResults(@TempDir Path dir) throws Exception {
        String results = Files.readString(repository().resolve("docs/results.md"));
        MechanismPresets p = new MechanismPresets(dir);
        List<String> names = new ArrayList<>();
        for (MechanismPresets.BuiltIn b : MechanismPresets.BUILT_IN) {
            names.add(b.name());
            Mechanisms.validate(b.spec());
            assertEquals(b.spec(), MechanismPresets.resolve("@" + b.name(), p), b.name());
            assertEquals(b.split(), p.load(b.name()).split());
            assertTrue(!b.description().isBlank() && !b.description().contains("\n"), b.name());
            Matcher figure = Pattern.compile("[0-9]+\\.[0-9]+").matcher(b.description());
            int figures = 0;
            while (figure.find()) {
                figures++;
                assertTrue(results.contains(figure.group()), b.name() + ": " + figure.group() + " is not in docs/results.md");
            }
            assertTrue(figures >= 2, b.name() + " says what it protects and what it costs: " + b.description());
            InvalidInputException taken = assertThrows(InvalidInputException.class,
                    () -> p.save(b.name(), MechanismSpec.parse("dchi"), 2));
            assertTrue(taken.getMessage().contains("built-in"), taken.getMessage());
        }
        assertEquals(names.size(), names.stream().distinct().count(), "unique names");
        for (String mechanism : MechanismSpec.NAMES) {
            if (!mechanism.equals(MechanismSpec.PRIVTUNE_PLUS)) {
                assertTrue(MechanismPresets.BUILT_IN.stream().anyMatch(b -> b.spec().name().equals(mechanism)),
                        "a preset for " + mechanism);
            }
        }
        MechanismPresets.BuiltIn recommended = MechanismPresets.builtIn(MechanismPresets.RECOMMENDED);
        assertEquals(MechanismSpec.parse("privtune-swap:eps=100,keep=0.3,n=3,pool=30000,kept=canon,poolcanon=1,"
                + "shuffle=1,relevance=imdb"), recommended.spec());
        InvalidInputException missing = assertThrows(InvalidInputException.class, () -> p.load("absent"));
        assertTrue(missing.getMessage().contains(MechanismPresets.RECOMMENDED), "the known names: " + missing.getMessage());
    }

    @Test
    void oneSeparatorBetweenParametersAndListEntries() {
        assertEquals(MechanismSpec.parse("privtune-swap:keep=0.05,n=3"), MechanismSpec.parse("privtune-swap:keep=0.05;n=3"),
                "';' (the form of experiment tables) reads as ','");
        assertEquals(List.of("none", "privtune-swap:keep=0.3,n=3", "dchi", "@privtune-eps16", "privtune:eps=8, tau=0.5"),
                Arrays.asList("none,privtune-swap:keep=0.3,n=3,dchi,@privtune-eps16,privtune:eps=8, tau=0.5"
                        .split(MechanismSpec.LIST_SEPARATOR)));
        assertEquals(List.of("sap", "privtune-swap:keep=0.3;n=3"),
                Arrays.asList("sap,privtune-swap:keep=0.3;n=3".split(MechanismSpec.LIST_SEPARATOR)));
    }

    @Test
    void theShortFormNamesOnlyWhatDiffersRounded() {
        assertEquals("dchi", MechanismSpec.parse("dchi:eps=20").toShortString());
        assertEquals("privtune:eps=20.42,n=3", MechanismSpec.parse("privtune:eps=20.417379446695296,n=3").toShortString());
        assertEquals("gaussian:delta=0.000001", MechanismSpec.parse("gaussian:delta=1e-6").toShortString());
        assertEquals("sap:seed=123456789", MechanismSpec.parse("sap:seed=123456789").toShortString());
        for (MechanismPresets.BuiltIn b : MechanismPresets.BUILT_IN) {
            String shortForm = b.spec().toShortString();
            assertEquals(b.spec(), MechanismSpec.parse(shortForm), shortForm);
            assertTrue(shortForm.length() <= b.text().length(), shortForm + " against " + b.text());
        }
    }

    /** The launcher passes PRIVTUNE_HOME as the property privtune.home: every state folder follows it. */
    @Test
    void privTuneHomeRedirectsEveryStateFolder(@TempDir Path dir) {
        List<String> overrides = List.of(PrivTuneHome.PROPERTY, DataDirectory.PROPERTY, "privtune.cache.dir",
                "privtune.presets.dir");
        List<String> saved = overrides.stream().map(System::getProperty).toList();
        try {
            overrides.forEach(System::clearProperty);
            System.setProperty(PrivTuneHome.PROPERTY, dir.toString());
            assertEquals(dir, PrivTuneHome.dir());
            assertEquals(dir.resolve("datasets"), DataDirectory.root());
            assertEquals(dir.resolve("datasets"), RecentImports.defaults().file().getParent());
            assertEquals(dir.resolve("cache"), ModelResources.defaultCacheDir());
            assertEquals(dir.resolve("presets"), MechanismPresets.user().dir());
        } finally {
            for (int i = 0; i < overrides.size(); i++) {
                if (saved.get(i) == null) {
                    System.clearProperty(overrides.get(i));
                } else {
                    System.setProperty(overrides.get(i), saved.get(i));
                }
            }
        }
    }
}
