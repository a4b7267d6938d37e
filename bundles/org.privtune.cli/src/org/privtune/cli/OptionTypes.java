package org.privtune.cli;

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

    /** The split layer of MiniLM: 0 (embeddings only) to 6 (all layers on the device). */
    static final class SplitLayer extends Range {
        SplitLayer() {
            super(0, 6, "a split layer in 0..6 (MiniLM has 6 layers)");
        }
    }

    /** A sentence length in tokens MiniLM takes: 1..512. */
    static final class Tokens extends Range {
        Tokens() {
            super(1, 512, "a length in 1..512 tokens (MiniLM takes at most 512)");
        }
    }

    /** A TCP port: 0..65535, 0 for any free one. */
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
