package io.iocp4j.bench.echo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Every measurement of a run, printed at the end as Markdown: the median over rounds of each figure per server and
 * workload, errors summed, then the ratio of iocp4j to each peer (throughput: above 1 is iocp4j faster; p99 and
 * server CPU per message: below 1 is iocp4j better).
 */
final class ResultTable {
    private final List<ServerKind> servers;
    private final Map<Workload, Map<ServerKind, List<Measurement>>> results = new LinkedHashMap<>();

    ResultTable(List<ServerKind> servers) {
        this.servers = servers;
    }

    void add(Workload w, ServerKind server, Measurement m) {
        results.computeIfAbsent(w, k -> new LinkedHashMap<>()).computeIfAbsent(server, k -> new ArrayList<>()).add(m);
    }

    long totalErrors() {
        return results.values().stream().flatMap(m -> m.values().stream()).flatMap(List::stream)
                .mapToLong(Measurement::errors).sum();
    }

    void print(PrintStream out) {
        out.println("| workload | server | msgs/s | MB/s | p50 us | p99 us | p99.9 us | server CPU | client CPU "
                + "| server us/msg | limited by | errors |");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|");
        results.forEach((w, byServer) -> byServer.forEach((s, ms) -> out.printf(
                "| %s | %s | %,.0f | %,.1f | %,.1f | %,.1f | %,.1f | %s | %s | %s | %s | %d |%n", w, s.label,
                median(ms, Measurement::messagesPerSecond), median(ms, Measurement::megabytesPerSecond),
                median(ms, m -> m.p50() / 1e3), median(ms, m -> m.p99() / 1e3), median(ms, m -> m.p999() / 1e3),
                Measurement.percent(median(ms, Measurement::serverCpu)),
                Measurement.percent(median(ms, Measurement::clientCpu)),
                micros(median(ms, Measurement::serverMicrosPerMessage)), limits(ms),
                ms.stream().mapToLong(Measurement::errors).sum())));
        if (!servers.contains(ServerKind.IOCP4J)) {
            return;
        }
        List<ServerKind> peers = servers.stream().filter(s -> s != ServerKind.IOCP4J).toList();
        out.println();
        StringBuilder head = new StringBuilder("| workload |");
        StringBuilder rule = new StringBuilder("|---|");
        for (ServerKind p : peers) {
            head.append(" msgs/s vs ").append(p.label).append(" | p99 vs ").append(p.label)
                    .append(" | CPU/msg vs ").append(p.label).append(" |");
            rule.append("---:|---:|---:|");
        }
        out.println(head);
        out.println(rule);
        results.forEach((w, byServer) -> {
            StringBuilder row = new StringBuilder("| " + w + " |");
            List<Measurement> ours = byServer.getOrDefault(ServerKind.IOCP4J, List.of());
            for (ServerKind p : peers) {
                List<Measurement> theirs = byServer.getOrDefault(p, List.of());
                row.append(ratio(ours, theirs, Measurement::messagesPerSecond))
                        .append(ratio(ours, theirs, m -> m.p99()))
                        .append(ratio(ours, theirs, Measurement::serverMicrosPerMessage));
            }
            out.println(row);
        });
    }

    private static String ratio(List<Measurement> ours, List<Measurement> theirs,
                                ToDoubleFunction<Measurement> figure) {
        double a = median(ours, figure);
        double b = median(theirs, figure);
        return b > 0 && a > 0 ? String.format(" %.2fx |", a / b) : " - |";
    }

    /** Each round's {@link Measurement#limit()}, counted: "server" when all agree, else "server 2, none 1". */
    private static String limits(List<Measurement> ms) {
        Map<String, Long> counts = ms.stream().collect(Collectors.groupingBy(Measurement::limit, TreeMap::new,
                Collectors.counting()));
        return counts.size() == 1 ? counts.keySet().iterator().next() : counts.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String micros(double value) {
        return Double.isNaN(value) ? "n/a" : String.format("%.2f", value);
    }

    static double median(List<Measurement> ms, ToDoubleFunction<Measurement> figure) {
        if (ms.isEmpty()) {
            return 0;
        }
        double[] v = ms.stream().mapToDouble(figure).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
