package io.iocp4j.examples.iocp;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.INTByReference;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.OVERLAPPED_ENTRY;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.ULONGByReference;
import io.iocp4j.win32.WSADATA;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.MSWSock.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;

/**
 * What every classic IOCP TCP server shares, written against the Win32 facade as a Windows program is: a listening
 * socket associated with a completion port, a pool of pre-posted AcceptEx, worker threads looping on
 * GetQueuedCompletionStatus, and one sentinel packet per worker to stop (PQCS-4). What to do with an accepted
 * socket and with the completions of its I/O is the {@link Handler}'s: it associates each socket with
 * {@link #completionPort()} under its own per-handle data as the key, and extends OVERLAPPED for per-I/O data.
 */
public final class AcceptExServer implements AutoCloseable {
    private static final int ADDRESS_BLOCK = 16 + 16;
    private static final Object LISTENER_KEY = new Object();
    private static final Object STOP_KEY = new Object();
    private static final int BATCH = 64;

    /** The server's side of each connection. Called on worker threads. */
    public interface Handler {
        /** A new connection (SO_UPDATE_ACCEPT_CONTEXT done): associate it with the port and start its I/O, or close it. */
        void accepted(SOCKET s);

        /** A completion of connection I/O: the key and OVERLAPPED given, the bytes, and 0 or the Win32 error. */
        void completed(Object key, OVERLAPPED ov, int bytes, int error);

        /** A short note on something that went wrong but does not stop the server. */
        default void log(String message) {
        }
    }

    /** One pre-posted AcceptEx: its accept socket and output buffer. */
    private static final class AcceptContext extends OVERLAPPED {
        SOCKET acceptSocket;
        final MemorySegment output;

        AcceptContext(MemorySegment output) {
            this.output = output;
        }
    }

    private final Arena arena = Arena.ofAuto();
    private final HANDLE port;
    private final SOCKET listener;
    private final int boundPort;
    private final List<Thread> workers = new ArrayList<>();
    /** Accepts that could not be posted (no descriptor left): re-posted as connections close. */
    private final Queue<AcceptContext> idleAccepts = new ConcurrentLinkedQueue<>();
    private Handler handler;
    private volatile boolean stopping;

    /** Creates the port and listens on {@code bindAddress}:{@code port} (0: ephemeral); nothing is accepted yet. */
    public AcceptExServer(String bindAddress, int port) {
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
    }

    /** Posts {@code accepts} AcceptEx and starts {@code threads} workers named {@code name-i}. */
    public void start(int accepts, int threads, String name, Handler h) {
        this.handler = h;
        for (int i = 0; i < accepts; i++) {
            postAccept(new AcceptContext(arena.allocate(2 * ADDRESS_BLOCK)));
        }
        for (int i = 0; i < threads; i++) {
            workers.add(Thread.ofPlatform().name(name + "-" + i).start(this::worker));
        }
    }

    public int port() {
        return boundPort;
    }

    public HANDLE completionPort() {
        return port;
    }

    /** True once {@link #stopAccepting()} or {@link #close()} began. */
    public boolean stopping() {
        return stopping;
    }

    private void postAccept(AcceptContext ctx) {
        if (stopping) {
            return;
        }
        ctx.acceptSocket = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
        if (ctx.acceptSocket == INVALID_SOCKET) {
            handler.log("no socket for AcceptEx (error " + WSAGetLastError() + "): one accept fewer for now");
            idleAccepts.add(ctx);  // out of descriptors: keep serving the connections we have
            return;
        }
        if (!AcceptEx(listener, ctx.acceptSocket, ctx.output, 0, ADDRESS_BLOCK, ADDRESS_BLOCK, null, ctx)
                && WSAGetLastError() != ERROR_IO_PENDING) {
            if (!stopping) {
                handler.log("AcceptEx failed: error " + WSAGetLastError());
            }
            closesocket(ctx.acceptSocket);
            idleAccepts.add(ctx);
        }
    }

    /**
     * Re-posts one accept that could not be posted for want of a socket, if any: handlers call this when a
     * connection closes and frees its descriptor.
     */
    public void rearmAccept() {
        AcceptContext ctx = idleAccepts.poll();
        if (ctx != null) {
            postAccept(ctx);
        }
    }

    private void accepted(AcceptContext ctx, boolean ok) {
        SOCKET s = ctx.acceptSocket;
        if (ok && !stopping && setsockopt(s, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, listener, 8) == 0) {
            try {
                handler.accepted(s);
            } catch (RuntimeException e) {
                handler.log("connection refused after an unexpected " + e);
                closesocket(s);
            }
        } else {
            closesocket(s);
        }
        postAccept(ctx);
    }

    /**
     * A worker: takes up to {@link #BATCH} packets per GetQueuedCompletionStatusEx, so that a busy server pays for
     * one wait per batch rather than one per packet. A failed I/O's Win32 error comes from its entry's NTSTATUS.
     */
    private void worker() {
        OVERLAPPED_ENTRY[] entries = OVERLAPPED_ENTRY.array(BATCH);
        ULONGByReference removed = new ULONGByReference();
        for (;;) {
            if (!GetQueuedCompletionStatusEx(port, entries, BATCH, removed, INFINITE, false)) {
                return;  // the port was closed
            }
            int stops = 0;
            for (int i = 0; i < removed.value; i++) {
                OVERLAPPED_ENTRY e = entries[i];
                if (e.lpOverlapped == null) {
                    if (e.lpCompletionKey == STOP_KEY) {
                        stops++;
                    }
                    continue;
                }
                int error = e.Internal >= 0 ? 0 : RtlNtStatusToDosError(e.Internal);
                if (e.lpCompletionKey == LISTENER_KEY) {
                    accepted((AcceptContext) e.lpOverlapped, error == 0);
                } else {
                    try {
                        handler.completed(e.lpCompletionKey, e.lpOverlapped, e.dwNumberOfBytesTransferred, error);
                    } catch (RuntimeException ex) {
                        handler.log("unexpected " + ex + " in a completion handler");  // the worker goes on
                    }
                }
            }
            if (stops > 0) {
                for (int i = 1; i < stops; i++) {
                    PostQueuedCompletionStatus(port, 0, STOP_KEY, null);  // one sentinel per worker: pass extras on
                }
                return;
            }
        }
    }

    /** Closes the listener: pending AcceptEx fail, and no connection is handed to the handler any more. */
    public void stopAccepting() {
        stopping = true;
        closesocket(listener);
    }

    /** Stops accepting, sends one sentinel per worker, waits for them, then closes the port. */
    @Override
    public void close() {
        stopAccepting();
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
