package org.privtune.attack.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.privtune.core.InvalidInputException;

/**
 * {@code --name value}, {@code --name=value} and {@code --flag} arguments of the experiment
 * commands; unknown options and malformed numbers are refused by name.
 */
final class CommandArguments {

    private final Map<String, String> values = new LinkedHashMap<>();

    CommandArguments(List<String> args, Set<String> valued, Set<String> flags) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                throw new InvalidInputException("command line", 0, a, "unexpected argument");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name) && value == null) {
                values.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new InvalidInputException("command line", 0, "--" + name, "needs a value");
                    }
                    value = args.get(++i);
                }
                values.put(name, value);
            } else {
                throw new InvalidInputException("command line", 0, "--" + name, "unknown option");
            }
        }
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String require(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new InvalidInputException("command line", 0, "--" + name, "is required");
        }
        return v;
    }

    int getInt(String name, int fallback) {
        String v = values.get(name);
        try {
            return v == null ? fallback : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("command line", 0, "--" + name, "expects a whole number, got '" + v + "'");
        }
    }

    List<String> getList(String name, List<String> fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        List<String> out = new ArrayList<>();
        for (String p : v.split(",")) {
            if (!p.isBlank()) {
                out.add(p.trim());
            }
        }
        if (out.isEmpty()) {
            throw new InvalidInputException("command line", 0, "--" + name, "empty list");
        }
        return out;
    }

    List<Double> getDoubles(String name, List<Double> fallback) {
        if (!has(name)) {
            return fallback;
        }
        List<Double> out = new ArrayList<>();
        for (String p : getList(name, List.of())) {
            try {
                double d = Double.parseDouble(p);
                if (!(d > 0)) {
                    throw new NumberFormatException();
                }
                out.add(d);
            } catch (NumberFormatException e) {
                throw new InvalidInputException("command line", 0, "--" + name, "expects positive numbers, got '" + p
                        + "'");
            }
        }
        return out;
    }
}
