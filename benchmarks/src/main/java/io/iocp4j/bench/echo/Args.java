package io.iocp4j.bench.echo;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} and bare {@code --flag} arguments, checked against the names a main knows. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    /** {@code options} take a value; {@code flags} stand alone. */
    Args(String[] args, List<String> options, List<String> flags) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a.startsWith("--") ? a.substring(2) : null;
            if (name != null && flags.contains(name)) {
                values.put(name, "true");
            } else if (name != null && options.contains(name) && i + 1 < args.length) {
                values.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("unexpected '" + a + "'; options: --" + String.join(" V, --", options)
                        + " V; flags: --" + String.join(", --", flags));
            }
        }
    }

    boolean flag(String name) {
        return values.containsKey(name);
    }

    String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int number(String name, int fallback) {
        return values.containsKey(name) ? Integer.parseInt(values.get(name)) : fallback;
    }

    double decimal(String name, double fallback) {
        return values.containsKey(name) ? Double.parseDouble(values.get(name)) : fallback;
    }

    /** A comma-separated list of whole numbers. */
    List<Integer> numbers(String name, List<Integer> fallback) {
        return values.containsKey(name)
                ? Arrays.stream(values.get(name).split(",")).map(String::trim).map(Integer::valueOf).toList()
                : fallback;
    }

    List<String> texts(String name, List<String> fallback) {
        return values.containsKey(name) ? List.of(values.get(name).split(",")) : fallback;
    }
}
