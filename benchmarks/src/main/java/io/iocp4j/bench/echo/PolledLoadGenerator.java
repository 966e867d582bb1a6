package io.iocp4j.bench.echo;

import io.iocp4j.examples.echo.LatencyRecorder;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * What the single-thread load generators share: the phases of a run (connect, warm up, measure, drain), the
 * counting of echoes that arrive inside the measured interval and of errors, and the round-trip histogram. A
 * subclass brings the I/O: how a connection is made and how one poll of the event source runs.
 */
abstract class PolledLoadGenerator implements LoadGenerator {
    private static final long CONNECT_TIMEOUT = 10_000_000_000L;

    /** One client connection: its window of messages in flight, how it makes and checks them, its state. */
    abstract class Connection {
        final int id;
        private final long[] sentAt = new long[depth];
        long sent;
        long received;
        boolean open = true;
        boolean connected;

        Connection(int id) {
            this.id = id;
        }

        /** Writes the next message at {@code at} and stamps it; false when the window is full or sending ended. */
        final boolean writeNext(MemorySegment to, long at, long now) {
            if (!sending || sent - received >= depth) {
                return false;
            }
            messages.write(to, at, id, sent);
            sentAt[(int) (sent % depth)] = now;
            sent++;
            return true;
        }

        /** Checks the echo at {@code at} against the oldest message in flight and times it; fails on a mismatch. */
        final boolean checkEcho(MemorySegment from, long at, long now) {
            if (received >= sent || !messages.matches(from, at, id, received)) {
                fail("echo differs from what was sent");
                return false;
            }
            echoed(now - sentAt[(int) (received % depth)]);
            received++;
            return true;
        }

        /** Counts an error and closes the connection. */
        final void fail(String why) {
            error(why);
            close();
        }

        /** Nothing in flight and nothing left to send (or closed). */
        abstract boolean idle();

        abstract void close();
    }

    /** How long echoes still in flight at the end may take before they count as lost. */
    private final long drainTimeout;
    private final LatencyRecorder latencies = new LatencyRecorder();
    protected Messages messages;
    protected int depth;
    /** False once the measured interval is over: connections stop sending and drain. */
    private boolean sending;
    private boolean measuring;
    private long counted;
    private long errors;
    private String firstError;

    PolledLoadGenerator(double drainSeconds) {
        drainTimeout = (long) (drainSeconds * 1e9);
    }

    /** Starts connecting; the connection completes during {@link #poll()}. */
    protected abstract Connection connect(int id) throws IOException;

    /** Handles whatever is ready, waiting at most about 10 ms for something to be. */
    protected abstract void poll() throws IOException;

    /** Prepares for a run of {@code w} against {@code host}:{@code port} (before any connect). */
    protected abstract void begin(String host, int port, Workload w) throws IOException;

    /** Releases what {@link #begin} made; every connection is already closed. */
    protected abstract void end();

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
        List<Connection> conns = new ArrayList<>();
        begin(host, port, w);
        try {
            for (int i = 0; i < w.connections(); i++) {
                conns.add(connect(i));
            }
            // Warm-up starts once every connection has had an echo: a server still accepting the connect storm
            // would otherwise leave seconds-old first messages to be timed inside the measured interval.
            long deadline = System.nanoTime() + CONNECT_TIMEOUT;
            while (System.nanoTime() < deadline && conns.stream().anyMatch(PolledLoadGenerator::unserved)) {
                poll();
            }
            conns.stream().filter(PolledLoadGenerator::unserved).forEach(c -> c.fail(c.connected
                    ? "no first echo within " + CONNECT_TIMEOUT / 1e9 + " s" : "connect timed out"));
            int connected = (int) conns.stream().filter(c -> c.open).count();
            runFor(warmupSeconds);
            measuring = true;
            window.begin();
            long start = System.nanoTime();
            runFor(measureSeconds);
            measuring = false;
            window.end();
            double seconds = (System.nanoTime() - start) / 1e9;
            sending = false;
            drain(conns);
            return new Measurement(counted, counted * w.size(), seconds, latencies.quantile(0.5),
                    latencies.quantile(0.99), latencies.quantile(0.999), errors, connected, firstError, Double.NaN,
                    Double.NaN);
        } finally {
            conns.forEach(Connection::close);
            end();
        }
    }

    private static boolean unserved(Connection c) {
        return c.open && c.received == 0;
    }

    /** A checked echo arrived {@code nanos} after its message was sent. */
    private void echoed(long nanos) {
        if (measuring) {
            latencies.record(nanos);
            counted++;
        }
    }

    private void error(String why) {
        errors++;
        if (firstError == null) {
            firstError = why;
        }
    }

    private void runFor(double seconds) throws IOException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            poll();
        }
    }

    /** Waits for echoes still in flight; those that never come are errors (a server that drops data). */
    private void drain(List<Connection> conns) throws IOException {
        long deadline = System.nanoTime() + drainTimeout;
        while (System.nanoTime() < deadline && !conns.stream().allMatch(Connection::idle)) {
            poll();
        }
        conns.stream().filter(c -> !c.idle())
                .forEach(c -> c.fail("echo missing after " + drainTimeout / 1e9 + " s"));
    }
}
