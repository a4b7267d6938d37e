package org.privtune.core.tests.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tree speaks of the product, not of how it was made: no file names or mentions a
 * development sitting or a tracker issue by number (the history lives in git log). Product words
 * that merely contain "session" (a cloud session, {@code --max-sessions=N}) are fine.
 */
class ProductSpeaksOfItselfTest {

    /** What the history looks like in text; assembled so that this file does not match itself. */
    static final Pattern HISTORY = Pattern.compile(
            "sess" + "ions?[ -]?[0-9]|iss" + "ue #?[0-9]|this sess" + "ion", Pattern.CASE_INSENSITIVE);

    /** Build output, caches and unpacked third-party files, none of them committed. */
    static final Set<String> SKIPPED = Set.of(".git", "target", "lib", "minilm", "runtime", "node_modules");

    static List<String> mentions(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return !dir.equals(root) && SKIPPED.contains(dir.getFileName().toString())
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = root.relativize(file).toString();
                if (HISTORY.matcher(file.getFileName().toString().replace('_', '-')).find()) {
                    out.add(rel + ": the file's name");
                }
                if (attrs.size() > 4 << 20) {
                    return FileVisitResult.CONTINUE;
                }
                byte[] bytes = Files.readAllBytes(file);
                for (byte b : bytes) {
                    if (b == 0) {
                        return FileVisitResult.CONTINUE; // binary
                    }
                }
                String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    Matcher m = HISTORY.matcher(lines[i]);
                    if (m.find()) {
                        out.add(rel + ":" + (i + 1) + ": \"" + m.group() + "\"");
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    @Test
    void noFileMentionsADevelopmentSittingOrIssueNumber() throws Exception {
        List<String> found = mentions(ResultsTables.root(Path.of("")));
        assertTrue(found.isEmpty(), "say why the code is as it is, not when it became so (history lives in git log):\n"
                + String.join("\n", found));
    }

    @Test
    void theScanFindsHistoryAndLeavesProductWordsAlone(@TempDir Path dir) throws Exception {
        String sitting = "Sess" + "ion 7"; // split so that the scan of the tree does not find it here
        String rawName = "run-sess" + "ion14.txt";
        Files.createDirectories(dir.resolve("docs/bench"));
        Files.createDirectories(dir.resolve("target"));
        Files.writeString(dir.resolve("docs/a.md"), "fine\nmeasured in " + sitting + " (see above)\n");
        Files.writeString(dir.resolve("docs/bench").resolve(rawName), "raw\n");
        Files.writeString(dir.resolve("b.sh"), "./privtune cloud --max-sessions=1 # ends the protocol session\n");
        Files.writeString(dir.resolve("target/c.txt"), "iss" + "ue 5\n");
        List<String> found = mentions(dir);
        found.sort(null);
        assertEquals(List.of("docs/a.md:2: \"" + sitting + "\"", "docs/bench/" + rawName + ": the file's name"), found);
    }
}
