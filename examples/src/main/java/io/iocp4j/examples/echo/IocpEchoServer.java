package io.iocp4j.examples.echo;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.OVERLAPPEDByReference;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.ULONG_PTRByReference;
import io.iocp4j.win32.WSABUF;
import io.iocp4j.win32.WSADATA;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.MSWSock.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;

/**
 * A TCP echo server in the classic IOCP style, written against the Win32 facade exactly as a Windows program is:
 * a pool of pre-posted AcceptEx, worker threads looping on GetQueuedCompletionStatus, one WSARecv then one WSASend
 * per connection, per-handle data as the completion key, per-I/O data extending OVERLAPPED, and one sentinel
 * packet per worker to stop (PQCS-4).
 */
public final class IocpEchoServer implements AutoCloseable {
    private static final int BUFFER_SIZE = 16 * 1024;
    private static final int ACCEPTS = 64;
    private static final int ADDRESS_BLOCK = 16 + 16;

    /** Per-I/O data: the OVERLAPPED first, as C embeds it, then what the operation needs. */
    static final class IoContext extends OVERLAPPED {
        final boolean read;
        final MemorySegment buffer;
        final WSABUF[] wsabuf = {new WSABUF()};
        final DWORDByReference flags = new DWORDByReference();

        IoContext(boolean read, MemorySegment buffer) {
            this.read = read;
            this.buffer = buffer;
        }
    }

    /** Per-handle data: the completion key of one connection. */
    static final class Connection {
        final SOCKET socket;
        final IoContext recv;
        final IoContext send;

        Connection(SOCKET socket, MemorySegment buffer) {
            this.socket = socket;
            this.recv = new IoContext(true, buffer);
            this.send = new IoContext(false, buffer);
        }
    }

    /** One pre-posted AcceptEx: its accept socket and output buffer. */
    static final class AcceptContext extends OVERLAPPED {
        SOCKET acceptSocket;
        final MemorySegment output;

        AcceptContext(MemorySegment output) {
            this.output = output;
        }
    }

    private static final Object LISTENER_KEY = new Object();
    private static final Object STOP_KEY = new Object();

    private final Arena arena = Arena.ofAuto();
    private final HANDLE port;
    private final SOCKET listener;
    private final int boundPort;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean stopping;

    /** Binds to {@code bindAddress}:{@code port} (0: ephemeral) and starts {@code threads} workers. */
    public IocpEchoServer(String bindAddress, int port, int threads) {
        WSAStartup(0x0202, new WSADATA());
        this.port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0);
        if (this.port == null) {
            throw new IllegalStateException("CreateIoCompletionPort failed: " + GetLastError());
        }
        listener = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, 1, 4);
        SOCKADDR_IN addr = new SOCKADDR_IN();
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        if (inet_pton(AF_INET, bindAddress, addr.sin_addr) != 1) {
            throw new IllegalArgumentException("not an IPv4 address: " + bindAddress);
        }
        if (bind(listener, addr, SOCKADDR_IN.SIZE) == SOCKET_ERROR || listen(listener, SOMAXCONN) == SOCKET_ERROR) {
            throw new IllegalStateException("bind/listen on " + bindAddress + ":" + port + " failed: "
                    + WSAGetLastError());
        }
        SOCKADDR_IN bound = new SOCKADDR_IN();
        getsockname(listener, bound, new io.iocp4j.win32.INTByReference(SOCKADDR_IN.SIZE));
        boundPort = ntohs(bound.sin_port) & 0xFFFF;
        CreateIoCompletionPort(listener, this.port, LISTENER_KEY, 0);
        for (int i = 0; i < ACCEPTS; i++) {
            postAccept(new AcceptContext(arena.allocate(2 * ADDRESS_BLOCK)));
        }
        for (int i = 0; i < threads; i++) {
            workers.add(Thread.ofPlatform().name("echo-worker-" + i).start(this::worker));
        }
    }

    public int port() {
        return boundPort;
    }

    private void postAccept(AcceptContext ctx) {
        if (stopping) {
            return;
        }
        ctx.acceptSocket = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
        if (ctx.acceptSocket == INVALID_SOCKET) {
            return;  // out of descriptors: keep serving the connections we have
        }
        if (!AcceptEx(listener, ctx.acceptSocket, ctx.output, 0, ADDRESS_BLOCK, ADDRESS_BLOCK, null, ctx)
                && WSAGetLastError() != ERROR_IO_PENDING) {
            closesocket(ctx.acceptSocket);
        }
    }

    private void worker() {
        DWORDByReference bytes = new DWORDByReference();
        ULONG_PTRByReference key = new ULONG_PTRByReference();
        OVERLAPPEDByReference ov = new OVERLAPPEDByReference();
        for (;;) {
            boolean ok = GetQueuedCompletionStatus(port, bytes, key, ov, INFINITE);
            if (ov.value == null) {
                if (!ok || key.value == STOP_KEY) {
                    return;  // port closed, or our sentinel
                }
                continue;
            }
            if (key.value == LISTENER_KEY) {
                accepted((AcceptContext) ov.value, ok);
            } else {
                transferred((Connection) key.value, (IoContext) ov.value, ok ? bytes.value : 0);
            }
        }
    }

    private void accepted(AcceptContext ctx, boolean ok) {
        SOCKET s = ctx.acceptSocket;
        if (ok && setsockopt(s, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, listener, 8) == 0) {
            setsockopt(s, IPPROTO_TCP, TCP_NODELAY, 1, 4);
            Connection c = new Connection(s, arena.allocate(BUFFER_SIZE));
            if (CreateIoCompletionPort(s, port, c, 0) != null) {
                receive(c);
            } else {
                closesocket(s);
            }
        } else {
            closesocket(s);
        }
        postAccept(ctx);
    }

    private void receive(Connection c) {
        IoContext io = c.recv;
        io.wsabuf[0].buf = io.buffer;
        io.wsabuf[0].len = BUFFER_SIZE;
        io.flags.value = 0;
        if (WSARecv(c.socket, io.wsabuf, 1, null, io.flags, io, null) == SOCKET_ERROR
                && WSAGetLastError() != WSA_IO_PENDING) {
            closesocket(c.socket);
        }
    }

    private void transferred(Connection c, IoContext io, int n) {
        if (n == 0) {
            closesocket(c.socket);  // graceful close (0 bytes) or a failure
            return;
        }
        if (io.read) {
            IoContext out = c.send;
            out.wsabuf[0].buf = io.buffer;
            out.wsabuf[0].len = n;
            if (WSASend(c.socket, out.wsabuf, 1, null, 0, out, null) == SOCKET_ERROR
                    && WSAGetLastError() != WSA_IO_PENDING) {
                closesocket(c.socket);
            }
        } else {
            receive(c);  // a send completes in full (SEND-2): read the next request
        }
    }

    /** Stops accepting, sends one sentinel per worker, waits for them, then closes the port. */
    @Override
    public void close() {
        stopping = true;
        closesocket(listener);
        for (int i = 0; i < workers.size(); i++) {
            PostQueuedCompletionStatus(port, 0, STOP_KEY, null);
        }
        boolean interrupted = false;
        for (Thread w : workers) {
            while (w.isAlive()) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    interrupted = true;  // finish stopping first, then pass the interrupt on
                }
            }
        }
        CloseHandle(port);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
