package org.privtune.mechanism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.privtune.core.InvalidInputException;

/**
 * Each mechanism's own parameters: described completely (type, range, default, tooltip), each one
 * round-trips through the text spec at a value off its default, and a key the mechanism does not
 * read is refused with its name.
 */
class MechanismParametersTest {

    /** What a parameter needs set beside it to be valid off its default. */
    private static final Map<String, String> NEEDS = Map.of("poolcanon", "pool=200", "window", "shuffle=1");

    @Test
    void everyParameterIsDescribedWithItsMechanismsDefault() {
        for (String name : MechanismSpec.NAMES) {
            List<MechanismParameter> params = MechanismParameters.of(name);
            MechanismSpec d = MechanismSpec.defaults(name);
            boolean advancedSeen = false;
            for (MechanismParameter p : params) {
                String where = name + " " + p.key();
                assertEquals(d.value(p.key()), p.fallback(), where + ": the default is the mechanism's");
                assertFalse(p.tooltip().isBlank(), where + ": a tooltip");
                assertFalse(p.tooltip().contains("\n"), where + ": one line");
                assertTrue(p.describe().startsWith(p.key() + ": "), p.describe());
                switch (p.kind()) {
                    case REAL, INTEGER -> {
                        double v = Double.parseDouble(p.fallback());
                        assertTrue(p.min() <= v && v <= p.max(), where + ": default " + v + " in the offered range");
                    }
                    case CHOICE -> assertTrue(p.choices().contains(p.fallback()), where + ": default among the choices");
                    case FLAG -> assertTrue(List.of("0", "1").contains(p.fallback()), where);
                    case SEED -> assertEquals("", p.fallback(), where + ": secret randomness by default");
                    default -> throw new AssertionError(p.kind());
                }
                assertFalse(advancedSeen && !p.advanced(), where + ": common parameters come first");
                advancedSeen |= p.advanced();
                assertNotNull(MechanismParameters.find(name, p.key()));
            }
            assertEquals(params.size(), MechanismParameters.keys(name).size(), name);
            if (!MechanismSpec.NONE.equals(name)) {
                assertFalse(params.get(0).advanced(), name + " shows a common parameter");
                assertEquals("eps", params.get(0).key(), name + ": eps first");
            }
            List<String> written = new ArrayList<>(MechanismParameters.keys(name));
            written.remove("seed"); // written only when fixed
            assertEquals(written, keysOf(d.toString()), name + ": the text form names its own keys");
            assertEquals(d, MechanismSpec.parse(d.toString()), name + ": defaults round-trip");
        }
        assertEquals(2, MechanismParameters.find("privtune", "tau").digits());
        assertNull(MechanismParameters.find("dchi", "rho"), "dchi has no norm budget");
    }

    @Test
    void everyParameterRoundTripsOffItsDefault() {
        int checked = 0;
        for (String name : MechanismSpec.NAMES) {
            for (MechanismParameter p : MechanismParameters.of(name)) {
                String value = offDefault(name, p);
                String prefix = NEEDS.containsKey(p.key()) ? NEEDS.get(p.key()) + "," : "";
                String text = name + ":" + prefix + p.key() + "=" + value;
                MechanismSpec s = MechanismSpec.parse(text);
                Mechanisms.validate(s);
                assertEquals(normal(p, value), s.value(p.key()), text);
                assertTrue(!s.equals(MechanismSpec.defaults(name)), text + " differs from the defaults");
                assertEquals(s, MechanismSpec.parse(s.toString()), text + " through toString");
                assertEquals(s, MechanismSpec.parse(s.toShortString()), text + " through the short form");
                assertEquals(s, MechanismSpec.parse(s.toString().replace(',', ';')), text + " with ';'");
                assertTrue(s.toShortString().contains(p.key() + "="), s.toShortString());
                checked++;
            }
        }
        assertTrue(checked >= 60, "parameters checked: " + checked);
    }

    @Test
    void aKeyTheMechanismDoesNotReadIsRefusedByName() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> MechanismSpec.parse("dchi:eps=4,rho=3"));
        assertEquals("rho", e.field());
        assertTrue(e.getMessage().contains("not a parameter of dchi") && e.getMessage().contains("eps"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> MechanismSpec.parse("privtune-swap:keep=0.3;alpha=0.2"));
        assertEquals("alpha", e.field());
        assertTrue(e.getMessage().contains("privtune-swap takes: eps n k seed keep pool kept"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> MechanismSpec.parse("none:eps=3"));
        assertEquals("eps", e.field());
        e = assertThrows(InvalidInputException.class, () -> MechanismSpec.parse("sap:epsilon=3"));
        assertEquals("epsilon", e.field());
        assertTrue(e.getMessage().contains("unknown parameter"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> MechanismSpec.parse("laplace:eps=3"));
        assertEquals("name", e.field());
        e = assertThrows(InvalidInputException.class,
                () -> MechanismSpec.defaults("gaussian").withOptions("clip=3, keep=0.2", List.of("clip", "keep"), "options"));
        assertEquals("keep", e.field());
        // code may set a shared knob on any spec; a mechanism that does not read it is unchanged
        assertEquals(MechanismSpec.defaults("dchi"), MechanismSpec.defaults("dchi").with("rho", "3", "test"));
    }

    /**
     * The complete form earlier versions wrote for every mechanism (result tables, presets saved by
     * the Noise Tuner, export folders) still reads, the keys of other mechanisms passed over.
     */
    @Test
    void theCompleteFormOfEarlierVersionsStillReads() {
        MechanismSpec row = MechanismSpec.parse("dchi:eps=16.0,n=2,k=10,rho=10.0,tau=0.7,alpha=0.5,lt=1.0,la=0.5,lu=0.1,"
                + "delta=1.0E-5,clip=12.0,calibration=analytic,mix=0.5,subspace=8,seed=1,keep=0.1");
        assertEquals(MechanismSpec.parse("dchi:eps=16,seed=1"), row);
        MechanismSpec preset = MechanismSpec.parse("privtune-swap:eps=64.0,n=3,k=10,rho=12.5,tau=0.7,alpha=0.35,lt=1.0,"
                + "la=0.5,lu=0.1,delta=1.0E-5,clip=12.0,calibration=analytic,mix=0.5,subspace=8,keep=0.2,pool=0,kept=send,"
                + "prior=2.0,shuffle=1,poolcanon=0,clusters=0,tiers=4,relevance=train,window=0,specials=public,lengths=0");
        assertEquals(MechanismSpec.parse("privtune-swap:eps=64,n=3,keep=0.2,shuffle=1"), preset);
        assertEquals("privtune-swap:eps=64,n=3,keep=0.2,shuffle=1", preset.toShortString());
    }

    /** A value inside the offered range and off the default that the mechanism accepts. */
    private static String offDefault(String name, MechanismParameter p) {
        List<String> candidates = new ArrayList<>();
        switch (p.kind()) {
            case REAL -> {
                for (double f : new double[] {1 / 3.0, 2 / 3.0, 0.01}) {
                    double v = p.min() + f * (p.max() - p.min());
                    double stepped = Math.max(p.min(), Math.round(v / p.step()) * p.step());
                    candidates.add(MechanismSpec.round(String.format(Locale.ROOT, "%." + p.digits() + "f", stepped)));
                }
            }
            case INTEGER -> {
                for (double f : new double[] {1 / 3.0, 2 / 3.0, 0}) {
                    candidates.add(Long.toString(Math.round(p.min() + f * (p.max() - p.min())) + (f == 0 ? 1 : 0)));
                }
            }
            case FLAG -> candidates.add("1".equals(p.fallback()) ? "0" : "1");
            case CHOICE -> candidates.addAll(p.choices());
            case SEED -> candidates.add("42");
            default -> throw new AssertionError(p.kind());
        }
        for (String c : candidates) {
            if (normal(p, c).equals(p.fallback())) {
                continue;
            }
            String prefix = NEEDS.containsKey(p.key()) ? NEEDS.get(p.key()) + "," : "";
            try {
                Mechanisms.validate(MechanismSpec.parse(name + ":" + prefix + p.key() + "=" + c));
                return c;
            } catch (InvalidInputException e) {
                // try the next candidate
            }
        }
        throw new AssertionError(name + " " + p.key() + ": no valid value off the default among " + candidates);
    }

    /** The value as the text form writes it. */
    private static String normal(MechanismParameter p, String value) {
        return p.kind() == MechanismParameter.Kind.REAL ? Double.toString(Double.parseDouble(value)) : value;
    }

    private static List<String> keysOf(String text) {
        List<String> out = new ArrayList<>();
        int colon = text.indexOf(':');
        if (colon < 0) {
            return out;
        }
        for (String part : text.substring(colon + 1).split(",")) {
            out.add(part.substring(0, part.indexOf('=')));
        }
        return out;
    }
}
