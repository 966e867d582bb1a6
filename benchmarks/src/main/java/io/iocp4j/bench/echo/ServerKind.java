package io.iocp4j.bench.echo;

import io.iocp4j.examples.echo.EchoServer;
import io.iocp4j.examples.echo.IocpEchoServer;
import io.iocp4j.examples.echo.Nio2EchoServer;

import java.util.Arrays;

/** The echo servers compared, by the name used on the command line and in the tables. */
enum ServerKind {
    /** iocp4j: AcceptEx + GetQueuedCompletionStatus port workers (the examples module's IocpEchoServer). */
    IOCP4J("iocp4j") {
        @Override
        EchoServer start(String bind, int port, int threads) {
            return new IocpEchoServer(bind, port, threads);
        }
    },
    /** The JDK's AsynchronousServerSocketChannel on a fixed thread pool (the examples module's Nio2EchoServer). */
    NIO2("nio2") {
        @Override
        EchoServer start(String bind, int port, int threads) throws Exception {
            return new Nio2EchoServer(bind, port, threads);
        }
    },
    NETTY_EPOLL("netty-epoll") {
        @Override
        EchoServer start(String bind, int port, int threads) throws Exception {
            return NettyEchoServer.epoll(bind, port, threads);
        }
    },
    NETTY_IO_URING("netty-io_uring") {
        @Override
        EchoServer start(String bind, int port, int threads) throws Exception {
            return NettyEchoServer.ioUring(bind, port, threads);
        }
    },
    /** The reference: one thread straight on the ring layer, no IOCP semantics (RingEchoServer); one thread only. */
    RING_RAW("ring-raw") {
        @Override
        EchoServer start(String bind, int port, int threads) throws Exception {
            return new RingEchoServer(bind, port, RingEchoServer.Receives.AFTER_SEND);
        }
    },
    /** As ring-raw, with one multishot receive per connection into provided buffers (as Netty io_uring does). */
    RING_MULTISHOT("ring-multishot") {
        @Override
        EchoServer start(String bind, int port, int threads) throws Exception {
            return new RingEchoServer(bind, port, RingEchoServer.Receives.MULTISHOT);
        }
    };

    final String label;

    ServerKind(String label) {
        this.label = label;
    }

    /** Binds {@code bind}:{@code port} (0: ephemeral) and serves with {@code threads} threads until closed. */
    abstract EchoServer start(String bind, int port, int threads) throws Exception;

    static ServerKind of(String label) {
        return Arrays.stream(values()).filter(k -> k.label.equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown server kind '" + label + "' (known: "
                        + String.join(", ", Arrays.stream(values()).map(k -> k.label).toList()) + ")"));
    }
}
