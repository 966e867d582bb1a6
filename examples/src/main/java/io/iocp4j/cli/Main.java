package io.iocp4j.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Entry point of {@code ./iocp4j}: one subcommand per class, dispatched by name. */
public final class Main {
    /** A subcommand: a one-line summary for the help, and a run method that returns the exit status. */
    interface Command {
        String summary();

        int run(String[] args) throws Exception;
    }

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("demo", new DemoCommand());
        COMMANDS.put("probe", new ProbeCommand());
        COMMANDS.put("echo-server", new EchoServerCommand());
        COMMANDS.put("echo-client", new EchoClientCommand());
        COMMANDS.put("web-server", new WebServerCommand());
        COMMANDS.put("copy", new CopyCommand());
        COMMANDS.put("iocp-echo", new SeedCommand("seed 002's IOCP echo server, ported line by line: <port>",
                io.iocp4j.examples.seeds.IocpEchoSeed::main));
        COMMANDS.put("iocp-echo-client", new SeedCommand(
                "the seeds' echo client (StableEchoClient): <IP> <port>, then type lines",
                io.iocp4j.examples.seeds.StableEchoClientSeed::main));
        COMMANDS.put("overlapped-echo", new SeedCommand(
                "seed 002's completion-routine echo server (SleepEx loop): <port>",
                io.iocp4j.examples.seeds.OverlappedEchoSeed::main));
        COMMANDS.put("event-io", new SeedCommand(
                "seed 004's event-object WSARecv/WSASend: recv <port> | send <IP> <port>",
                io.iocp4j.examples.seeds.EventIoSeed::main));
        COMMANDS.put("event-select-echo", new SeedCommand(
                "a one-thread WSAEventSelect echo server (WSAWaitForMultipleEvents, up to 62 clients): <port>",
                io.iocp4j.examples.eventselect.EventSelectEchoServer::main));
        COMMANDS.put("nn-worker", new NnWorkerCommand());
        COMMANDS.put("worker-pool", new SeedCommand(
                "seed 001's completion-port echo server (2 x CPU workers, pooled per-I/O data): <port>",
                io.iocp4j.examples.seeds.WorkerPoolSeed::main));
    }

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage();
            return;
        }
        Command c = COMMANDS.get(args[0]);
        if (c == null) {
            System.err.println("iocp4j: unknown command '" + args[0] + "'");
            usage();
            System.exit(2);
        }
        try {
            System.exit(c.run(Arrays.copyOfRange(args, 1, args.length)));
        } catch (IllegalArgumentException e) {
            System.err.println("iocp4j " + args[0] + ": " + e.getMessage());
            System.exit(2);
        }
    }

    /** Blocks until the JVM is asked to stop (Ctrl-C, SIGTERM), then closes {@code server}; returns exit status 0. */
    static int serveUntilStopped(AutoCloseable server) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("iocp4j: closing the server: " + e);
            }
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }

    private static void usage() {
        System.out.println("usage: ./iocp4j <command> [options]");
        System.out.println();
        COMMANDS.forEach((name, c) -> System.out.printf("  %-14s %s%n", name, c.summary()));
    }
}
