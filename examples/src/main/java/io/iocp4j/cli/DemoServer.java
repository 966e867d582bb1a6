package io.iocp4j.cli;

import io.iocp4j.examples.echo.EchoServer;
import io.iocp4j.examples.echo.IocpEchoServer;
import io.iocp4j.examples.echo.Nio2EchoServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An echo server under test in a JVM of its own, for {@link DemoCommand}: in the demo's JVM the iocp4j server would
 * share the one ring driver thread with the demo's own client (itself iocp4j), while NIO.2's server has threads of its
 * own, so the two would not be measured alike (the iocp4j server ran at 65% of its own speed that way). The child
 * prints its port, serves until its standard input closes, then closes the server.
 */
final class DemoServer implements AutoCloseable {
    private static final String READY = "demo-server port ";

    private final Process process;
    private final int port;

    private DemoServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts {@code kind} ({@code iocp4j} or {@code nio2}) with {@code threads} threads; waits for its port. */
    static DemoServer start(String kind, int threads) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), DemoServer.class.getName(), kind, Integer.toString(threads)))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith(READY)) {
            p.destroyForcibly();
            throw new IOException("the " + kind + " demo server did not start: " + line);
        }
        return new DemoServer(p, Integer.parseInt(line.substring(READY.length()).trim()));
    }

    int port() {
        return port;
    }

    /** Closes the child's input, which stops it; forcibly after 10 s. */
    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("the demo server did not stop within 10 s");
        }
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[1]);
        try (EchoServer server = switch (args[0]) {
            case "iocp4j" -> new IocpEchoServer("127.0.0.1", 0, threads);
            case "nio2" -> new Nio2EchoServer("127.0.0.1", 0, threads);
            default -> throw new IllegalArgumentException("unknown server kind: " + args[0]);
        }) {
            System.out.println(READY + server.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the demo closes our input
            }
        }
        System.exit(0);  // NIO.2's non-daemon threads must not keep this JVM up
    }
}
