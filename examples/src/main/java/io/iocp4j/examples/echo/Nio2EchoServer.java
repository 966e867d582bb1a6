package io.iocp4j.examples.echo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's own completion-style echo server (NIO.2 AsynchronousServerSocketChannel on its epoll port), the
 * reference the demo and the benchmarks compare with: the same read-then-write loop per connection.
 */
public final class Nio2EchoServer implements EchoServer {
    private static final int BUFFER_SIZE = 16 * 1024;

    private final AsynchronousChannelGroup group;
    private final AsynchronousServerSocketChannel server;

    public Nio2EchoServer(String bindAddress, int port, int threads) throws IOException {
        group = AsynchronousChannelGroup.withFixedThreadPool(threads, Executors.defaultThreadFactory());
        server = AsynchronousServerSocketChannel.open(group);
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress(bindAddress, port), 1024);
        server.accept(null, new CompletionHandler<AsynchronousSocketChannel, Void>() {
            @Override
            public void completed(AsynchronousSocketChannel ch, Void unused) {
                server.accept(null, this);
                try {
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                } catch (IOException ignored) {
                    // a connection that is already gone fails its first read
                }
                read(ch, ByteBuffer.allocateDirect(BUFFER_SIZE));
            }

            @Override
            public void failed(Throwable t, Void unused) {
                if (server.isOpen()) {
                    server.accept(null, this);
                }
            }
        });
    }

    @Override
    public int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    private static void read(AsynchronousSocketChannel ch, ByteBuffer buf) {
        buf.clear();
        ch.read(buf, null, new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void unused) {
                if (n < 0) {
                    close(ch);
                    return;
                }
                buf.flip();
                write(ch, buf);
            }

            @Override
            public void failed(Throwable t, Void unused) {
                close(ch);
            }
        });
    }

    private static void write(AsynchronousSocketChannel ch, ByteBuffer buf) {
        ch.write(buf, null, new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void unused) {
                if (buf.hasRemaining()) {
                    ch.write(buf, null, this);
                } else {
                    read(ch, buf);
                }
            }

            @Override
            public void failed(Throwable t, Void unused) {
                close(ch);
            }
        });
    }

    private static void close(AsynchronousSocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing a broken connection has nothing left to report
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        group.shutdownNow();
        try {
            group.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
