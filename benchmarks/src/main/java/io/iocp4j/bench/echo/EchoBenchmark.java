package io.iocp4j.bench.echo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The end-to-end echo benchmark's driver. Run it pinned to one CPU ({@code taskset -c 1}); it starts each server in
 * a JVM of its own pinned to another ({@code --server-cpu 0}), one server at a time, interleaved: for each round,
 * for each workload, every server kind in turn, each on a fresh JVM and port, with the same load generator. Prints
 * a line per run as it goes and, at the end, the median over rounds per server and workload with iocp4j's ratio
 * to each peer. Exits 1 if any run saw an error.
 *
 * <pre>
 * EchoBenchmark [--rounds 3] [--warmup 2] [--seconds 3] [--sizes 64,4096] [--connections 10,100,1000]
 *               [--depths 1,16] [--servers iocp4j,nio2,netty-epoll,netty-io_uring] [--client uring|nio|iocp4j]
 *               [--server-cpu 0] [--threads 1] [--server-jvm "flags..."] [--logs DIR]
 * </pre>
 */
public final class EchoBenchmark {
    /**
     * The same for every server JVM: a fixed 1 GiB heap and the throughput collector, so no server pays for heap
     * growth or a different default collector (a JVM seeing one CPU would pick Serial); Netty's leak detector off,
     * as in Netty's own benchmarks (it samples buffers; the other servers ignore the property).
     */
    static final String SERVER_JVM = "--enable-native-access=ALL-UNNAMED -Xms1g -Xmx1g -XX:+UseParallelGC "
            + "-Dio.netty.leakDetection.level=disabled";

    private EchoBenchmark() {
    }

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, List.of("rounds", "warmup", "seconds", "sizes", "connections", "depths", "servers",
                "client", "server-cpu", "threads", "server-jvm", "logs"), List.of());
        int rounds = a.number("rounds", 3);
        double warmup = a.decimal("warmup", 2);
        double seconds = a.decimal("seconds", 3);
        List<ServerKind> servers = a.texts("servers", List.of("iocp4j", "nio2", "netty-epoll", "netty-io_uring"))
                .stream().map(ServerKind::of).toList();
        List<Workload> workloads = new ArrayList<>();
        for (int size : a.numbers("sizes", List.of(64, 4096))) {
            for (int connections : a.numbers("connections", List.of(10, 100, 1000))) {
                for (int depth : a.numbers("depths", List.of(1, 16))) {
                    workloads.add(new Workload(size, connections, depth));
                }
            }
        }
        String clientName = a.text("client", "uring");
        LoadGenerator client = LoadGenerator.of(clientName);
        int cpu = a.number("server-cpu", 0);
        int threads = a.number("threads", 1);
        List<String> jvm = List.of(a.text("server-jvm", SERVER_JVM).trim().split("\\s+"));
        Path logs = Path.of(a.text("logs", "benchmarks/target/echo-logs"));

        PrintStream out = System.out;
        out.printf("Echo benchmark: %d round(s) x %d workload(s) x %d server(s); warm-up %.1f s, measure %.1f s; "
                        + "client '%s' (this JVM, %d CPU(s)); servers on CPU %d, %d thread(s), JVM flags: %s%n",
                rounds, workloads.size(), servers.size(), warmup, seconds, clientName,
                Runtime.getRuntime().availableProcessors(), cpu, threads, String.join(" ", jvm));
        ResultTable table = new ResultTable(servers);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        int run = 0;
        for (int round = 1; round <= rounds; round++) {
            for (Workload w : workloads) {
                for (ServerKind s : servers) {
                    Path log = logs.resolve(stamp + "-" + (++run) + "-" + s.label + ".log");
                    Measurement m = measure(s, cpu, threads, jvm, log, client, w, warmup, seconds);
                    out.printf("round %d  %-32s %-15s %s%n", round, w, s.label, m);
                    table.add(w, s, m);
                }
            }
        }
        out.println();
        table.print(out);
        long errors = table.totalErrors();
        out.printf("%nerrors: %d%s%n", errors, errors == 0 ? "" : " (see the per-run lines above and " + logs + ")");
        System.exit(errors == 0 ? 0 : 1);
    }

    /** One server, one workload: start it, load it, check it survived, stop it; problems become errors. */
    private static Measurement measure(ServerKind kind, int cpu, int threads, List<String> jvm, Path log,
                                       LoadGenerator client, Workload w, double warmup, double seconds)
            throws InterruptedException {
        ServerProcess server;
        try {
            server = ServerProcess.start(kind, cpu, threads, jvm, log);
        } catch (Exception e) {
            return Measurement.failed(e.getMessage());
        }
        try (server) {
            Measurement m;
            try {
                CpuMeter meter = new CpuMeter(server.handle());
                m = client.run("127.0.0.1", server.port(), w, warmup, seconds, meter).withCpu(meter);
            } catch (Exception e) {
                m = Measurement.failed("load generator: " + e);
            }
            String death = server.death();
            if (death != null) {
                return m.withError(death);
            }
            String stopProblem = server.stop();
            return stopProblem == null ? m : m.withError(stopProblem);
        }
    }
}
