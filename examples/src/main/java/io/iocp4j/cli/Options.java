package io.iocp4j.cli;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} options of a subcommand, with defaults and clear errors. */
final class Options {
    private final Map<String, String> values = new HashMap<>();

    Options(String[] args, String... known) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value, got '" + a + "'");
            }
            String name = a.substring(2);
            if (!java.util.List.of(known).contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + " (known: --"
                        + String.join(", --", known) + ")");
            }
            values.put(name, args[++i]);
        }
    }

    String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int number(String name, int fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " needs a whole number, got '" + v + "'");
        }
    }

    int required(String name) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return number(name, 0);
    }
}
