package io.iocp4j.bench.file;

import io.iocp4j.examples.copy.UnbufferedCopy;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies the benchmark file (1 GiB of random data by default) with iocp4j's {@link UnbufferedCopy} (buffered and
 * unbuffered with the block sizes and depths {@code ./iocp4j copy} uses by default, and buffered with the former
 * default of 1 MiB blocks, 8 in flight, for comparison) and with GNU cp, in interleaved rounds.
 * Every run starts with no destination and ends when the destination is on disk: each copy is followed by
 * {@code sync DST} (fsync of that one file) inside the timed window, so that a copy that leaves dirty pages in
 * the cache is not credited for work it has not done. The source stays in the page cache (warmed first).
 * Two cp flavours: plain {@code cp} (coreutils 9 uses copy_file_range, an in-kernel copy with no data through user
 * space) and {@code cp --reflink=never} (a 128 KiB read/write loop, the like-for-like baseline).
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.iocp4j.bench.file.CopyBenchmark [--file PATH] [--size 1g] [--rounds 3] [--quick]</pre>
 */
public final class CopyBenchmark {
    /** The buffered default until 2026-11-30: 8 MiB in flight, more than the CPU caches hold between read and write. */
    private static final int FORMER_BLOCK_SIZE = 1 << 20;
    private static final int FORMER_DEPTH = 8;

    /** One way to copy SRC to DST. */
    private interface Copier {
        void copy(Path source, Path destination) throws Exception;
    }

    private CopyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        run(BenchOptions.parseOrExit(args), System.out);
    }

    static void run(BenchOptions o, PrintStream out) throws Exception {
        TestFile.ensure(o.file(), o.size(), out);
        Path destination = o.file().resolveSibling("copy-destination.bin");
        Map<String, Copier> copiers = new LinkedHashMap<>();
        copiers.put("iocp4j buffered", (s, d) -> UnbufferedCopy.copy(s.toString(), d.toString(), false, null));
        copiers.put("iocp4j buffered 1Mx8", (s, d) -> UnbufferedCopy.copy(s.toString(), d.toString(), false,
                FORMER_BLOCK_SIZE, FORMER_DEPTH, null));
        copiers.put("iocp4j unbuffered", (s, d) -> UnbufferedCopy.copy(s.toString(), d.toString(), true, null));
        copiers.put("cp", (s, d) -> command("cp", s.toString(), d.toString()));
        copiers.put("cp --reflink=never", (s, d) -> command("cp", "--reflink=never", s.toString(), d.toString()));
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        copiers.keySet().forEach(name -> seconds.put(name, new ArrayList<>()));
        try {
            TestFile.warm(o.file());
            out.println("warming up (one iocp4j copy each way, not counted)...");
            timedCopy(copiers.get("iocp4j buffered"), o.file(), destination);
            timedCopy(copiers.get("iocp4j unbuffered"), o.file(), destination);
            for (int round = 0; round < o.rounds(); round++) {
                List<String> order = new ArrayList<>(copiers.keySet());
                Collections.rotate(order, round);
                for (String name : order) {
                    double s = timedCopy(copiers.get(name), o.file(), destination);
                    seconds.get(name).add(s);
                    out.printf("round %d  %-20s %7.3f s  %,8.0f MB/s%n", round + 1, name, s, o.size() / 1e6 / s);
                }
            }
        } finally {
            Files.deleteIfExists(destination);
        }
        printTable(out, o.size(), seconds);
    }

    /** Seconds to copy and fsync; the destination is removed before (untimed) and checked for size after. */
    private static double timedCopy(Copier copier, Path source, Path destination) throws Exception {
        Files.deleteIfExists(destination);
        long start = System.nanoTime();
        copier.copy(source, destination);
        command("sync", destination.toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        if (Files.size(destination) != Files.size(source)) {
            throw new IllegalStateException("copy has " + Files.size(destination) + " bytes, source "
                    + Files.size(source));
        }
        return seconds;
    }

    private static void command(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited with " + p.exitValue());
        }
    }

    private static void printTable(PrintStream out, long bytes, Map<String, List<Double>> seconds) {
        out.printf("%n%-20s %10s %10s %14s %22s   (medians over rounds, copy + fsync)%n",
                "copier", "seconds", "MB/s", "vs cp", "vs cp --reflink=never");
        double cp = median(seconds.get("cp"));
        double cpReadWrite = median(seconds.get("cp --reflink=never"));
        seconds.forEach((name, s) -> {
            double m = median(s);
            out.printf("%-20s %10.3f %,10.0f %13.2fx %21.2fx%n", name, m, bytes / 1e6 / m, cp / m, cpReadWrite / m);
        });
        out.println("vs = speed ratio (> 1 is faster than the baseline); the target is >= 0.90x of cp.");
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
