package io.iocp4j.examples.web;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.INTByReference;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.OVERLAPPEDByReference;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.ULONG_PTRByReference;
import io.iocp4j.win32.WSADATA;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.MSWSock.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;

/**
 * A static-file HTTP/1.1 server in the classic IOCP style: a pool of pre-posted AcceptEx, worker threads looping
 * on GetQueuedCompletionStatus, and per connection WSARecv, overlapped ReadFile on files opened with
 * FILE_FLAG_OVERLAPPED and associated with the same port, and WSASend. The connection ({@link HttpConnection}) is
 * the completion key of its socket and of every file it serves; the OVERLAPPED says which operation completed.
 */
public final class WebServer implements AutoCloseable {
    private static final int ACCEPTS = 64;
    private static final int ADDRESS_BLOCK = 16 + 16;
    private static final Object LISTENER_KEY = new Object();
    private static final Object STOP_KEY = new Object();

    /** One pre-posted AcceptEx: its accept socket and output buffer. */
    static final class AcceptContext extends OVERLAPPED {
        SOCKET acceptSocket;
        final MemorySegment output;

        AcceptContext(MemorySegment output) {
            this.output = output;
        }
    }

    private final Arena arena = Arena.ofAuto();
    private final DocumentRoot root;
    private final HANDLE port;
    private final SOCKET listener;
    private final int boundPort;
    private final BufferPool buffers = new BufferPool(HttpConnection.BLOCK_SIZE, 256);
    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    private final List<Thread> workers = new ArrayList<>();
    private final boolean quiet = Boolean.getBoolean("iocp4j.quiet");
    private volatile boolean stopping;

    /** Serves {@code root} on {@code bindAddress}:{@code port} (0: ephemeral) with {@code threads} workers. */
    public WebServer(String bindAddress, int port, int threads, Path root) throws IOException {
        this.root = new DocumentRoot(root);
        WSAStartup(MAKEWORD(2, 2), new WSADATA());
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
            closesocket(listener);
            CloseHandle(this.port);
            throw new IllegalArgumentException("not an IPv4 address: " + bindAddress);
        }
        if (bind(listener, addr, SOCKADDR_IN.SIZE) == SOCKET_ERROR || listen(listener, SOMAXCONN) == SOCKET_ERROR) {
            int error = WSAGetLastError();
            closesocket(listener);
            CloseHandle(this.port);
            throw new IllegalStateException("bind/listen on " + bindAddress + ":" + port + " failed: " + error);
        }
        SOCKADDR_IN bound = new SOCKADDR_IN();
        getsockname(listener, bound, new INTByReference(SOCKADDR_IN.SIZE));
        boundPort = ntohs(bound.sin_port) & 0xFFFF;
        CreateIoCompletionPort(listener, this.port, LISTENER_KEY, 0);
        for (int i = 0; i < ACCEPTS; i++) {
            postAccept(new AcceptContext(arena.allocate(2 * ADDRESS_BLOCK)));
        }
        for (int i = 0; i < threads; i++) {
            workers.add(Thread.ofPlatform().name("web-worker-" + i).start(this::worker));
        }
    }

    public int port() {
        return boundPort;
    }

    public Path root() {
        return root.path();
    }

    /** Connections accepted and not yet closed. */
    int openConnections() {
        return connections.size();
    }

    // ---- what connections use ----

    DocumentRoot documentRoot() {
        return root;
    }

    HANDLE completionPort() {
        return port;
    }

    boolean stopping() {
        return stopping;
    }

    /** A connection closed with no operation outstanding: its buffers serve the next one. */
    void release(HttpConnection c, MemorySegment block) {
        if (connections.remove(c)) {
            buffers.give(block);
        }
    }

    /** One short line on stderr (none with -Diocp4j.quiet=true). */
    void log(String message) {
        if (!quiet) {
            System.err.println("web-server: " + message);
        }
    }

    // ---- accepting ----

    private void postAccept(AcceptContext ctx) {
        if (stopping) {
            return;
        }
        ctx.acceptSocket = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
        if (ctx.acceptSocket == INVALID_SOCKET) {
            log("no socket for AcceptEx (error " + WSAGetLastError() + "): one accept fewer");
            return;
        }
        if (!AcceptEx(listener, ctx.acceptSocket, ctx.output, 0, ADDRESS_BLOCK, ADDRESS_BLOCK, null, ctx)
                && WSAGetLastError() != ERROR_IO_PENDING) {
            log("AcceptEx failed: error " + WSAGetLastError());
            closesocket(ctx.acceptSocket);
        }
    }

    private void accepted(AcceptContext ctx, boolean ok) {
        SOCKET s = ctx.acceptSocket;
        if (ok && setsockopt(s, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, listener, 8) == 0) {
            setsockopt(s, IPPROTO_TCP, TCP_NODELAY, 1, 4);
            HttpConnection c = new HttpConnection(this, s, buffers.take());
            connections.add(c);
            if (CreateIoCompletionPort(s, port, c, 0) != null && !stopping) {
                c.start();
            } else {
                c.close();
            }
        } else {
            closesocket(s);
        }
        postAccept(ctx);
    }

    // ---- the workers ----

    private void worker() {
        DWORDByReference bytes = new DWORDByReference();
        ULONG_PTRByReference key = new ULONG_PTRByReference();
        OVERLAPPEDByReference ov = new OVERLAPPEDByReference();
        for (;;) {
            boolean ok = GetQueuedCompletionStatus(port, bytes, key, ov, INFINITE);
            int error = ok ? 0 : GetLastError();
            if (ov.value == null) {
                if (!ok || key.value == STOP_KEY) {
                    return;  // port closed, or our sentinel
                }
                continue;
            }
            if (key.value == LISTENER_KEY) {
                accepted((AcceptContext) ov.value, ok);
            } else {
                HttpConnection c = (HttpConnection) key.value;
                try {
                    c.completed((HttpConnection.Io) ov.value, error, bytes.value);
                } catch (RuntimeException e) {
                    log("connection dropped after an unexpected " + e);  // one line, the server goes on
                    connections.remove(c);
                    c.abort();
                }
            }
        }
    }

    /** Stops accepting, closes every connection, stops the workers (one sentinel each), then closes the port. */
    @Override
    public void close() {
        stopping = true;
        closesocket(listener);
        for (HttpConnection c : connections) {
            closesocket(c.socket);  // outstanding operations complete with an error and close the rest
        }
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
        for (HttpConnection c : connections) {
            c.abort();  // whatever the workers did not get to: files still open
        }
        connections.clear();
        CloseHandle(port);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
