package io.iocp4j.examples.web;

import io.iocp4j.QueuedTimer;
import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.LARGE_INTEGER;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.WSABUF;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;

/**
 * Per-handle data of one client connection (its completion key, for the socket and for each file it serves) and
 * its state machine. Exactly one operation is outstanding at any time, so the completions of a connection never
 * run concurrently and every transition ends by issuing the next operation:
 *
 * <pre>
 * WSARecv ──► parse ─┬─ incomplete ──────────────────────────────► WSARecv
 *                    ├─ error / HEAD / empty file ─► WSASend(head) ─► next request
 *                    └─ GET ─► ReadFile(chunk) ─► WSASend([head,] chunk) ─► ReadFile ... ─► next request
 * next request: a pipelined head already in the buffer is served at once, otherwise WSARecv;
 *               after a response that closes: shutdown(SD_SEND), WSARecv until the client closes, closesocket.
 * </pre>
 */
final class HttpConnection {
    static final int RECEIVE_SIZE = 2 * RequestParser.MAX_HEAD;
    static final int HEAD_SIZE = 1024;
    static final int CHUNK_SIZE = 64 * 1024;
    /** One native block per connection: receive buffer and response head. File chunks are lent while a file is sent. */
    static final int BLOCK_SIZE = RECEIVE_SIZE + HEAD_SIZE;
    /** What a closing connection reads and discards, at most, before it closes without waiting for the client. */
    private static final long DRAIN_LIMIT = 1 << 20;

    enum Kind { RECEIVE, SEND, READ }

    /** Per-I/O data: one per kind of operation, each reused for the connection's lifetime. */
    static final class Io extends OVERLAPPED {
        final Kind kind;
        final WSABUF[] wsabuf = {new WSABUF(), new WSABUF()};
        final DWORDByReference flags = new DWORDByReference();

        Io(Kind kind) {
            this.kind = kind;
        }
    }

    final SOCKET socket;
    private final WebServer server;
    private final MemorySegment block;
    private final MemorySegment received;
    private final MemorySegment head;
    private final ResponseHead response;
    private final HttpRequest request = new HttpRequest();
    /** The first bytes of the unparsed input, copied out of native memory for the parser. */
    private final byte[] unparsed = new byte[RequestParser.MAX_HEAD];
    private final LARGE_INTEGER fileSizeOut = new LARGE_INTEGER();
    private final Io receive = new Io(Kind.RECEIVE);
    private final Io send = new Io(Kind.SEND);
    private final Io read = new Io(Kind.READ);

    /** The receive buffer holds unparsed bytes in [parsed, filled). */
    private int parsed;
    private int filled;
    private HANDLE file;
    /** The chunk buffer, borrowed from the server's pool while a file is being sent. */
    private MemorySegment chunk;
    private long fileSize;
    private long fileOffset;
    /** The response head has been written but not sent: it goes out with the first chunk. */
    private boolean headPending;
    private boolean keepAlive;
    private boolean draining;
    private long drained;
    private boolean closed;
    /** Closes the connection when a request head takes too long (see {@link WebServer#DEFAULT_IDLE_TIMEOUT}). */
    private final QueuedTimer idle;
    /** The idle timer runs for the request being waited for; guarded by {@code this} with the timer's start/cancel. */
    private boolean idleArmed;

    HttpConnection(WebServer server, SOCKET socket, MemorySegment block) {
        this.server = server;
        this.idle = server.timers().newTimer(this::idleExpired);
        this.socket = socket;
        this.block = block;
        this.received = block.asSlice(0, RECEIVE_SIZE);
        this.head = block.asSlice(RECEIVE_SIZE, HEAD_SIZE);
        this.response = new ResponseHead(head);
    }

    void start() {
        receive();
    }

    /** A completion of one of this connection's operations; {@code error} is the Win32 error when it failed. */
    void completed(Io io, int error, int bytes) {
        switch (io.kind) {
            case RECEIVE -> received(error == 0, bytes);
            case SEND -> sent(error == 0);
            case READ -> fileRead(error, bytes);
        }
    }

    // ---- receiving and parsing ----

    private void receive() {
        armIdle();
        if (parsed == filled) {
            parsed = filled = 0;
        } else if (parsed > 0) {
            MemorySegment.copy(received, parsed, received, 0, filled - parsed);  // keep the partial head
            filled -= parsed;
            parsed = 0;
        }
        postReceive(filled, RECEIVE_SIZE - filled);
    }

    private void postReceive(int offset, int length) {
        Io io = receive;
        io.wsabuf[0].buf = offset == 0 ? received : received.asSlice(offset, length);
        io.wsabuf[0].len = length;
        io.flags.value = 0;
        if (WSARecv(socket, io.wsabuf, 1, null, io.flags, io, null) == SOCKET_ERROR
                && WSAGetLastError() != WSA_IO_PENDING) {
            close();
        }
    }

    private void received(boolean ok, int n) {
        if (!ok || n == 0) {
            close();  // the client closed or reset the connection
        } else if (draining) {
            drained += n;
            if (drained > DRAIN_LIMIT) {
                close();
            } else {
                postReceive(0, RECEIVE_SIZE);
            }
        } else {
            filled += n;
            serveNext();
        }
    }

    /** Answers the next request in the buffer, or reads more of it. */
    private void serveNext() {
        int n = Math.min(filled - parsed, RequestParser.MAX_HEAD);
        MemorySegment.copy(received, ValueLayout.JAVA_BYTE, parsed, unparsed, 0, n);
        int result = RequestParser.parse(unparsed, 0, n, request);
        if (result == RequestParser.INCOMPLETE) {
            receive();
        } else if (result == RequestParser.INVALID) {
            server.log("answered " + request.errorStatus + " to a malformed request and closed the connection");
            error(request.errorStatus, false);
        } else {
            disarmIdle();
            parsed += request.length;
            respond();
        }
    }

    // ---- the idle timer ----

    /** Starts the clock for the next request head, unless it already runs for this one (trickling clients). */
    private synchronized void armIdle() {
        if (!idleArmed) {
            idleArmed = true;
            idle.start(server.idleTimeoutNanos(), 0);
        }
    }

    private synchronized void disarmIdle() {
        idleArmed = false;
        idle.cancel();
    }

    /**
     * On the timer thread: cancels the pending receive, whose aborted completion then closes the connection on a
     * worker as any failed receive does. A firing overtaken by a new start or cancel does nothing.
     */
    private void idleExpired() {
        synchronized (this) {
            if (!idle.firingIsCurrent() || !idleArmed) {
                return;
            }
            idleArmed = false;
        }
        server.log("closed a connection idle for " + server.idleTimeoutNanos() / 1_000_000 + " ms");
        CancelIoEx(socket, receive);
    }

    // ---- responding ----

    private void respond() {
        keepAlive = request.keepAlive() && !server.stopping();
        if (request.method == HttpRequest.Method.OTHER) {
            error(405, keepAlive);
            return;
        }
        DocumentRoot.Lookup found = server.documentRoot().lookup(request.path);
        if (found.status() != 200) {
            error(found.status(), keepAlive);
            return;
        }
        HANDLE f = CreateFile(found.file(), GENERIC_READ, FILE_SHARE_READ, null, OPEN_EXISTING,
                FILE_FLAG_OVERLAPPED | FILE_FLAG_SEQUENTIAL_SCAN, null);
        if (f == INVALID_HANDLE_VALUE) {
            int e = GetLastError();
            error(e == ERROR_ACCESS_DENIED ? 403 : e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND ? 404 : 500,
                    keepAlive);
            return;
        }
        if (!GetFileSizeEx(f, fileSizeOut)) {
            CloseHandle(f);
            error(500, false);
            return;
        }
        long size = fileSizeOut.QuadPart;
        response.status(200).header("Content-Type", MimeTypes.of(found.file())).contentLength(size)
                .connection(keepAlive, request.minorVersion).end();
        if (request.method == HttpRequest.Method.HEAD || size == 0) {
            CloseHandle(f);
            sendHead();
            return;
        }
        if (CreateIoCompletionPort(f, server.completionPort(), this, 0) == null) {
            server.log("could not associate a file with the port: error " + GetLastError());
            CloseHandle(f);
            error(500, false);
            return;
        }
        file = f;
        chunk = server.chunks().take();
        fileSize = size;
        fileOffset = 0;
        headPending = true;
        readChunk();
    }

    /** A short text/plain error response; 405 says which methods are allowed. */
    private void error(int status, boolean keepOpen) {
        keepAlive = keepOpen;
        String body = status + " " + ResponseHead.reason(status) + "\n";
        response.status(status).header("Content-Type", "text/plain; charset=utf-8").contentLength(body.length());
        if (status == 405) {
            response.header("Allow", "GET, HEAD");
        }
        response.connection(keepOpen, request.minorVersion).end();
        if (request.method != HttpRequest.Method.HEAD) {
            response.body(body);
        }
        sendHead();
    }

    private void sendHead() {
        Io io = send;
        io.wsabuf[0].buf = head;
        io.wsabuf[0].len = response.finish();
        post(io, 1);
    }

    private void readChunk() {
        Io io = read;
        io.Offset = (int) fileOffset;
        io.OffsetHigh = (int) (fileOffset >>> 32);
        int length = (int) Math.min(CHUNK_SIZE, fileSize - fileOffset);
        if (!ReadFile(file, chunk, length, null, io) && GetLastError() != ERROR_IO_PENDING) {
            server.log("ReadFile failed at once: error " + GetLastError());
            close();
        }
    }

    private void fileRead(int error, int n) {
        if (error != 0 || n == 0) {
            // The file shrank (ERROR_HANDLE_EOF) or could not be read: the promised Content-Length cannot be kept.
            if (error != ERROR_HANDLE_EOF && error != 0) {
                server.log("ReadFile failed: error " + error);
            }
            close();
            return;
        }
        fileOffset += n;
        Io io = send;
        int count = 0;
        if (headPending) {
            headPending = false;
            io.wsabuf[count].buf = head;
            io.wsabuf[count++].len = response.finish();
        }
        io.wsabuf[count].buf = chunk;
        io.wsabuf[count++].len = n;
        post(io, count);
    }

    private void post(Io io, int buffers) {
        if (WSASend(socket, io.wsabuf, buffers, null, 0, io, null) == SOCKET_ERROR
                && WSAGetLastError() != WSA_IO_PENDING) {
            close();
        }
    }

    private void sent(boolean ok) {
        if (!ok) {
            close();  // the client went away mid-response
        } else if (file != null && fileOffset < fileSize) {
            readChunk();
        } else {
            closeFile();
            if (keepAlive) {
                serveNext();
            } else {
                lingeringClose();
            }
        }
    }

    /**
     * Sends FIN and reads until the client closes, so that request bytes still unread do not make the kernel
     * reset the connection before the client has read the response.
     */
    private void lingeringClose() {
        draining = true;
        armIdle();
        if (shutdown(socket, SD_SEND) == SOCKET_ERROR) {
            close();
            return;
        }
        postReceive(0, RECEIVE_SIZE);
    }

    // ---- closing ----

    /** Closes the file being served and gives its chunk back; no operation may be using the chunk. */
    private void closeFile() {
        if (file != null) {
            CloseHandle(file);
            file = null;
            server.chunks().give(chunk);
            chunk = null;
        }
    }

    /** Closes everything; called only when no operation is outstanding, so the buffers can serve another client. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        disarmIdle();
        closeFile();
        closesocket(socket);
        server.release(this, block);
    }

    /**
     * Closes the handles from another thread (server stop) or after an unexpected failure, without recycling the
     * buffers: an operation may still be using them.
     */
    void abort() {
        HANDLE f = file;
        if (f != null) {
            CloseHandle(f);
        }
        closesocket(socket);
    }
}
