package io.iocp4j.bench.startup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The times of each step over several runs of {@link FirstCalls}, in nanoseconds; prints their medians. */
final class StepTimes {
    private final Map<String, List<Long>> byStep = new LinkedHashMap<>();

    /** Records one {@code steps a=NS b=NS} line and the child process's wall time. */
    void add(String stepsLine, long processNanos) {
        for (String field : stepsLine.substring("steps ".length()).split(" ")) {
            int eq = field.indexOf('=');
            record(field.substring(0, eq), Long.parseLong(field.substring(eq + 1)));
        }
        record("process", processNanos);
    }

    private void record(String step, long nanos) {
        byStep.computeIfAbsent(step, k -> new ArrayList<>()).add(nanos);
    }

    /** "port 231.4  socket 52.0 ..." in milliseconds. */
    String medians() {
        StringBuilder s = new StringBuilder();
        byStep.forEach((step, values) -> s.append(String.format("%s %.1f  ", step, median(values) / 1e6)));
        return s.toString().strip();
    }

    private static double median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }
}
