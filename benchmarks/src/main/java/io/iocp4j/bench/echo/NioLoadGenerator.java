package io.iocp4j.bench.echo;

import io.iocp4j.examples.echo.LatencyRecorder;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
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
final class NioLoadGenerator implements LoadGenerator {
    private static final long CONNECT_TIMEOUT = 10_000_000_000L;

    /** How long echoes still in flight at the end may take before they count as lost. */
    private final long drainTimeout;

    private Messages messages;
    private int depth;
    private boolean sending;
    private boolean measuring;
    private long counted;
    private long errors;
    private String firstError;
    private final LatencyRecorder latencies = new LatencyRecorder();
    /** Made once: a method reference per select would be an allocation per poll. */
    private final Consumer<SelectionKey> onReady = this::ready;

    /** One connection: its in-flight window, its send and receive buffers. */
    private final class Conn {
        final int id;
        final SocketChannel channel;
        final ByteBuffer out;
        final MemorySegment outSegment;
        final ByteBuffer in;
        final MemorySegment inSegment;
        final long[] sentAt;
        SelectionKey key;
        long sent;
        long received;
        boolean open;
        boolean connected;

        Conn(int id, SocketChannel channel) {
            this.id = id;
            this.channel = channel;
            int window = depth * messages.size();
            out = ByteBuffer.allocateDirect(window);
            outSegment = MemorySegment.ofBuffer(out);  // the whole buffer: a segment spans position to limit
            out.limit(0);
            in = ByteBuffer.allocateDirect(window);
            inSegment = MemorySegment.ofBuffer(in);
            sentAt = new long[depth];
            open = true;
        }

        /** Sends what is pending, else as many new messages as the window allows; asks for OP_WRITE if stuck. */
        void send() throws IOException {
            if (!out.hasRemaining()) {
                out.clear();
                long now = System.nanoTime();
                int size = messages.size();
                while (sending && sent - received < depth) {
                    messages.write(outSegment, out.position(), id, sent);
                    sentAt[(int) (sent % depth)] = now;
                    sent++;
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
                if (received >= sent || !messages.matches(inSegment, in.position(), id, received)) {
                    fail("echo differs from what was sent");
                    return;
                }
                if (measuring) {
                    latencies.record(now - sentAt[(int) (received % depth)]);
                    counted++;
                }
                received++;
                in.position(in.position() + size);
            }
            in.compact();
            send();
        }

        void fail(String why) {
            error(why);
            close();
        }

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

        boolean idle() {
            return !open || (received == sent && !out.hasRemaining());
        }
    }

    NioLoadGenerator() {
        this(5.0);
    }

    NioLoadGenerator(double drainSeconds) {
        drainTimeout = (long) (drainSeconds * 1e9);
    }

    @Override
    public Measurement run(String host, int port, Workload w, double warmupSeconds, double measureSeconds,
                           Window window) throws IOException {
        messages = new Messages(w.size());
        depth = w.depth();
        sending = true;
        measuring = false;
        counted = 0;
        errors = 0;
        firstError = null;
        latencies.reset();
        List<Conn> conns = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            InetSocketAddress server = new InetSocketAddress(host, port);
            for (int i = 0; i < w.connections(); i++) {
                conns.add(connect(selector, server, i));
            }
            long deadline = System.nanoTime() + CONNECT_TIMEOUT;
            while (System.nanoTime() < deadline && conns.stream().anyMatch(c -> c.open && !c.connected)) {
                poll(selector);
            }
            conns.stream().filter(c -> c.open && !c.connected).forEach(c -> c.fail("connect timed out"));
            int connected = (int) conns.stream().filter(c -> c.open).count();
            runFor(selector, warmupSeconds);
            measuring = true;
            window.begin();
            long start = System.nanoTime();
            runFor(selector, measureSeconds);
            measuring = false;
            window.end();
            double seconds = (System.nanoTime() - start) / 1e9;
            sending = false;
            drain(selector, conns);
            return new Measurement(counted, counted * w.size(), seconds, latencies.quantile(0.5),
                    latencies.quantile(0.99), latencies.quantile(0.999), errors, connected, firstError, Double.NaN,
                    Double.NaN);
        } finally {
            conns.forEach(Conn::close);
        }
    }

    private Conn connect(Selector selector, InetSocketAddress server, int id) throws IOException {
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

    private void runFor(Selector selector, double seconds) throws IOException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            poll(selector);
        }
    }

    /** Waits for echoes still in flight; those that never come are errors (a server that drops data). */
    private void drain(Selector selector, List<Conn> conns) throws IOException {
        long deadline = System.nanoTime() + drainTimeout;
        while (System.nanoTime() < deadline && !conns.stream().allMatch(Conn::idle)) {
            poll(selector);
        }
        conns.stream().filter(c -> !c.idle()).forEach(c -> c.fail("echo missing after " + drainTimeout / 1e9 + " s"));
    }

    private void poll(Selector selector) throws IOException {
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

    private void error(String why) {
        errors++;
        if (firstError == null) {
            firstError = why;
        }
    }
}
