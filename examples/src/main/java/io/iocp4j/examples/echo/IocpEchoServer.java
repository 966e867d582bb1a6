package io.iocp4j.examples.echo;

import io.iocp4j.examples.iocp.AcceptExServer;
import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.WSABUF;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;

/**
 * A TCP echo server in the classic IOCP style, written against the Win32 facade exactly as a Windows program is:
 * a pool of pre-posted AcceptEx, worker threads looping on GetQueuedCompletionStatus (both in
 * {@link AcceptExServer}), one WSARecv then one WSASend per connection, per-handle data as the completion key,
 * per-I/O data extending OVERLAPPED, and one sentinel packet per worker to stop (PQCS-4).
 */
public final class IocpEchoServer implements AcceptExServer.Handler, AutoCloseable {
    private static final int BUFFER_SIZE = 16 * 1024;
    private static final int ACCEPTS = 64;

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

    private final AcceptExServer server;

    /** Binds to {@code bindAddress}:{@code port} (0: ephemeral) and starts {@code threads} workers. */
    public IocpEchoServer(String bindAddress, int port, int threads) {
        server = new AcceptExServer(bindAddress, port);
        server.start(ACCEPTS, threads, "echo-worker", this);
    }

    public int port() {
        return server.port();
    }

    @Override
    public void accepted(SOCKET s) {
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, 1, 4);
        // The buffer's own automatic arena: it is freed once the connection is closed and its last completion has
        // been delivered (the library keeps it reachable until then), never while the kernel may still write it.
        Connection c = new Connection(s, Arena.ofAuto().allocate(BUFFER_SIZE));
        if (CreateIoCompletionPort(s, server.completionPort(), c, 0) != null) {
            receive(c);
        } else {
            closesocket(s);
        }
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

    @Override
    public void completed(Object key, OVERLAPPED ov, int n, int error) {
        Connection c = (Connection) key;
        IoContext io = (IoContext) ov;
        if (error != 0 || n == 0) {
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
        server.close();
    }
}
