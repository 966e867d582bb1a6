package io.iocp4j.bench.echo;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * A minimal load generator: one thread, one selector, non-blocking sockets, direct buffers, no allocation per
 * message. All connections stay open from warm-up through measurement, so the measured interval holds no connect
 * storm and no cold code. Only echoes that arrive inside the interval count; each is checked in full
 * ({@link Messages}) and timed from the moment its message was handed to the kernel.
 *
 * <p>Why not the project's {@code EchoClient}: on the one CPU the client gets, its two port workers, its ring
 * thread, per-connection monitors and byte-at-a-time check use the CPU up well before any of the servers does,
 * and every server then measures the same. One thread and bulk checks leave the server as the limit.
 */
final class NioLoadGenerator extends PolledLoadGenerator {
    /** Made once: a method reference per select would be an allocation per poll. */
    private final Consumer<SelectionKey> onReady = this::ready;
    private Selector selector;
    private InetSocketAddress server;

    /** One connection: its in-flight window, its send and receive buffers. */
    private final class Conn extends Connection {
        final SocketChannel channel;
        final ByteBuffer out;
        final MemorySegment outSegment;
        final ByteBuffer in;
        final MemorySegment inSegment;
        SelectionKey key;

        Conn(int id, SocketChannel channel) {
            super(id);
            this.channel = channel;
            int window = depth * messages.size();
            out = ByteBuffer.allocateDirect(window);
            outSegment = MemorySegment.ofBuffer(out);  // the whole buffer: a segment spans position to limit
            out.limit(0);
            in = ByteBuffer.allocateDirect(window);
            inSegment = MemorySegment.ofBuffer(in);
        }

        /** Sends what is pending, else as many new messages as the window allows; asks for OP_WRITE if stuck. */
        void send() throws IOException {
            if (!out.hasRemaining()) {
                out.clear();
                long now = System.nanoTime();
                int size = messages.size();
                while (writeNext(outSegment, out.position(), now)) {
                    out.position(out.position() + size);
                }
                out.flip();
            }
            if (out.hasRemaining()) {
                channel.write(out);
            }
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        /** Checks and times every whole echo received, then refills the window. */
        void receive() throws IOException {
            if (channel.read(in) < 0) {
                fail("server closed a connection");
                return;
            }
            in.flip();
            int size = messages.size();
            long now = System.nanoTime();
            while (in.remaining() >= size) {
                if (!checkEcho(inSegment, in.position(), now)) {
                    return;
                }
                in.position(in.position() + size);
            }
            in.compact();
            send();
        }

        @Override
        void close() {
            if (open) {
                open = false;
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing more to learn from a connection being dropped
                }
            }
        }

        @Override
        boolean idle() {
            return !open || (received == sent && !out.hasRemaining());
        }
    }

    NioLoadGenerator() {
        this(5.0);
    }

    NioLoadGenerator(double drainSeconds) {
        super(drainSeconds);
    }

    @Override
    protected void begin(String host, int port, Workload w) throws IOException {
        selector = Selector.open();
        server = new InetSocketAddress(host, port);
    }

    @Override
    protected void end() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // every channel is closed already
        }
    }

    @Override
    protected Connection connect(int id) throws IOException {
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        Conn c = new Conn(id, ch);
        c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
        try {
            if (ch.connect(server)) {
                connected(c);
            }
        } catch (IOException e) {
            c.fail("connect: " + e.getMessage());
        }
        return c;
    }

    private void connected(Conn c) throws IOException {
        c.connected = true;
        c.send();
    }

    @Override
    protected void poll() throws IOException {
        selector.select(onReady, 10);
    }

    private void ready(SelectionKey key) {
        Conn c = (Conn) key.attachment();
        try {
            if (!key.isValid()) {
                return;
            }
            if (key.isConnectable()) {
                c.channel.finishConnect();
                connected(c);
                return;
            }
            if (key.isReadable()) {
                c.receive();
            }
            if (c.open && key.isValid() && key.isWritable()) {
                c.send();
            }
        } catch (IOException e) {
            c.fail(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }
}
