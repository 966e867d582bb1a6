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
 * a pool of pre-posted AcceptEx, worker threads looping on GetQueuedCompletionStatusEx (both in
 * {@link AcceptExServer}), per-handle data as the completion key, per-I/O data extending OVERLAPPED, and one
 * sentinel packet per worker to stop (PQCS-4).
 *
 * <p>Each connection has two buffers, so that a receive is pending while the previous data is being sent back:
 * a client that keeps many messages in flight is read and written at the same time. At most one send is in flight
 * per connection (bytes go back in order); a receive that completes while a send is still in flight waits for it.
 * Buffers start small and grow once a receive fills one: a connection that streams is then read in large pieces
 * (fewer operations per byte), while the many that exchange short messages keep little memory.
 */
public final class IocpEchoServer implements AcceptExServer.Handler, EchoServer {
    private static final int INITIAL_BUFFER = 16 * 1024;
    private static final int LARGE_BUFFER = 64 * 1024;
    private static final int ACCEPTS = 64;

    /** Per-I/O data: the OVERLAPPED first, as C embeds it, then what the operation needs. */
    static final class IoContext extends OVERLAPPED {
        final boolean read;
        final WSABUF[] wsabuf = {new WSABUF()};
        final DWORDByReference flags = new DWORDByReference();

        IoContext(boolean read) {
            this.read = read;
        }
    }

    /** Per-handle data: the completion key of one connection. Its state is guarded by the object's monitor. */
    static final class Connection {
        final SOCKET socket;
        final MemorySegment[] buffers;
        final IoContext recv = new IoContext(true);
        final IoContext send = new IoContext(false);
        /** The buffer the pending (or next) receive fills. */
        int receiving;
        boolean sending;
        /** Bytes received into the other buffer and waiting for the send in flight to finish; 0 when none. */
        int waiting;
        /** A receive has filled its buffer: each buffer is replaced by a large one when it is next free. */
        boolean streaming;
        /** The client has closed its side; the connection closes once the last echo is sent. */
        boolean eof;
        boolean closed;

        Connection(SOCKET socket, MemorySegment block) {
            this.socket = socket;
            this.buffers = new MemorySegment[] {block.asSlice(0, INITIAL_BUFFER), block.asSlice(INITIAL_BUFFER)};
        }
    }

    private final AcceptExServer server;

    /** Binds to {@code bindAddress}:{@code port} (0: ephemeral) and starts {@code threads} workers. */
    public IocpEchoServer(String bindAddress, int port, int threads) {
        server = new AcceptExServer(bindAddress, port);
        server.start(ACCEPTS, threads, "echo-worker", this);
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public void accepted(SOCKET s) {
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, 1, 4);
        // The buffers' own automatic arena: freed once the connection is closed and its last completion has been
        // delivered (the library keeps them reachable until then), never while the kernel may still write them.
        Connection c = new Connection(s, Arena.ofAuto().allocate(2 * INITIAL_BUFFER));
        if (CreateIoCompletionPort(s, server.completionPort(), c, 0) != null) {
            synchronized (c) {
                receive(c);
            }
        } else {
            closesocket(s);
        }
    }

    @Override
    public void completed(Object key, OVERLAPPED ov, int n, int error) {
        Connection c = (Connection) key;
        synchronized (c) {
            if (c.closed) {
                return;  // the other operation's completion, aborted by the close
            }
            if (error != 0) {
                close(c);
            } else if (n == 0 && ((IoContext) ov).read && c.sending) {
                c.eof = true;  // the client is done sending: finish the echo in flight, then close
            } else if (n == 0) {
                close(c);
            } else if (((IoContext) ov).read) {
                received(c, n);
            } else {
                sent(c);
            }
        }
    }

    /** With c locked: echo what came in, and keep a receive pending in the other buffer if it is free. */
    private void received(Connection c, int n) {
        if (n == c.buffers[c.receiving].byteSize()) {
            c.streaming = true;
        }
        if (c.sending) {
            c.waiting = n;  // both buffers are busy: the next receive waits for the send
            return;
        }
        int full = c.receiving;
        c.receiving = 1 - full;
        send(c, full, n);
        receive(c);
    }

    /** With c locked: a send completes in full (SEND-2); the buffer it used is free again. */
    private void sent(Connection c) {
        c.sending = false;
        if (c.eof) {
            close(c);
        } else if (c.waiting > 0) {
            int full = c.receiving;
            int n = c.waiting;
            c.waiting = 0;
            c.receiving = 1 - full;
            send(c, full, n);
            receive(c);
        }
    }

    /** With c locked and the buffer {@code c.receiving} free (neither received into nor sent from). */
    private void receive(Connection c) {
        if (c.streaming && c.buffers[c.receiving].byteSize() < LARGE_BUFFER) {
            c.buffers[c.receiving] = Arena.ofAuto().allocate(LARGE_BUFFER);
        }
        IoContext io = c.recv;
        io.wsabuf[0].buf = c.buffers[c.receiving];
        io.wsabuf[0].len = (int) c.buffers[c.receiving].byteSize();
        io.flags.value = 0;
        if (WSARecv(c.socket, io.wsabuf, 1, null, io.flags, io, null) == SOCKET_ERROR
                && WSAGetLastError() != WSA_IO_PENDING) {
            close(c);
        }
    }

    private void send(Connection c, int buffer, int n) {
        IoContext out = c.send;
        out.wsabuf[0].buf = c.buffers[buffer];
        out.wsabuf[0].len = n;
        c.sending = true;
        if (WSASend(c.socket, out.wsabuf, 1, null, 0, out, null) == SOCKET_ERROR
                && WSAGetLastError() != WSA_IO_PENDING) {
            close(c);
        }
    }

    /** With c locked: closing aborts the other operation, if one is pending; its completion is then ignored. */
    private void close(Connection c) {
        if (!c.closed) {
            c.closed = true;
            closesocket(c.socket);
        }
    }

    /** Stops accepting, sends one sentinel per worker, waits for them, then closes the port. */
    @Override
    public void close() {
        server.close();
    }
}
