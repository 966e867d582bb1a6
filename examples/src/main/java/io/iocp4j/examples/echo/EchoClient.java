package io.iocp4j.examples.echo;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.OVERLAPPEDByReference;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.ULONG_PTRByReference;
import io.iocp4j.win32.WSABUF;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.MSWSock.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;

/**
 * An echo load generator on the library itself: {@code connections} ConnectEx'd sockets, each keeping
 * {@code pipeline} messages of {@code size} bytes in flight, every echoed byte checked against what was sent, and
 * each round trip timed. Completions are handled by worker threads on one port.
 */
public final class EchoClient {
    /** What a run measured. */
    public record Result(long messages, long bytes, double seconds, long p50, long p99, long p999, long errors,
                         int connected) {
        public double messagesPerSecond() {
            return messages / seconds;
        }

        public double megabytesPerSecond() {
            return bytes / seconds / 1e6;
        }

        @Override
        public String toString() {
            return String.format("%,.0f msgs/s  %,.1f MB/s  p50 %s  p99 %s  p99.9 %s  (%,d messages, %d connections, "
                            + "%d errors)", messagesPerSecond(), megabytesPerSecond(), micros(p50), micros(p99),
                    micros(p999), messages, connected, errors);
        }

        private static String micros(long nanos) {
            return String.format("%,.0f us", nanos / 1e3);
        }
    }

    private static final int RECV_BUFFER = 64 * 1024;
    private static final Object STOP = new Object();

    private final int connections;
    private final int size;
    private final int pipeline;
    /** Messages each connection sends before it stops; 0 means until the time is up. */
    private final long perConnection;
    private final Arena arena = Arena.ofAuto();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong open = new AtomicLong();
    private final List<LatencyRecorder> recorders = new ArrayList<>();
    private volatile boolean sending = true;
    private HANDLE port;

    public EchoClient(int connections, int size, int pipeline) {
        this(connections, size, pipeline, 0);
    }

    /** A client whose connections each send exactly {@code perConnection} messages (0: until the time is up). */
    public EchoClient(int connections, int size, int pipeline, long perConnection) {
        if (connections <= 0 || size <= 0 || pipeline <= 0 || perConnection < 0) {
            throw new IllegalArgumentException("connections, size and pipeline must be positive");
        }
        this.connections = connections;
        this.size = size;
        this.pipeline = pipeline;
        this.perConnection = perConnection;
    }

    /** One message slot: its send buffer (kept until its send completes) and when it was sent. */
    private static final class Slot extends OVERLAPPED {
        final MemorySegment buffer;
        final WSABUF[] wsabuf = {new WSABUF()};
        long sequence;
        long sentAt;
        boolean sendDone = true;
        boolean echoed = true;

        Slot(MemorySegment buffer) {
            this.buffer = buffer;
        }
    }

    /** Per-connection state: the completion key. Guarded by its own monitor (two workers may see it at once). */
    private final class Conn {
        final SOCKET socket;
        final Slot[] slots = new Slot[pipeline];
        final OVERLAPPED connectOv = new OVERLAPPED();
        final OVERLAPPED recvOv = new OVERLAPPED();
        final MemorySegment recvBuffer = arena.allocate(RECV_BUFFER);
        final WSABUF[] recvBuf = {new WSABUF(recvBuffer, RECV_BUFFER)};
        final DWORDByReference flags = new DWORDByReference();
        long nextToSend;
        long receivedMessages;
        int offsetInMessage;
        boolean closed;

        Conn(SOCKET socket) {
            this.socket = socket;
            for (int i = 0; i < pipeline; i++) {
                slots[i] = new Slot(arena.allocate(size));
            }
        }
    }

    /** Runs for {@code seconds}, printing a progress line each second to {@code progress} (null: quiet). */
    public Result run(String host, int serverPort, double seconds, PrintStream progress) throws InterruptedException {
        port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0);
        if (port == null) {
            throw new IllegalStateException("CreateIoCompletionPort failed: " + GetLastError());
        }
        SOCKADDR_IN server = new SOCKADDR_IN();
        server.sin_family = AF_INET;
        server.sin_port = htons(serverPort);
        if (inet_pton(AF_INET, host, server.sin_addr) != 1) {
            throw new IllegalArgumentException("not an IPv4 address: " + host);
        }
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            LatencyRecorder r = new LatencyRecorder();
            recorders.add(r);
            workers.add(Thread.ofPlatform().name("echo-client-" + i).start(() -> worker(r)));
        }
        List<Conn> conns = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Conn c = connect(server);
            if (c != null) {
                conns.add(c);
            }
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long target = perConnection * conns.size();
        long lastMessages = 0;
        long lastPrint = start;
        while (System.nanoTime() < end && (perConnection == 0 || messages.get() + errors.get() < target)) {
            Thread.sleep(Math.min(10, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            long now = System.nanoTime();
            if (progress != null && now - lastPrint >= 1_000_000_000L) {
                long m = messages.get();
                progress.printf("\r  %4.1f s  %,10.0f msgs/s  %,d connections  %d errors   ", (now - start) / 1e9,
                        (m - lastMessages) / ((now - lastPrint) / 1e9), open.get(), errors.get());
                progress.flush();
                lastMessages = m;
                lastPrint = now;
            }
        }
        sending = false;
        double elapsed = (System.nanoTime() - start) / 1e9;
        long counted = messages.get();
        drain(conns);
        for (int i = 0; i < threads; i++) {
            PostQueuedCompletionStatus(port, 0, STOP, null);
        }
        for (Thread w : workers) {
            w.join();
        }
        CloseHandle(port);
        if (progress != null) {
            progress.println();
        }
        LatencyRecorder all = new LatencyRecorder();
        recorders.forEach(all::add);
        return new Result(counted, counted * size, elapsed, all.quantile(0.5), all.quantile(0.99),
                all.quantile(0.999), errors.get(), conns.size());
    }

    private Conn connect(SOCKADDR_IN server) {
        SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        if (s == INVALID_SOCKET) {
            errors.incrementAndGet();
            return null;
        }
        SOCKADDR_IN any = new SOCKADDR_IN();
        any.sin_family = AF_INET;
        bind(s, any, SOCKADDR_IN.SIZE);
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, 1, 4);
        Conn c = new Conn(s);
        CreateIoCompletionPort(s, port, c, 0);
        if (!ConnectEx(s, server, SOCKADDR_IN.SIZE, null, 0, null, c.connectOv)
                && WSAGetLastError() != ERROR_IO_PENDING) {
            errors.incrementAndGet();
            closesocket(s);
            return null;
        }
        return c;
    }

    /** Waits (bounded) for the echoes still in flight, then closes every connection. */
    private void drain(List<Conn> conns) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        for (Conn c : conns) {
            for (;;) {
                synchronized (c) {
                    if (c.closed || c.receivedMessages >= c.nextToSend) {
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    errors.incrementAndGet();
                    break;
                }
                Thread.sleep(1);
            }
        }
        for (Conn c : conns) {
            synchronized (c) {
                c.closed = true;
            }
            closesocket(c.socket);
        }
    }

    private void worker(LatencyRecorder latencies) {
        DWORDByReference bytes = new DWORDByReference();
        ULONG_PTRByReference key = new ULONG_PTRByReference();
        OVERLAPPEDByReference ov = new OVERLAPPEDByReference();
        for (;;) {
            boolean ok = GetQueuedCompletionStatus(port, bytes, key, ov, INFINITE);
            if (ov.value == null) {
                if (!ok || key.value == STOP) {
                    return;
                }
                continue;
            }
            Conn c = (Conn) key.value;
            synchronized (c) {
                if (c.closed) {
                    continue;
                }
                if (!ok) {
                    fail(c);
                } else if (ov.value == c.connectOv) {
                    connected(c);
                } else if (ov.value == c.recvOv) {
                    received(c, bytes.value, latencies);
                } else {
                    sent(c, (Slot) ov.value);
                }
            }
        }
    }

    private void fail(Conn c) {
        errors.incrementAndGet();
        c.closed = true;
        open.decrementAndGet();
        closesocket(c.socket);
    }

    private void connected(Conn c) {
        open.incrementAndGet();
        setsockopt(c.socket, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, null, 0);
        postReceive(c);
        for (Slot s : c.slots) {
            send(c, s);
        }
    }

    private void postReceive(Conn c) {
        c.flags.value = 0;
        if (WSARecv(c.socket, c.recvBuf, 1, null, c.flags, c.recvOv, null) == SOCKET_ERROR
                && WSAGetLastError() != WSA_IO_PENDING) {
            fail(c);
        }
    }

    /** Fills the slot with message {@code nextToSend} and sends it. */
    private void send(Conn c, Slot s) {
        if (!sending || (perConnection > 0 && c.nextToSend >= perConnection)) {
            return;
        }
        long seq = c.nextToSend++;
        s.sequence = seq;
        for (int i = 0; i < size; i++) {
            s.buffer.set(ValueLayout.JAVA_BYTE, i, expected(seq, i));
        }
        s.sendDone = false;
        s.echoed = false;
        s.wsabuf[0].buf = s.buffer;
        s.wsabuf[0].len = size;
        s.sentAt = System.nanoTime();
        if (WSASend(c.socket, s.wsabuf, 1, null, 0, s, null) == SOCKET_ERROR && WSAGetLastError() != WSA_IO_PENDING) {
            fail(c);
        }
    }

    private void sent(Conn c, Slot s) {
        s.sendDone = true;
        if (s.echoed) {
            send(c, s);
        }
    }

    private void received(Conn c, int n, LatencyRecorder latencies) {
        if (n == 0) {
            fail(c);  // the server closed the connection
            return;
        }
        for (int i = 0; i < n; i++) {
            long seq = c.receivedMessages;
            if (c.recvBuffer.get(ValueLayout.JAVA_BYTE, i) != expected(seq, c.offsetInMessage)) {
                fail(c);
                return;
            }
            if (++c.offsetInMessage == size) {
                c.offsetInMessage = 0;
                c.receivedMessages++;
                Slot s = c.slots[(int) (seq % pipeline)];
                latencies.record(System.nanoTime() - s.sentAt);
                messages.incrementAndGet();
                s.echoed = true;
                if (s.sendDone) {
                    send(c, s);
                }
            }
        }
        postReceive(c);
    }

    /** Byte {@code i} of message {@code seq}: different for every message, so a lost or repeated byte shows. */
    private static byte expected(long seq, int i) {
        return (byte) (seq * 31 + i * 7 + (seq >>> 8));
    }
}
