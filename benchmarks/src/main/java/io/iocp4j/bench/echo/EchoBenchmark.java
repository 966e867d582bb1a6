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
 * <p>With {@code --remote kind@host:port,...} it starts no server: it loads servers already running elsewhere
 * ({@link EchoServerMain} {@code --forever} on another machine, so that the load generator does not share the
 * server's CPUs or a loopback device with it), one per kind, in the same interleaved order. Their CPU is not
 * metered then.
 *
 * <pre>
 * EchoBenchmark [--rounds 3] [--warmup 2] [--seconds 3] [--sizes 64,4096] [--connections 10,100,1000]
 *               [--depths 1,16] [--servers iocp4j,nio2,netty-epoll,netty-io_uring] [--client uring|nio|iocp4j]
 *               [--server-cpu 0] [--threads 1] [--server-jvm "flags..."] [--logs DIR]
 *               [--remote iocp4j@HOST:PORT,nio2@HOST:PORT,...]
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
        System.exit(run(argv, System.out) == 0 ? 0 : 1);
    }

    /** The benchmark as {@link #main} runs it, printing to {@code out}; returns how many errors the runs saw. */
    static long run(String[] argv, PrintStream out) throws Exception {
        Args a = new Args(argv, List.of("rounds", "warmup", "seconds", "sizes", "connections", "depths", "servers",
                "client", "server-cpu", "threads", "server-jvm", "logs", "remote"), List.of());
        int rounds = a.number("rounds", 3);
        double warmup = a.decimal("warmup", 2);
        double seconds = a.decimal("seconds", 3);
        List<Remote> remotes = a.texts("remote", List.of()).stream().map(Remote::parse).toList();
        List<ServerKind> servers = remotes.isEmpty()
                ? a.texts("servers", List.of("iocp4j", "nio2", "netty-epoll", "netty-io_uring")).stream()
                        .map(ServerKind::of).toList()
                : remotes.stream().map(Remote::kind).toList();
        if (servers.stream().distinct().count() < servers.size()) {
            throw new IllegalArgumentException("a server kind is named twice: " + servers);
        }
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

        out.printf("Echo benchmark: %d round(s) x %d workload(s) x %d server(s); warm-up %.1f s, measure %.1f s; "
                        + "client '%s' (this JVM, %d CPU(s)); %s%n",
                rounds, workloads.size(), servers.size(), warmup, seconds, clientName,
                Runtime.getRuntime().availableProcessors(), remotes.isEmpty()
                        ? String.format("servers on CPU %d, %d thread(s), JVM flags: %s", cpu, threads,
                                String.join(" ", jvm))
                        : "remote servers (CPU not metered): " + remotes);
        ResultTable table = new ResultTable(servers);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        int run = 0;
        for (int round = 1; round <= rounds; round++) {
            for (Workload w : workloads) {
                for (int i = 0; i < servers.size(); i++) {
                    ServerKind s = servers.get(i);
                    Path log = logs.resolve(stamp + "-" + (++run) + "-" + s.label + ".log");
                    Measurement m = remotes.isEmpty()
                            ? measure(s, cpu, threads, jvm, log, client, w, warmup, seconds)
                            : measure(remotes.get(i), client, w, warmup, seconds);
                    out.printf("round %d  %-32s %-15s %s%n", round, w, s.label, m);
                    table.add(w, s, m);
                }
            }
        }
        out.println();
        table.print(out);
        long errors = table.totalErrors();
        out.printf("%nerrors: %d%s%n", errors, errors == 0 ? "" : " (see the per-run lines above and " + logs + ")");
        return errors;
    }

    /** A server already running elsewhere: its kind (for the table) and where it listens. */
    record Remote(ServerKind kind, String host, int port) {
        /** {@code kind@host:port}. */
        static Remote parse(String spec) {
            int at = spec.indexOf('@');
            int colon = spec.lastIndexOf(':');
            if (at <= 0 || colon < at + 2 || colon == spec.length() - 1) {
                throw new IllegalArgumentException("--remote wants kind@host:port, not '" + spec + "'");
            }
            return new Remote(ServerKind.of(spec.substring(0, at)), spec.substring(at + 1, colon),
                    Integer.parseInt(spec.substring(colon + 1)));
        }

        @Override
        public String toString() {
            return kind.label + "@" + host + ":" + port;
        }
    }

    /** One remote server, one workload; its CPU is on another machine, so only the client's is metered. */
    private static Measurement measure(Remote server, LoadGenerator client, Workload w, double warmup,
                                       double seconds) {
        CpuMeter meter = new CpuMeter(null);
        try {
            return client.run(server.host(), server.port(), w, warmup, seconds, meter).withCpu(meter);
        } catch (Exception e) {
            return Measurement.failed("load generator: " + e);
        }
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
