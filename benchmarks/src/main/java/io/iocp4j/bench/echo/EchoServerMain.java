package io.iocp4j.bench.echo;

import io.iocp4j.examples.echo.EchoServer;

import java.io.IOException;
import java.util.List;

/**
 * One echo server in its own JVM, for the end-to-end benchmark:
 * {@code EchoServerMain --kind iocp4j|nio2|netty-epoll|netty-io_uring --port P --threads N [--bind 127.0.0.1]
 * [--forever]}. Prints {@value #READY} and the bound port once it listens ({@code --port 0}: an ephemeral one), then
 * serves until its standard input closes (how {@link ServerProcess} stops it) or, with {@code --forever} (a server
 * for {@code EchoBenchmark --remote} on another machine), until it is signalled.
 */
public final class EchoServerMain {
    static final String READY = "LISTENING ";

    private EchoServerMain() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("kind", "port", "threads", "bind"), List.of("forever"));
        ServerKind kind = ServerKind.of(args.text("kind", "iocp4j"));
        EchoServer server = kind.start(args.text("bind", "127.0.0.1"), args.number("port", 0),
                args.number("threads", 1));
        Thread stopper = new Thread(() -> closeQuietly(server));
        Runtime.getRuntime().addShutdownHook(stopper);
        System.out.println(READY + server.port());
        System.out.flush();
        if (args.flag("forever")) {
            Thread.currentThread().join();  // until a signal runs the shutdown hook, which closes the server
        }
        waitForEndOfInput();
        Runtime.getRuntime().removeShutdownHook(stopper);
        server.close();
        System.exit(0);  // non-daemon transport threads must not keep the JVM up
    }

    private static void waitForEndOfInput() {
        try {
            while (System.in.read() >= 0) {
                // nothing is sent; EOF is the signal
            }
        } catch (IOException e) {
            // a broken pipe means the driver is gone: stop as well
        }
    }

    private static void closeQuietly(EchoServer server) {
        try {
            server.close();
        } catch (Exception e) {
            System.err.println("close failed: " + e);
        }
    }
}
