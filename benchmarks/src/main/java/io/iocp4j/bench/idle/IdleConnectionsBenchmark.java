package io.iocp4j.bench.idle;

import io.iocp4j.examples.echo.IocpEchoServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Issue 6: heap per idle connection. The IOCP echo server holds N connections, each with a WSARecv pending (what a
 * server's idle connections look like); the clients live in another JVM ({@link IdleClients}). Heap in use after a
 * full GC, and resident memory, are read before the connections open and while they sit idle.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.iocp4j.bench.idle.IdleConnectionsBenchmark [connections]</pre>
 */
public final class IdleConnectionsBenchmark {
    private IdleConnectionsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        try (IocpEchoServer server = new IocpEchoServer("127.0.0.1", 0, 2)) {
            long heapBefore = heapAfterGc();
            long rssBefore = residentBytes();
            Process clients = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    IdleClients.class.getName(), Integer.toString(server.port()), Integer.toString(n)))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(clients.getInputStream()));
            long t0 = System.nanoTime();
            expect(out, "READY " + n);
            double connectSeconds = (System.nanoTime() - t0) / 1e9;
            long heapIdle = heapAfterGc();
            long rssIdle = residentBytes();
            clients.getOutputStream().close();
            expect(out, "VERIFIED " + n);
            clients.waitFor();

            System.out.printf("%,d idle connections (a WSARecv pending on each), opened and echo-checked in %.1f s,"
                    + " all echo-checked again after measuring%n", n, connectSeconds);
            System.out.printf("Java heap after full GC: %,d -> %,d bytes: %,d bytes per connection%n",
                    heapBefore, heapIdle, (heapIdle - heapBefore) / n);
            System.out.printf("resident memory: %,d -> %,d bytes: %,d bytes per connection"
                    + " (native buffers, kernel-side excluded)%n", rssBefore, rssIdle, (rssIdle - rssBefore) / n);
        }
    }

    private static void expect(BufferedReader out, String line) throws IOException {
        String got = out.readLine();
        if (!line.equals(got)) {
            throw new IOException("clients said '" + got + "', expected '" + line + "'");
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long residentBytes() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("\\D", "")) * 1024;
            }
        }
        return -1;
    }
}
