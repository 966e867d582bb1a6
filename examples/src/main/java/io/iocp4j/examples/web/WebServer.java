package io.iocp4j.examples.web;

import io.iocp4j.TimerQueue;
import io.iocp4j.examples.iocp.AcceptExServer;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.SOCKET;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinSock2.*;

/**
 * A static-file HTTP/1.1 server in the classic IOCP style: a pool of pre-posted AcceptEx and worker threads looping
 * on GetQueuedCompletionStatus ({@link AcceptExServer}), and per connection WSARecv, overlapped ReadFile on files
 * opened with FILE_FLAG_OVERLAPPED and associated with the same port, and WSASend. The connection
 * ({@link HttpConnection}) is the completion key of its socket and of every file it serves; the OVERLAPPED says
 * which of its operations completed.
 */
public final class WebServer implements AcceptExServer.Handler, AutoCloseable {
    private static final int ACCEPTS = 64;
    /** How long a connection may take to send a request head, counted from when the server starts waiting for it. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final DocumentRoot root;
    private final AcceptExServer server;
    private final BufferPool buffers = new BufferPool(HttpConnection.BLOCK_SIZE, 1024);
    private final BufferPool chunks = new BufferPool(HttpConnection.CHUNK_SIZE, 256);
    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    private final boolean quiet = Boolean.getBoolean("iocp4j.quiet");
    private final TimerQueue timers = new TimerQueue();
    private final long idleTimeoutNanos;

    /** Serves {@code root} on {@code bindAddress}:{@code port} (0: ephemeral) with {@code threads} workers. */
    public WebServer(String bindAddress, int port, int threads, Path root) throws IOException {
        this(bindAddress, port, threads, root, DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * As above; a connection that has not sent a complete request head within {@code idleTimeout} of the server
     * starting to wait for one (a new connection, or keep-alive after a response) is closed, so idle and slowly
     * trickling clients cannot hold connections forever.
     */
    public WebServer(String bindAddress, int port, int threads, Path root, Duration idleTimeout) throws IOException {
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive: " + idleTimeout);
        }
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.root = new DocumentRoot(root);
        server = new AcceptExServer(bindAddress, port);
        server.start(ACCEPTS, threads, "web-worker", this);
    }

    public int port() {
        return server.port();
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
        return server.completionPort();
    }

    /** File chunk buffers, lent to connections while they send a file. */
    BufferPool chunks() {
        return chunks;
    }

    /** The queue of the connections' idle timers. */
    TimerQueue timers() {
        return timers;
    }

    long idleTimeoutNanos() {
        return idleTimeoutNanos;
    }

    boolean stopping() {
        return server.stopping();
    }

    /** A connection closed with no operation outstanding: its buffers serve the next one. */
    void release(HttpConnection c, MemorySegment block) {
        if (connections.remove(c)) {
            buffers.give(block);
            server.rearmAccept();
        }
    }

    /** One short line on stderr (none with -Diocp4j.quiet=true). */
    @Override
    public void log(String message) {
        if (!quiet) {
            System.err.println("web-server: " + message);
        }
    }

    // ---- AcceptExServer.Handler ----

    @Override
    public void accepted(SOCKET s) {
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, 1, 4);
        HttpConnection c = new HttpConnection(this, s, buffers.take());
        connections.add(c);
        if (CreateIoCompletionPort(s, server.completionPort(), c, 0) != null) {
            c.start();
        } else {
            c.close();
        }
    }

    @Override
    public void completed(Object key, OVERLAPPED ov, int bytes, int error) {
        HttpConnection c = (HttpConnection) key;
        try {
            c.completed((HttpConnection.Io) ov, error, bytes);
        } catch (RuntimeException e) {
            log("connection dropped after an unexpected " + e);  // one line, and the server goes on
            connections.remove(c);
            c.abort();
        }
    }

    /** Stops accepting, closes every connection, stops the workers, then closes what they did not get to. */
    @Override
    public void close() {
        server.stopAccepting();
        for (HttpConnection c : connections) {
            closesocket(c.socket);  // outstanding operations complete with an error and close the rest
        }
        server.close();
        for (HttpConnection c : connections) {
            c.abort();  // files of reads whose completion no worker took
        }
        connections.clear();
        timers.close();
    }
}
