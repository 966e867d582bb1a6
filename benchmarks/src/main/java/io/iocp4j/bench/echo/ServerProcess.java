package io.iocp4j.bench.echo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One {@link EchoServerMain} in a JVM of its own, pinned to a CPU with taskset, on a fresh ephemeral port. Every
 * wait is bounded: a server that does not come up, dies, or does not go down is reported, never waited on forever.
 * Its standard error goes to a log file, quoted when something goes wrong.
 */
final class ServerProcess implements AutoCloseable {
    private static final long START_TIMEOUT_SECONDS = 20;
    /** Longer than any server's own bounded shutdown (NIO.2's group waits up to 5 s for its threads). */
    private static final long STOP_TIMEOUT_SECONDS = 10;

    private final Process process;
    private final Path log;
    private final int port;

    private ServerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts {@code kind} and waits until it prints its port. */
    static ServerProcess start(ServerKind kind, int cpu, int threads, List<String> jvmFlags, Path log)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("taskset", "-c", Integer.toString(cpu),
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), EchoServerMain.class.getName(),
                "--kind", kind.label, "--port", "0", "--threads", Integer.toString(threads)));
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        CompletableFuture<Integer> ready = CompletableFuture.supplyAsync(() -> readPort(p));
        try {
            return new ServerProcess(p, log, ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            p.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            throw new IOException(kind.label + " did not start within " + START_TIMEOUT_SECONDS + " s ("
                    + (p.isAlive() ? "still running" : "exit code " + p.exitValue()) + "): " + tail(log), e);
        }
    }

    private static int readPort(Process p) {
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(EchoServerMain.READY)) {
                    int port = Integer.parseInt(line.substring(EchoServerMain.READY.length()).trim());
                    // Keep reading so a chatty server never blocks on a full pipe.
                    Thread.ofPlatform().daemon().start(() -> out.lines().forEach(l -> { }));
                    return port;
                }
            }
            throw new IllegalStateException("server output ended before " + EchoServerMain.READY.trim());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    int port() {
        return port;
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** Null while the server runs, else why it is gone. */
    String death() {
        return process.isAlive() ? null : "server exited with code " + process.exitValue() + ": " + tail(log);
    }

    /**
     * Asks the server to stop (end of its input), then forces it; checks the port no longer accepts. Returns null
     * if all went well, else what did not.
     */
    String stop() throws InterruptedException {
        String problem = death();
        if (problem != null) {
            return problem;
        }
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // a closed pipe is what we wanted
        }
        if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            problem = "did not stop within " + STOP_TIMEOUT_SECONDS + " s; killed";
        } else if (process.exitValue() != 0) {
            problem = "stopped with exit code " + process.exitValue() + ": " + tail(log);
        }
        if (stillListening()) {
            problem = (problem == null ? "" : problem + "; ") + "port " + port + " still accepts connections";
        }
        return problem;
    }

    private boolean stillListening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            return false;  // timed out: nothing accepting either
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "(no output on stderr)"
                    : String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
