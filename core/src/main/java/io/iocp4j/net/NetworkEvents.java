package io.iocp4j.net;

import io.iocp4j.ErrnoMapping;
import io.iocp4j.Event;
import io.iocp4j.NtStatus;
import io.iocp4j.engine.Operation;
import io.iocp4j.linux.Errno;
import io.iocp4j.linux.Sockets;
import io.iocp4j.uring.Sqe;
import io.iocp4j.uring.SubmissionQueue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * WSAEventSelect's record for one socket (NB-4). Three sets of FD_* bits: the selected ones, the recorded ones not yet
 * enumerated, and the reported ones, which stay out of the poll until their re-enabling call (a receive for FD_READ,
 * a send that would block for FD_WRITE, accept for FD_ACCEPT): data that keeps arriving records FD_READ once, not
 * once per segment. Readiness comes from io_uring polls on the engine, internal requests that never become packets.
 *
 * <p>Polls are one-shot, re-armed with what is still wanted. io_uring always reports a peer's FIN (POLLRDHUP) and
 * it stays true, so once seen a one-shot poll would fire again at once, forever: from then on the poll is
 * multishot, which reports wake-ups, not states.
 *
 * <p>Guarded by the socket's monitor; the poll's CQE arrives on the ring driver thread.
 */
public final class NetworkEvents {
    public static final int FD_READ = 0x01;
    public static final int FD_WRITE = 0x02;
    public static final int FD_OOB = 0x04;
    public static final int FD_ACCEPT = 0x08;
    public static final int FD_CONNECT = 0x10;
    public static final int FD_CLOSE = 0x20;
    /** Length of WSANETWORKEVENTS.iErrorCode: one status per event bit. */
    public static final int MAX_EVENTS = 10;

    private final SocketObject socket;
    /** One byte to peek into: tells data from a FIN from a reset, as the poll result cannot. */
    private final MemorySegment peekByte = Arena.ofAuto().allocate(1);
    private final int[] statuses = new int[MAX_EVENTS];
    private Event event;
    private int selected;
    private int recorded;
    private int reported;
    /** The peer's FIN was seen: polls are multishot from now on. */
    private boolean finSeen;
    /** The receiving side ended (FIN read or reset): FD_READ and FD_CLOSE can no longer happen. */
    private boolean inputEnded;
    /** Reset or hung up: nothing more can happen, and every poll would fire at once. */
    private boolean broken;
    private boolean closed;
    /** Counts connections under this socket object: a poll of an earlier one reports nothing about the current one. */
    private int connection;
    private Poll poll;

    NetworkEvents(SocketObject socket) {
        this.socket = socket;
    }

    int selected() {
        return selected;
    }

    Event event() {
        return event;
    }

    /** WSAEventSelect: a new event and mask; what is recorded and not yet enumerated signals the new event at once. */
    void select(Event e, int mask) {
        event = e;
        selected = mask;
        if (e != null && (recorded & mask) != 0) {
            e.set();
        }
        rearm();
    }

    /** WSAEnumNetworkEvents: the recorded events with a status per bit (0 for those not reported), then clears them. */
    int enumerate(int[] statusesOut) {
        int bits = recorded & selected;
        for (int i = 0; i < MAX_EVENTS; i++) {
            statusesOut[i] = (bits & (1 << i)) != 0 ? statuses[i] : NtStatus.STATUS_SUCCESS;
        }
        recorded = 0;
        return bits;
    }

    /** A re-enabling call was made: the events may be recorded again, now if their condition still holds. */
    void reenable(int bits) {
        if ((reported & bits) != 0) {
            reported &= ~bits;
            rearm();
        }
    }

    /** A connect finished (NB-2, FD_CONNECT); on success the connected socket's events start being watched. */
    void connectFinished(int status) {
        record(FD_CONNECT, status);
        rearm();
    }

    /** The socket got a new connection under the same object (AcceptEx, DisconnectEx reuse): start over. */
    void connectionReplaced() {
        finSeen = inputEnded = broken = false;
        reported = 0;
        connection++;
        cancelPoll();
        rearm();
    }

    void close() {
        closed = true;
        cancelPoll();
    }

    // ---- recording ----

    private void record(int bit, int status) {
        if ((selected & bit) == 0 || (reported & bit) != 0) {
            return;
        }
        reported |= bit;
        recorded |= bit;
        statuses[Integer.numberOfTrailingZeros(bit)] = status;
        if (event != null) {
            event.set();
        }
    }

    /** Turns a poll result into events; called on the driver thread under the socket's monitor. */
    private void interpret(int revents) {
        if (socket.isListening()) {
            if ((revents & (Sockets.POLLIN | Sockets.POLLERR | Sockets.POLLHUP)) != 0) {
                record(FD_ACCEPT, NtStatus.STATUS_SUCCESS);
            }
            return;
        }
        if (socket.isStream() && !socket.isConnected()) {
            return;
        }
        if ((revents & Sockets.POLLOUT) != 0) {
            record(FD_WRITE, NtStatus.STATUS_SUCCESS);
        }
        if ((revents & Sockets.POLLPRI) != 0) {
            record(FD_OOB, NtStatus.STATUS_SUCCESS);
        }
        if (!socket.isStream()) {
            if ((revents & Sockets.POLLIN) != 0) {
                record(FD_READ, NtStatus.STATUS_SUCCESS);
            }
            return;
        }
        finSeen |= (revents & (Sockets.POLLRDHUP | Sockets.POLLHUP)) != 0;
        if ((revents & (Sockets.POLLIN | Sockets.POLLRDHUP | Sockets.POLLERR | Sockets.POLLHUP)) != 0 && !inputEnded) {
            inspectInput();
        }
        if ((revents & (Sockets.POLLERR | Sockets.POLLHUP)) != 0 && !broken) {
            broken = true;
            inputEnded = true;
            int error = Sockets.getIntOption(socket.fd(), Sockets.SOL_SOCKET, Sockets.SO_ERROR);
            record(FD_CLOSE, error > 0 ? closeStatus(error) : NtStatus.STATUS_SUCCESS);
        }
    }

    /** Data, FIN or reset: a peek tells which (FD_READ, FD_CLOSE with 0, FD_CLOSE with WSAECONNRESET). */
    private void inspectInput() {
        long n = Sockets.recv(socket.fd(), peekByte, 1, Sockets.MSG_PEEK | Sockets.MSG_DONTWAIT);
        if (n > 0) {
            record(FD_READ, NtStatus.STATUS_SUCCESS);
        } else if (n == 0) {
            inputEnded = true;
            record(FD_CLOSE, socket.isResetLatched() ? NtStatus.STATUS_CONNECTION_RESET : NtStatus.STATUS_SUCCESS);
        } else if (n != -Errno.EAGAIN) {  // EAGAIN: a receive took the data first
            inputEnded = broken = true;
            record(FD_CLOSE, closeStatus((int) -n));
        }
    }

    private int closeStatus(int errno) {
        int status = socket.statusOf(errno);
        return status == NtStatus.STATUS_CONNECTION_RESET ? status : NtStatus.STATUS_CONNECTION_ABORTED;
    }

    // ---- polling ----

    /** The poll(2) events still wanted, or 0 when there is nothing to wait for. */
    private int wanted() {
        int want = selected & ~reported;
        if (closed || broken || want == 0) {
            return 0;
        }
        if (socket.isListening()) {
            return (want & FD_ACCEPT) != 0 ? Sockets.POLLIN : 0;
        }
        if (socket.isStream() && !socket.isConnected()) {
            return 0;  // Linux reports a never-connected stream socket as POLLOUT | POLLHUP
        }
        int events = 0;
        if ((want & FD_WRITE) != 0) {
            events |= Sockets.POLLOUT;
        }
        if (!inputEnded) {
            if ((want & FD_READ) != 0) {
                events |= Sockets.POLLIN;
            }
            if ((want & FD_OOB) != 0) {
                events |= Sockets.POLLPRI;
            }
            if ((want & FD_CLOSE) != 0 && socket.isStream()) {
                events |= Sockets.POLLRDHUP;  // a FIN or a reset; FD_CLOSE waits until the data before a FIN is read
            }
        }
        return events;
    }

    /** Makes the poll in the kernel cover what is wanted: a new one, or a cancel whose CQE re-arms. */
    private void rearm() {
        int events = wanted();
        if (poll != null) {
            if (events == 0 || events != poll.events && (poll.multishot || (events & ~poll.events) != 0)) {
                poll.cancel();  // its last CQE re-arms; a multishot poll is narrowed so it stops reporting noise
            }
            return;
        }
        if (events == 0) {
            return;
        }
        if (!socket.holdFd()) {  // until the poll's last CQE: a close must not free the fd number the SQE names
            return;  // closing: nothing to watch any more
        }
        poll = new Poll(events, finSeen);
        socket.engine().submit(poll);
    }

    private void cancelPoll() {
        if (poll != null) {
            poll.cancel();
        }
    }

    private void polled(Poll p, int res, boolean last) {
        if (last) {
            socket.letGoOfFd();
            if (poll == p) {
                poll = null;
            }
        }
        if (closed) {
            return;
        }
        if (res > 0 && p.connection == connection) {
            interpret(res);
        }
        rearm();
    }

    /** One poll request; internal to the engine, never a packet. */
    private final class Poll extends Operation {
        final int events;
        final boolean multishot;
        final int connection = NetworkEvents.this.connection;
        private boolean cancelRequested;

        Poll(int events, boolean multishot) {
            this.events = events;
            this.multishot = multishot;
        }

        void cancel() {
            if (!cancelRequested) {
                cancelRequested = true;
                socket.engine().cancel(this, NtStatus.STATUS_CANCELLED);
            }
        }

        @Override
        protected boolean prepare(SubmissionQueue sq, long userData) {
            if (multishot) {
                Sqe.prepPollMultishot(sq.sqes(), sq.next(), socket.fd(), events, userData);
            } else {
                Sqe.prepPollAdd(sq.sqes(), sq.next(), socket.fd(), events, userData);
            }
            return true;
        }

        @Override
        protected boolean onCqe(int res, int flags) {
            boolean last = (flags & io.iocp4j.uring.Flags.IORING_CQE_F_MORE) == 0;
            synchronized (socket) {
                polled(this, res, last);
            }
            return true;
        }

        @Override
        protected void abort(int status) {
            synchronized (socket) {
                polled(this, -Errno.ECANCELED, true);
            }
        }
    }
}
