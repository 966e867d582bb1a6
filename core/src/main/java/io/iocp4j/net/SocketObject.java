package io.iocp4j.net;

import io.iocp4j.ErrnoMapping;
import io.iocp4j.Event;
import io.iocp4j.IoObject;
import io.iocp4j.NtStatus;
import io.iocp4j.linux.Errno;
import io.iocp4j.linux.Sockets;
import io.iocp4j.linux.Syscalls;
import io.iocp4j.uring.PollMasks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A socket: its fd (which AcceptEx and DisconnectEx(TF_REUSE_SOCKET) replace under the same object, ACC-1,
 * DISC-3), its state, the Windows latches Linux lacks (reset SOCK-4, shutdown SOCK-5), and one queue per direction
 * so that several outstanding receives (or sends) reach the kernel one at a time, in issue order (SOCK-2).
 * Thread-safe: state changes under this object's monitor.
 */
public final class SocketObject extends IoObject {
    /** Socket states, as far as Windows' rules need them. */
    enum State { FRESH, BOUND, LISTENING, CONNECTING, CONNECTED, CLOSED }

    private final int family;
    private final int type;
    private final int protocol;
    private final boolean overlapped;
    private volatile int fd;
    private State state = State.FRESH;
    private boolean resetLatched;
    private boolean receiveShutdown;
    private boolean sendShutdown;
    private boolean nonBlocking;
    /** WSAEventSelect's record, made on first selection; written under this monitor, read without it on fast paths. */
    private volatile NetworkEvents networkEvents;
    private long connectedAtNanos;
    /** Why the last non-blocking connect failed, until SO_ERROR reads it (NB-2); STATUS_SUCCESS when none. */
    private int connectError = NtStatus.STATUS_SUCCESS;
    /** The AcceptEx currently targeting this socket as its accept socket (ACC-1: at most one). */
    private SocketOperation pendingAcceptInto;
    /** Options set on the placeholder fd, re-applied when AcceptEx installs the accepted fd (ACC-1). */
    private final List<int[]> intOptions = new ArrayList<>();

    private final Direction receives = new Direction();
    private final Direction sends = new Direction();

    /** One direction's queue: only the head operation is in the kernel. */
    static final class Direction {
        final ArrayDeque<SocketOperation> waiting = new ArrayDeque<>();
        boolean active;
    }

    private SocketObject(int fd, int family, int type, int protocol, boolean overlapped) {
        this.fd = fd;
        this.family = family;
        this.type = type;
        this.protocol = protocol;
        this.overlapped = overlapped;
    }

    /**
     * Creates a socket with Linux family/type/protocol numbers. Returns the object, or null with the negative errno
     * in {@code errnoOut[0]}. The fd stays blocking: overlapped I/O goes through io_uring and non-blocking mode is
     * emulated (LNX-6).
     */
    public static SocketObject create(int family, int type, int protocol, boolean overlapped, int[] errnoOut) {
        int fd = Sockets.socket(family, type | Sockets.SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            errnoOut[0] = fd;
            return null;
        }
        return new SocketObject(fd, family, type, protocol, overlapped);
    }

    /**
     * Wraps a connection accept(2) returned, of the listener's kind; it inherits non-blocking mode (NB-2) and the
     * listener's event selection (NB-4).
     */
    public static SocketObject adoptAccepted(int fd, SocketObject listener) {
        SocketObject s = new SocketObject(fd, listener.family, listener.type, listener.protocol, true);
        s.markConnected();
        Event event;
        int selected;
        synchronized (listener) {
            s.nonBlocking = listener.nonBlocking;
            NetworkEvents ne = listener.networkEvents;
            event = ne == null ? null : ne.event();
            selected = ne == null ? 0 : ne.selected();
        }
        if (selected != 0) {
            s.selectNetworkEvents(event, selected);
        }
        return s;
    }

    @Override
    public boolean isOverlapped() {
        return overlapped;
    }

    public int family() {
        return family;
    }

    public int type() {
        return type;
    }

    public boolean isStream() {
        return type == Sockets.SOCK_STREAM;
    }

    /** The current fd; it changes only when AcceptEx or a socket reuse installs a new one. */
    public int fd() {
        return fd;
    }

    // ---- state ----

    synchronized State state() {
        return state;
    }

    synchronized void setState(State s) {
        state = s;
    }

    public synchronized boolean isConnected() {
        return state == State.CONNECTED;
    }

    public synchronized boolean isListening() {
        return state == State.LISTENING;
    }

    public synchronized boolean isBound() {
        return state != State.FRESH;
    }

    public synchronized boolean isNonBlocking() {
        return nonBlocking;
    }

    /** FIONBIO; false (nothing changed) when asked to block while network events are selected (NB-4). */
    public synchronized boolean setNonBlocking(boolean on) {
        if (!on && networkEvents != null && networkEvents.selected() != 0) {
            return false;
        }
        nonBlocking = on;
        return true;
    }

    // ---- network events (WSAEventSelect, NB-4) ----

    /**
     * Records the {@link NetworkEvents} FD_* bits of {@code mask} as they happen and sets {@code event} when one is
     * recorded; a mask of 0 ends the selection. The socket becomes non-blocking either way, as on Windows.
     */
    public synchronized void selectNetworkEvents(Event event, int mask) {
        nonBlocking = true;
        if (networkEvents == null) {
            if (mask == 0) {
                return;
            }
            networkEvents = new NetworkEvents(this);
        }
        networkEvents.select(event, mask);
    }

    /**
     * Returns the recorded events and clears them; {@code statusesOut} (at least {@link NetworkEvents#MAX_EVENTS}
     * long) gets an NTSTATUS per event bit. {@code reset}, when not null, is reset in the same step.
     */
    public synchronized int enumNetworkEvents(int[] statusesOut, Event reset) {
        if (reset != null) {
            reset.reset();
        }
        if (networkEvents == null) {
            java.util.Arrays.fill(statusesOut, 0, NetworkEvents.MAX_EVENTS, NtStatus.STATUS_SUCCESS);
            return 0;
        }
        return networkEvents.enumerate(statusesOut);
    }

    /** A re-enabling call (recv, a send that would block, accept) lets its events be recorded again. */
    public void reenableNetworkEvents(int bits) {
        if (networkEvents != null) {
            synchronized (this) {
                networkEvents.reenable(bits);
            }
        }
    }

    /**
     * A connect (connect in non-blocking mode, ConnectEx) ended with {@code status}. A failure puts the socket back
     * to bound and, for a non-blocking connect, is kept for SO_ERROR and select; then FD_CONNECT is recorded. All in
     * one step, so whoever sees the outcome sees all of it.
     */
    synchronized void connectFinished(int status, boolean background) {
        if (status != NtStatus.STATUS_SUCCESS) {
            if (state == State.CONNECTING) {
                state = State.BOUND;  // not CLOSED: a close aborted it
            }
            if (background) {
                connectError = status;
            }
        }
        if (networkEvents != null) {
            networkEvents.connectFinished(status);
        }
    }

    /** Records a successful bind(2). */
    public synchronized void markBound() {
        if (state == State.FRESH) {
            state = State.BOUND;
        }
    }

    public synchronized void markListening() {
        state = State.LISTENING;
    }

    public synchronized void markConnected() {
        state = State.CONNECTED;
        connectedAtNanos = System.nanoTime();
    }

    /** SO_CONNECT_TIME: whole seconds since the connection was made, or 0xFFFFFFFF when not connected (ACC-6). */
    public synchronized int secondsConnected() {
        return state == State.CONNECTED ? (int) ((System.nanoTime() - connectedAtNanos) / 1_000_000_000L) : -1;
    }

    /** Whether a ConnectEx is in progress or an AcceptEx targets this socket: connect() must refuse (CONX-1, ACC-2). */
    public synchronized boolean hasPendingConnectOrAccept() {
        return state == State.CONNECTING || pendingAcceptInto != null;
    }

    /**
     * A non-blocking connect(): starts it through the ring with no notification (CORE-7); the caller reports
     * WSAEWOULDBLOCK. The fd stays blocking (LNX-6).
     */
    public void connectInBackground(MemorySegment linuxSockaddr, int length) {
        new Connect().startInBackground(this, linuxSockaddr, length);
    }

    /** Whether a non-blocking connect failed and SO_ERROR has not reported it yet (select's except-set, NB-2). */
    public synchronized boolean hasConnectError() {
        return connectError != NtStatus.STATUS_SUCCESS;
    }

    /** SO_ERROR: the NTSTATUS a non-blocking connect failed with, once; then STATUS_SUCCESS (NB-2). */
    public synchronized int takeConnectError() {
        int e = connectError;
        connectError = NtStatus.STATUS_SUCCESS;
        return e;
    }

    /** Latches a reset seen by any operation: later receives and sends fail at once (SOCK-4). */
    synchronized void latchReset() {
        resetLatched = true;
    }

    synchronized boolean isResetLatched() {
        return resetLatched;
    }

    /** shutdown(2) succeeded: latch the directions it closed (SOCK-5). */
    public synchronized void latchShutdown(boolean receive, boolean send) {
        receiveShutdown |= receive;
        sendShutdown |= send;
    }

    /**
     * The NTSTATUS a new receive must fail with at once, or STATUS_SUCCESS when it may be issued (SOCK-4..6,
     * DGRAM-5, RET-6).
     */
    public synchronized int receiveRefusal() {
        if (resetLatched) {
            return NtStatus.STATUS_CONNECTION_RESET;
        }
        if (receiveShutdown) {
            return NtStatus.STATUS_PIPE_DISCONNECTED;
        }
        if (isStream() ? state != State.CONNECTED : state == State.FRESH) {
            return isStream() ? NtStatus.STATUS_INVALID_CONNECTION : NtStatus.STATUS_INVALID_PARAMETER;
        }
        return NtStatus.STATUS_SUCCESS;
    }

    /** As {@link #receiveRefusal} for sends; {@code addressed} sends (sendto on UDP) need no connection. */
    public synchronized int sendRefusal(boolean addressed) {
        if (resetLatched) {
            return NtStatus.STATUS_CONNECTION_RESET;
        }
        if (sendShutdown) {
            return NtStatus.STATUS_PIPE_DISCONNECTED;
        }
        if (isStream() ? state != State.CONNECTED : !addressed && state != State.CONNECTED) {
            return NtStatus.STATUS_INVALID_CONNECTION;
        }
        return NtStatus.STATUS_SUCCESS;
    }

    // ---- synchronous calls (no packets, CORE-7); they give the port slot back while blocked (GQCS-14) ----

    /** Synchronous calls in progress on this socket; guarded by this. */
    private int syncCalls;

    /**
     * Enters a synchronous call, which uses the fd itself: false (the call then fails with EBADF, WSAENOTSOCK) once
     * close has begun. While any is in progress the fd stays open, so its number cannot be reused under the call,
     * and a close shuts the socket down so that a call blocked in the kernel returns (it then fails with EINTR,
     * WSAEINTR, as a blocking Winsock call does when another thread closes its socket). The port slot is given
     * back meanwhile (GQCS-14).
     */
    boolean beginSyncCall() {
        synchronized (this) {
            if (!holdFd()) {
                return false;
            }
            syncCalls++;
        }
        io.iocp4j.PortBlocking.begin();
        return true;
    }

    /** Leaves a synchronous call whose result was {@code r}: -EINTR instead if the socket got closed and r <= 0. */
    long endSyncCall(long r) {
        io.iocp4j.PortBlocking.end();
        boolean closed;
        synchronized (this) {
            closed = isClosing();
            syncCalls--;
        }
        letGoOfFd();
        return closed && r <= 0 ? -Errno.EINTR : r;
    }

    /**
     * recv(2) for Winsock's recv: returns bytes or a negative errno; a reset is latched (SOCK-4). In non-blocking
     * mode (FIONBIO), or with MSG_DONTWAIT in {@code flags}, it never blocks: MSG_DONTWAIT, since the fd itself
     * stays blocking (LNX-6).
     */
    public long receiveNow(MemorySegment buffer, int length, int flags) {
        if (!beginSyncCall()) {
            return -Errno.EBADF;
        }
        long r = -Errno.EINTR;
        try {
            boolean dontWait = isNonBlocking() || (flags & Sockets.MSG_DONTWAIT) != 0;
            r = !dontWait && ParkedCall.needed()
                    ? receiveParked(buffer, length, flags)
                    : Sockets.recv(fd, buffer, length, flags | (dontWait ? Sockets.MSG_DONTWAIT : 0));
            if (r == -Errno.ECONNRESET && isStream()) {
                latchReset();
            }
            reenableNetworkEvents((flags & Sockets.MSG_OOB) != 0 ? NetworkEvents.FD_OOB : NetworkEvents.FD_READ);
        } finally {
            r = endSyncCall(r);
        }
        return r;
    }

    /**
     * A blocking receive on a virtual thread: takes what is there without blocking, else waits in the ring
     * ({@link ParkedCall}); MSG_WAITALL on a stream goes on until the buffer is full, the peer closes, or an error.
     */
    private long receiveParked(MemorySegment buffer, int length, int flags) {
        boolean all = (flags & Sockets.MSG_WAITALL) != 0 && isStream();
        int events = (flags & Sockets.MSG_OOB) != 0 ? PollMasks.POLLPRI : PollMasks.POLLIN;
        long done = 0;
        for (;;) {
            long r = Sockets.recv(fd, buffer.asSlice(done), length - done, flags | Sockets.MSG_DONTWAIT);
            if (r == -Errno.EAGAIN) {
                r = ParkedOp.awaitReady(this, events);
                if (r == 0) {
                    continue;
                }
            }
            if (r <= 0 || !all) {
                return done > 0 && r <= 0 ? done : done + r;
            }
            done += r;
            if (done == length) {
                return done;
            }
        }
    }

    /**
     * connect(2) for Winsock's blocking connect: 0 or a negative errno; on success the socket is connected. A virtual
     * thread connects through the ring and parks meanwhile ({@link ParkedCall}).
     */
    public int connectNow(MemorySegment linuxSockaddr, int length) {
        if (!beginSyncCall()) {
            return -Errno.EBADF;
        }
        long r = -Errno.EINTR;
        try {
            r = ParkedCall.needed()
                    ? ParkedOp.connect(this, linuxSockaddr, length)
                    : Sockets.connect(fd, linuxSockaddr, length);
        } finally {
            r = endSyncCall(r);  // connected, but closed meanwhile: EINTR all the same
        }
        if (r == 0) {
            markConnected();
        }
        return (int) r;
    }

    /**
     * accept4(2) for Winsock's accept on this listener: the new connection's fd, or a negative errno (-EAGAIN in
     * non-blocking mode when none waits: the fd itself stays blocking, LNX-6). Re-enables FD_ACCEPT whatever the
     * outcome (NB-4).
     */
    public int acceptNow(MemorySegment peer, MemorySegment peerLength) {
        if (!beginSyncCall()) {
            return -Errno.EBADF;
        }
        long r = -Errno.EINTR;
        try {
            if (isNonBlocking() && Sockets.poll(fd, Sockets.POLLIN, 0) <= 0) {
                r = -Errno.EAGAIN;
            } else {
                r = ParkedCall.needed()
                        ? ParkedOp.accept(this, peer, peerLength)
                        : Sockets.accept4(fd, peer, peerLength, Sockets.SOCK_CLOEXEC);
            }
            reenableNetworkEvents(NetworkEvents.FD_ACCEPT);
        } finally {
            r = endSyncCall(r);
        }
        return (int) r;
    }

    /**
     * send(2) for Winsock's send: a blocking stream send sends everything, as on Windows; returns bytes or a negative
     * errno. Always MSG_NOSIGNAL (LNX-13).
     */
    public long sendNow(MemorySegment buffer, int length, int flags) {
        if (!beginSyncCall()) {
            return -Errno.EBADF;
        }
        long r = -Errno.EINTR;
        try {
            r = sendAll(buffer, length, flags);
        } finally {
            r = endSyncCall(r);
        }
        return r;
    }

    private long sendAll(MemorySegment buffer, int length, int flags) {
        boolean dontWait = isNonBlocking();
        boolean parked = !dontWait && ParkedCall.needed();  // a virtual thread waits in the ring, not in send(2)
        int linuxFlags = flags | Sockets.MSG_NOSIGNAL | (dontWait || parked ? Sockets.MSG_DONTWAIT : 0);
        long done = 0;
        for (;;) {
            long r = Sockets.send(fd, buffer.asSlice(done), length - done, linuxFlags);
            if (r == -Errno.EAGAIN && parked) {
                r = ParkedOp.awaitReady(this, PollMasks.POLLOUT);
                if (r == 0) {
                    continue;  // writable now: send again
                }
            } else if (r == -Errno.EAGAIN) {
                reenableNetworkEvents(NetworkEvents.FD_WRITE);
            }
            if (r < 0) {
                if ((r == -Errno.ECONNRESET || r == -Errno.EPIPE) && isStream()) {
                    latchReset();
                }
                return done > 0 ? done : r;
            }
            done += r;
            if (done >= length || !isStream() || dontWait) {
                return done;
            }
        }
    }

    // ---- per-direction ordering (SOCK-2) ----

    /** Issues a receive or send: straight to the kernel if its direction is idle, else behind the others. */
    void enqueue(SocketOperation op, boolean receive) {
        if (receive) {
            reenableNetworkEvents(NetworkEvents.FD_READ);
        }
        Direction d = receive ? receives : sends;
        boolean startNow;
        synchronized (this) {
            startNow = !d.active;
            if (startNow) {
                d.active = true;
            } else {
                d.waiting.add(op);
            }
        }
        if (startNow) {
            engine().submit(op);
        }
    }

    /** Called by an operation when it is done: the next one of its direction may go to the kernel. */
    void directionDone(boolean receive) {
        Direction d = receive ? receives : sends;
        SocketOperation next;
        synchronized (this) {
            next = d.waiting.poll();
            if (next == null) {
                d.active = false;
            }
        }
        if (next != null) {
            engine().submit(next);
        }
    }

    // ---- AcceptEx support ----

    /**
     * Claims this fresh socket as the target of one AcceptEx; false if it is not fresh or already claimed (ACC-1).
     * The claim holds the fd: the accept runs on the listener, so a close of this socket alone would otherwise let
     * the fd number go while the accepted connection may still be installed into it (LNX-7).
     */
    synchronized boolean claimForAccept(SocketOperation op) {
        if (state != State.FRESH || pendingAcceptInto != null || !holdFd()) {
            return false;
        }
        pendingAcceptInto = op;
        return true;
    }

    /** Ends {@code op}'s claim, if it still holds it; idempotent. */
    void releaseAcceptClaim(SocketOperation op) {
        synchronized (this) {
            if (pendingAcceptInto != op) {
                return;
            }
            pendingAcceptInto = null;
        }
        letGoOfFd();
    }

    /** Whether an AcceptEx targets this socket as its accept socket. */
    public synchronized boolean hasPendingAccept() {
        return pendingAcceptInto != null;
    }

    /** Whether a ConnectEx or a non-blocking connect is in progress. */
    public synchronized boolean isConnecting() {
        return state == State.CONNECTING;
    }

    /**
     * Installs an accepted connection's fd as this socket's fd, keeping its number (dup3 over the placeholder) and
     * re-applying the options set on the placeholder. Returns 0 or a negative errno.
     */
    int installAccepted(int acceptedFd) {
        synchronized (this) {
            if (isClosing()) {
                Syscalls.close(acceptedFd);  // accepted just before the close's cancel came: it goes with the socket
                return -Errno.ECONNABORTED;  // ACC-10: ERROR_CONNECTION_ABORTED
            }
            int r = Sockets.dup3(acceptedFd, fd, Sockets.O_CLOEXEC);
            Syscalls.close(acceptedFd);
            if (r < 0) {
                return r;
            }
            for (int[] o : intOptions) {
                Sockets.setIntOption(fd, o[0], o[1], o[2]);
            }
            markConnected();
            if (networkEvents != null) {
                networkEvents.connectionReplaced();
            }
            return 0;
        }
    }

    /** Remembers an integer option so that AcceptEx can carry it to the accepted connection. */
    public synchronized void recordIntOption(int level, int name, int value) {
        intOptions.removeIf(o -> o[0] == level && o[1] == name);
        intOptions.add(new int[] {level, name, value});
    }

    /**
     * DisconnectEx(TF_REUSE_SOCKET): a fresh socket of the same kind under the same object, so the handle, its
     * association and key live on (DISC-3). Returns 0 or a negative errno.
     */
    public synchronized int renew() {
        int fresh = Sockets.socket(family, type | Sockets.SOCK_CLOEXEC, protocol);
        if (fresh < 0) {
            return fresh;
        }
        int r = Sockets.dup3(fresh, fd, Sockets.O_CLOEXEC);
        Syscalls.close(fresh);
        if (r < 0) {
            return r;
        }
        state = State.FRESH;
        resetLatched = receiveShutdown = sendShutdown = false;
        if (networkEvents != null) {
            networkEvents.connectionReplaced();
        }
        return 0;
    }

    // ---- close ----

    /**
     * Close with operations pending: connected stream operations end with STATUS_CONNECTION_ABORTED, others
     * (accepts, unconnected) with STATUS_CANCELLED (CAN-6, RECV-9, ACC-10). io_uring cancels poll-driven socket
     * operations (receives, sends, accepts) at once. The fd itself closes when the last operation is back (LNX-7),
     * so SO_LINGER{1,0} still resets the connection.
     */
    @Override
    protected void abortPendingOnClose() {
        boolean connectedStream;
        SocketOperation acceptInto;
        boolean shutDown;
        synchronized (this) {
            connectedStream = isStream() && state == State.CONNECTED;
            acceptInto = pendingAcceptInto;
            // Calls blocked in the kernel need waking (see beginSyncCall). A listener must stop listening now, as
            // the last handle's close makes it on Windows: its fd lives on until the aborted accepts are back (and,
            // at exit, until the kernel tears the ring down), and it would complete handshakes all that time.
            shutDown = syncCalls > 0 || state == State.LISTENING;
            state = State.CLOSED;
            if (networkEvents != null) {
                networkEvents.close();
            }
        }
        cancelPending(null, connectedStream ? NtStatus.STATUS_CONNECTION_ABORTED : NtStatus.STATUS_CANCELLED);
        IoObject acceptOn = acceptInto == null ? null : acceptInto.target();
        if (acceptOn != null) {  // null, or a listener it is not pending on, while AcceptEx is still issuing it
            acceptOn.cancelPending(acceptInto.overlapped(), NtStatus.STATUS_CANCELLED);
        }
        if (shutDown) {
            // After the cancels: the accepts it wakes fail with EINVAL, which then reads as their cancel status.
            Sockets.shutdown(fd, Sockets.SHUT_RDWR);
        }
    }

    @Override
    protected void release() {
        Syscalls.close(fd);
    }

    /** The NTSTATUS for a failed socket call or CQE, latching a reset (SOCK-4). */
    int statusOf(int errno) {
        int status = ErrnoMapping.toStatus(errno);
        if (status == NtStatus.STATUS_CONNECTION_RESET && isStream()) {
            latchReset();
        }
        if (errno == Errno.ECONNREFUSED && !isStream()) {
            return NtStatus.STATUS_PORT_UNREACHABLE;
        }
        return status;
    }

    /** Native scratch memory for an operation's iovecs and addresses; one per operation object, reused. */
    static MemorySegment scratch(long bytes) {
        return Arena.ofAuto().allocate(bytes, 16);
    }
}
