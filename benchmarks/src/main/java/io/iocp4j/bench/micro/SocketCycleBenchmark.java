package io.iocp4j.bench.micro;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.INTByReference;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.OVERLAPPEDByReference;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.ULONG_PTRByReference;
import io.iocp4j.win32.WSABUF;
import io.iocp4j.win32.WSADATA;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;

/**
 * One overlapped socket cycle through the Win32 facade: WSARecv posted on B, WSASend of 64 bytes on A (a connected
 * 127.0.0.1 pair), then GetQueuedCompletionStatus until both completions are in, all on one completion port and
 * one thread. OVERLAPPEDs, WSABUFs, buffers and out-parameters are allocated once, so the steady state can be
 * allocation-free: run with {@code -prof gc} and read gc.alloc.rate.norm (B/op).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SocketCycleBenchmark {
    private static final int SIZE = 64;
    private static final Object SENDER = new Object();
    private static final Object RECEIVER = new Object();

    private final Arena arena = Arena.ofShared();
    private HANDLE port;
    private SOCKET listener;
    private SOCKET a;
    private SOCKET b;
    private final OVERLAPPED sendOv = new OVERLAPPED();
    private final OVERLAPPED recvOv = new OVERLAPPED();
    private WSABUF[] sendBuf;
    private WSABUF[] recvBuf;
    private final DWORDByReference flags = new DWORDByReference();
    private final DWORDByReference bytes = new DWORDByReference();
    private final ULONG_PTRByReference key = new ULONG_PTRByReference();
    private final OVERLAPPEDByReference ov = new OVERLAPPEDByReference();
    private long received;

    @Setup(Level.Trial)
    public void open() {
        WSAStartup(0x0202, new WSADATA());
        port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0);
        listener = check(WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED));
        SOCKADDR_IN address = new SOCKADDR_IN();
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        INTByReference length = new INTByReference(SOCKADDR_IN.SIZE);
        if (bind(listener, address, SOCKADDR_IN.SIZE) != 0 || listen(listener, 1) != 0
                || getsockname(listener, address, length) != 0) {
            throw new IllegalStateException("listen on 127.0.0.1 failed: " + WSAGetLastError());
        }
        a = check(WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED));
        if (connect(a, address, SOCKADDR_IN.SIZE) != 0) {
            throw new IllegalStateException("connect failed: " + WSAGetLastError());
        }
        b = check(accept(listener, null, null));
        setsockopt(a, IPPROTO_TCP, TCP_NODELAY, 1, 4);
        if (CreateIoCompletionPort(a, port, SENDER, 0) == null || CreateIoCompletionPort(b, port, RECEIVER, 0) == null) {
            throw new IllegalStateException("CreateIoCompletionPort failed: " + GetLastError());
        }
        MemorySegment out = arena.allocate(SIZE);
        out.fill((byte) 'x');
        sendBuf = new WSABUF[] {new WSABUF(out, SIZE)};
        recvBuf = new WSABUF[] {new WSABUF(arena.allocate(SIZE), SIZE)};
    }

    @TearDown(Level.Trial)
    public void close() {
        closesocket(a);
        closesocket(b);
        closesocket(listener);
        CloseHandle(port);
    }

    /** One WSARecv + one WSASend, both completed and dequeued; returns the bytes received so far. */
    @Benchmark
    public long recvSendCycle() {
        int got = 0;
        postReceive(0);
        if (WSASend(a, sendBuf, 1, null, 0, sendOv, null) == SOCKET_ERROR && WSAGetLastError() != WSA_IO_PENDING) {
            throw new IllegalStateException("WSASend failed: " + WSAGetLastError());
        }
        boolean sent = false;
        while (!sent || got < SIZE) {
            if (!GetQueuedCompletionStatus(port, bytes, key, ov, 5_000)) {
                throw new IllegalStateException("GetQueuedCompletionStatus failed: " + GetLastError());
            }
            if (ov.value == sendOv) {
                sent = true;
            } else if (bytes.value == 0) {
                throw new IllegalStateException("the pair was closed");
            } else {
                got += bytes.value;
                if (got < SIZE) {
                    postReceive(got);  // TCP may split even 64 bytes: take the rest
                }
            }
        }
        received += got;
        return received;
    }

    /** Receives the {@code SIZE - offset} bytes still due (their content is not checked: only the cost counts). */
    private void postReceive(int offset) {
        recvBuf[0].len = SIZE - offset;
        flags.value = 0;
        if (WSARecv(b, recvBuf, 1, null, flags, recvOv, null) == SOCKET_ERROR && WSAGetLastError() != WSA_IO_PENDING) {
            throw new IllegalStateException("WSARecv failed: " + WSAGetLastError());
        }
    }

    private static SOCKET check(SOCKET s) {
        if (s == null || s == INVALID_SOCKET) {
            throw new IllegalStateException("socket failed: " + WSAGetLastError());
        }
        return s;
    }
}
