package org.privtune.model.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The tiny, randomly initialised encoders in Hugging Face layout that
 * releng/models/make_tiny_models.py writes into this fragment's fixtures/ folder: tiny-bert
 * (WordPiece, two token types) and tiny-roberta (byte-level BPE, positions from padding id + 1,
 * weights under "roberta."), each with its ONNX export in onnx/model.onnx.
 */
final class TinyModels {

    static final String BERT = "tiny-bert";
    static final String ROBERTA = "tiny-roberta";

    private TinyModels() {
    }

    static Path folder(String name) {
        String dir = System.getProperty("privtune.test.fixtures");
        Path base = dir != null ? Path.of(dir) : Path.of("fixtures");
        Path p = base.resolve(name);
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException(p.toAbsolutePath() + " not found (set -Dprivtune.test.fixtures)");
        }
        return p;
    }

    /** A copy of a tiny model's folder (files only, without onnx/) to break in a test. */
    static Path copy(String name, Path into) {
        try {
            Files.createDirectories(into);
            try (Stream<Path> files = Files.list(folder(name))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(f)) {
                        Files.copy(f, into.resolve(f.getFileName()));
                    }
                }
            }
            return into;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
