package org.privtune.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.privtune.model.EncoderSource;
import org.privtune.model.ModelRegistry;

/**
 * A benchmark's arguments: {@code --model=<built-in name | folder>} anywhere (the default model
 * when absent), the positional values in order.
 *
 * @param model the encoder measured
 * @param rest  the positional values
 */
record BenchArgs(EncoderSource model, String[] rest) {

    static final String MODEL = "--model=";

    static BenchArgs parse(String[] args) throws IOException {
        String model = null;
        List<String> rest = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith(MODEL)) {
                model = a.substring(MODEL.length());
            } else {
                rest.add(a);
            }
        }
        return new BenchArgs(ModelRegistry.resolve(model), rest.toArray(String[]::new));
    }
}
