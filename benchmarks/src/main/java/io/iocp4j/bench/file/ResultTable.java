package io.iocp4j.bench.file;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Collects the rounds' measurements per case and reader, and prints medians with the ratios the targets use. */
final class ResultTable {
    private final Map<ReadCase, Map<String, List<Measurement>>> results = new LinkedHashMap<>();

    void add(ReadCase c, String reader, Measurement m) {
        results.computeIfAbsent(c, k -> new LinkedHashMap<>()).computeIfAbsent(reader, k -> new ArrayList<>()).add(m);
    }

    void print(PrintStream out) {
        out.println();
        out.printf("%-16s %-12s %12s %14s %8s %12s   (medians over rounds)%n",
                "case", "reader", "IOPS", "µs CPU/read", "kernel", "B alloc/read");
        results.forEach((c, byReader) -> {
            byReader.forEach((reader, ms) -> out.printf("%-16s %-12s %,12.0f %14.2f %7.0f%% %12s%n",
                    c.label(), reader, median(ms, Measurement::perSecond),
                    median(ms, Measurement::cpuMicrosPerOperation), 100 * median(ms, Measurement::kernelShare),
                    allocation(median(ms, Measurement::allocatedBytesPerOperation))));
            printRatios(out, c, byReader);
        });
    }

    private static void printRatios(PrintStream out, ReadCase c, Map<String, List<Measurement>> byReader) {
        List<Measurement> iocp = byReader.get("iocp4j");
        if (iocp == null) {
            return;
        }
        StringBuilder line = new StringBuilder(String.format("%-16s %-12s", c.label(), "ratios"));
        for (String other : List.of("fio", "FileChannel")) {
            List<Measurement> ms = byReader.get(other);
            if (ms != null) {
                line.append(String.format("  IOPS iocp4j/%s %.2fx, CPU/read iocp4j/%s %.2fx;", other,
                        median(iocp, Measurement::perSecond) / median(ms, Measurement::perSecond), other,
                        median(iocp, Measurement::cpuMicrosPerOperation)
                                / median(ms, Measurement::cpuMicrosPerOperation)));
            }
        }
        out.println(line);
    }

    private static String allocation(double bytes) {
        return Double.isNaN(bytes) ? "-" : String.format("%.1f", bytes);
    }

    static double median(List<Measurement> ms, ToDoubleFunction<Measurement> metric) {
        double[] v = ms.stream().mapToDouble(metric).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
