package org.privtune.mechanism;

import java.util.List;
import java.util.Locale;

/**
 * One parameter of one mechanism as a user meets it: its key in the text spec, its type, the range
 * the studio offers, its default for that mechanism, a one-line tooltip, and whether it is a common
 * knob or an "Advanced" one. {@link MechanismParameters#of(String)} lists a mechanism's own.
 *
 * @param key      the key of the text spec ({@code eps}, {@code keep}, ...)
 * @param label    the short label of its control
 * @param kind     how its value is typed
 * @param min      the smallest value offered (numbers)
 * @param max      the largest value offered (numbers); {@link Mechanisms#validate} decides what is accepted
 * @param step     the step of a real number's control (its display rounding)
 * @param choices  the words of a {@link Kind#CHOICE}; empty otherwise
 * @param fallback the default for this mechanism, as the text spec writes it ("" for a secret seed)
 * @param tooltip  what it does, one line
 * @param advanced true for the rare knobs the studio shows under "Advanced"
 */
public record MechanismParameter(String key, String label, Kind kind, double min, double max, double step,
        List<String> choices, String fallback, String tooltip, boolean advanced) {

    /** How a parameter's value is typed. */
    public enum Kind {
        /** A real number; {@code eps} is shown on a log scale. */
        REAL,
        /** A whole number. */
        INTEGER,
        /** 0 or 1. */
        FLAG,
        /** One of {@link MechanismParameter#choices()}. */
        CHOICE,
        /** Empty for secret randomness, or a whole number for repeatable draws (not private). */
        SEED
    }

    public MechanismParameter {
        choices = List.copyOf(choices);
    }

    /** True for {@code eps}, whose control moves on a log scale. */
    public boolean logScale() {
        return "eps".equals(key);
    }

    /** Decimal digits the control shows for a real number (from its step), 0 otherwise. */
    public int digits() {
        if (kind != Kind.REAL || step >= 1) {
            return 0;
        }
        return (int) Math.ceil(-Math.log10(step) - 1e-9);
    }

    /** The value as the control shows it: numbers rounded ({@link MechanismSpec#round}), words as they are. */
    public String display(String value) {
        return kind == Kind.REAL ? MechanismSpec.round(value) : value;
    }

    /** "label: tooltip (default ...)" for a control's tooltip. */
    public String describe() {
        String d = fallback.isEmpty() ? "secret randomness" : display(fallback);
        String range = switch (kind) {
            case REAL, INTEGER -> String.format(Locale.ROOT, "; %s to %s", MechanismSpec.round(Double.toString(min)),
                    MechanismSpec.round(Double.toString(max)));
            case CHOICE -> "; " + String.join(", ", choices);
            default -> "";
        };
        return key + ": " + tooltip + " (default " + d + range + ")";
    }
}
