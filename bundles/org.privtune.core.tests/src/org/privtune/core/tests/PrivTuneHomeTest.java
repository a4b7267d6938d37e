package org.privtune.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.privtune.core.InvalidInputException;
import org.privtune.core.PrivTuneHome;
import org.privtune.core.tests.docs.ResultsTables;

/** The one state folder: which variable decides it, and that no bundle looks elsewhere. */
class PrivTuneHomeTest {

    private static Path resolve(Map<String, String> properties, Map<String, String> environment) {
        return PrivTuneHome.resolve(properties::get, environment::get);
    }

    @Test
    void theStateFolderComesFromPrivTuneHomeElseFromHome() {
        assertEquals(Path.of("/home/ada/.privtune"), resolve(Map.of(), Map.of("HOME", "/home/ada")));
        assertEquals(Path.of("/srv/state"),
                resolve(Map.of(), Map.of("HOME", "/home/ada", PrivTuneHome.ENV, "/srv/state")));
        assertEquals(Path.of("/opt/launcher-state"), resolve(Map.of(PrivTuneHome.PROPERTY, "/opt/launcher-state"),
                Map.of("HOME", "/home/ada", PrivTuneHome.ENV, "/srv/state")), "the launcher's property wins");
        assertEquals(Path.of("/home/ada/.privtune"),
                resolve(Map.of(PrivTuneHome.PROPERTY, " "), Map.of("HOME", "/home/ada", PrivTuneHome.ENV, "")));
        InvalidInputException none = assertThrows(InvalidInputException.class, () -> resolve(Map.of(), Map.of()));
        assertTrue(none.getMessage().contains(PrivTuneHome.ENV), none.getMessage());
    }

    /** Java's home folder comes from the password database, not from $HOME: only PrivTuneHome decides. */
    @Test
    void noBundleAsksJavaForTheUsersHome() throws IOException {
        Path bundles = ResultsTables.root(Path.of("")).resolve("bundles");
        String property = "user" + ".home";
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(bundles)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String rel = bundles.relativize(f).toString();
                if (rel.contains("/target/") || rel.split("/")[0].endsWith(".tests")
                        || f.getFileName().toString().equals("PrivTuneHome.java")) {
                    continue;
                }
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).contains(property)) {
                        found.add(rel + ":" + (i + 1));
                    }
                }
            }
        }
        assertEquals(List.of(), found, "use PrivTuneHome.dir(...) for state");
    }
}
