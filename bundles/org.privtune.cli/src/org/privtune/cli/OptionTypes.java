package org.privtune.cli;

import java.util.List;

import org.privtune.core.InvalidInputException;
import org.privtune.model.EncoderSource;
import org.privtune.model.ModelRegistry;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converters for numbers with a range: picocli reports a refused value as
 * {@code Invalid value for option '--epochs': 0 is not ...}, naming the option and the value.
 */
final class OptionTypes {

    private OptionTypes() {
    }

    static int wholeNumber(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a whole number");
        }
    }

    static int inRange(String value, int min, int max, String what) {
        int v = wholeNumber(value);
        if (v < min || v > max) {
            throw new TypeConversionException(v + " is not " + what);
        }
        return v;
    }

    /** A whole number in a range, refused with what the range is. */
    static class Range implements ITypeConverter<Integer> {
        private final int min;
        private final int max;
        private final String what;

        Range(int min, int max, String what) {
            this.min = min;
            this.max = max;
            this.what = what;
        }

        @Override
        public Integer convert(String value) {
            return inRange(value, min, max, what);
        }
    }

    /** A whole number of at least 1. */
    static final class Positive extends Range {
        Positive() {
            super(1, Integer.MAX_VALUE, "at least 1");
        }
    }

    /** A whole number of at least 0. */
    static final class NonNegative extends Range {
        NonNegative() {
            super(0, Integer.MAX_VALUE, "at least 0");
        }
    }

    /**
     * A split layer: 0 (embeddings only) up to the model's layer count (all layers on the device);
     * {@link #checkSplit} checks it against the chosen model once both options are read.
     */
    static final class SplitLayer extends Range {
        SplitLayer() {
            super(0, Integer.MAX_VALUE, "a split layer (0: embeddings only, up to the model's layer count)");
        }
    }

    /**
     * Refuses a split layer the model does not have, naming the option:
     * {@code Invalid value for option '--split': 7 is not a split layer of all-MiniLM-L6-v2, which has 6 layers (0..6)}.
     */
    static void checkSplit(CliCommand command, String option, int split, EncoderSource model) {
        int layers = model.config().layers();
        if (split < 0 || split > layers) {
            throw command.usage("Invalid value for option '" + option + "': " + split + " is not a split layer of "
                    + model.name() + ", which has " + layers + " layers (0.." + layers + ")");
        }
    }

    /** A sentence length in tokens: 1..512 (the built-in models take at most 512). */
    static final class Tokens extends Range {
        Tokens() {
            super(1, 512, "a length in 1..512 tokens (the built-in models take at most 512)");
        }
    }

    /** A model: the name of a built-in (or its Hugging Face id) or a folder in Hugging Face layout. */
    static final class Model implements ITypeConverter<EncoderSource> {
        @Override
        public EncoderSource convert(String value) {
            try {
                return ModelRegistry.resolve(value);
            } catch (InvalidInputException e) {
                throw new TypeConversionException(e.getMessage());
            } catch (java.io.IOException e) {
                throw new TypeConversionException(value + ": " + e.getMessage());
            }
        }
    }

    /** The help text of every {@code --model} option. */
    static final String MODEL_HELP = "The pre-trained encoder: a built-in (all-MiniLM-L6-v2, the default, or"
            + " bge-small-en-v1.5) or a folder in Hugging Face layout (config.json, tokenizer.json, model.safetensors).";

    /** A TCP port: 0..65535, 0 for any free one. */
    /** One of a few words, refused with the words there are. */
    static final class OneOf implements ITypeConverter<String> {
        private final List<String> words;

        OneOf(String... words) {
            this.words = List.of(words);
        }

        @Override
        public String convert(String value) {
            if (!words.contains(value.trim())) {
                throw new TypeConversionException("'" + value + "' is not one of " + String.join(", ", words));
            }
            return value.trim();
        }
    }

    static final class Port extends Range {
        Port() {
            super(0, 65535, "a port in 0..65535 (0: any free port)");
        }
    }

    /** A number greater than 0. */
    static final class PositiveNumber implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double d;
            try {
                d = Double.parseDouble(value.trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a number");
            }
            if (!(d > 0) || Double.isInfinite(d)) {
                throw new TypeConversionException("'" + value + "' is not a number greater than 0");
            }
            return d;
        }
    }
}
