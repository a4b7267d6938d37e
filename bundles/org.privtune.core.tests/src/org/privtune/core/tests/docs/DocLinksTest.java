package org.privtune.core.tests.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every link of README.md and docs/ resolves to a file of the repository (and heading, for #fragments). */
class DocLinksTest {

    private static final Path ROOT = ResultsTables.root(Path.of(""));

    @Test
    void everyLinkOfTheReadmeAndTheDocsResolves() throws Exception {
        DocLinks links = new DocLinks(ROOT);
        List<Path> pages = links.pages();
        assertTrue(pages.contains(ROOT.resolve("README.md")) && pages.contains(ROOT.resolve("docs/results.md")), pages.toString());
        int count = 0;
        for (Path p : pages) {
            count += DocLinks.links(Files.readString(p)).size();
        }
        assertTrue(count > 20, "the pages' links are found: " + count);
        List<DocLinks.Problem> problems = links.check();
        assertTrue(problems.isEmpty(), problems.size() + " broken links:\n"
                + problems.stream().map(Object::toString).collect(Collectors.joining("\n")));
    }

    @Test
    void brokenFilesAnchorsAndOutsideLinksAreReported(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("docs/img"));
        Files.writeString(dir.resolve("docs/img/a.png"), "x");
        Files.writeString(dir.resolve("docs/guide.md"), """
                # Guide
                ## Train against a `cloud` endpoint
                ## Export
                ## Export
                ```
                [not a link](nowhere.md)
                ```
                """);
        Files.writeString(dir.resolve("README.md"), """
                # Demo
                [guide](docs/guide.md), [cloud](docs/guide.md#train-against-a-cloud-endpoint),
                [second export](docs/guide.md#export-1), ![a](docs/img/a.png), [self](#demo)
                [missing](docs/missing.md) and [bad anchor](docs/guide.md#exports) and `[code](no.md)`
                [out](https://example.org/x) [up](../elsewhere.md)
                [ref]: docs/gone.md
                """);
        List<DocLinks.Problem> problems = new DocLinks(dir).check();
        assertEquals(List.of("docs/missing.md", "docs/guide.md#exports", "https://example.org/x", "../elsewhere.md",
                "docs/gone.md"), problems.stream().map(DocLinks.Problem::link).toList(), problems.toString());
        assertEquals(4, problems.get(0).line());
    }

    @Test
    void anchorsAreGithubs() {
        assertEquals("train-against-a-cloud-endpoint", DocLinks.slug("Train against a `cloud` endpoint"));
        assertEquals("results-privacy-against-utility", DocLinks.slug("Results: privacy against utility"));
        assertEquals("privtune-swap-ours", DocLinks.slug("`privtune-swap` (ours)"));
        assertEquals("a1_audit-and-a4", DocLinks.slug("A1_audit and [A4](x.md)"));
    }
}
