package io.iocp4j.net;

import io.iocp4j.NtStatus;
import io.iocp4j.OverlappedOperation;

/**
 * An overlapped socket operation. Receives and sends travel through their socket's direction queue (SOCK-2):
 * completing one lets the next of the same direction reach the kernel, after this one's packet is queued.
 *
 * <p>A receive or send that finds its direction idle is first tried on the calling thread without waiting, as
 * Windows completes a transfer the socket's buffers can take at once (RET-7): it then returns its byte count, and
 * its event, packet (none in skip mode, SKIP-1) or completion routine follow as for any immediate success (RET-5).
 * What cannot go at once goes through the ring as before. {@code -Diocp4j.socket.transfersInline=false} sends
 * every transfer through the ring.
 */
public abstract class SocketOperation extends OverlappedOperation {
    static final boolean TRANSFERS_INLINE =
            Boolean.parseBoolean(System.getProperty("iocp4j.socket.transfersInline", "true"));
    /** {@link #attemptAtOnce}: not done, the ring must do (the rest of) it. */
    static final long NOT_DONE = -1;
    /** {@link #attemptAtOnce}: failed, and delivered as a pending operation that failed (a packet, never RET-6). */
    static final long FAILED = -2;

    SocketObject socket;
    /** Which direction queue the operation went through, or neither (accept, connect). */
    private int direction;
    private static final int NONE = 0;
    private static final int RECEIVE = 1;
    private static final int SEND = 2;

    /**
     * Issues through the receive or send queue of {@code s}. Returns the byte count if the operation completed
     * at once (its result delivered all the same), or -1 if it is pending.
     */
    final long issueOrdered(SocketObject s, boolean receive) {
        socket = s;
        direction = receive ? RECEIVE : SEND;
        return issueQueued(s) ? s.enqueue(this, receive) : -1;
    }

    /**
     * With the direction claimed for this operation: tries it on the calling thread without waiting (MSG_DONTWAIT:
     * the fd itself stays blocking, LNX-6). Returns the byte count when it completed (delivered as an immediate
     * success), {@link #NOT_DONE} when the ring must go on, or {@link #FAILED} when it was delivered as failed.
     * An operation that a close or a cancel already asked to stop goes to the ring, which ends it as asked.
     */
    final long tryAtOnce() {
        return TRANSFERS_INLINE && cancelStatus() == 0 ? attemptAtOnce() : NOT_DONE;
    }

    /** The kind's attempt without waiting; see {@link #tryAtOnce}. */
    long attemptAtOnce() {
        return NOT_DONE;
    }

    /** Issues straight to the engine, outside the direction queues. */
    final void issueDirect(SocketObject target) {
        socket = target;
        direction = NONE;
        issue(target);
    }

    /** Delivers, then lets the next operation of the same direction go. */
    protected final void complete(int status, long bytes) {
        complete(status, bytes, false);
    }

    /** As {@link #complete(int, long)} for a success inside the issuing call (no packet in skip mode, SKIP-1). */
    final void completeAtOnce(long bytes) {
        complete(NtStatus.STATUS_SUCCESS, bytes, true);
    }

    private void complete(int status, long bytes, boolean atOnce) {
        int d = direction;
        SocketObject s = socket;
        beforeDelivery();
        if (atOnce) {
            finishAtOnce(status, bytes);
        } else {
            finish(status, bytes);
        }
        if (d != NONE) {
            s.directionDone(d == RECEIVE);
        }
    }

    /**
     * The status for a failed CQE. Once a cancellation was requested, the operation reports that cancellation's
     * status whatever the kernel's error (ECANCELED, or the EINVAL of an accept on a listener being closed): CAN-6.
     */
    final int failureStatus(int errno) {
        return cancelStatus() != 0 ? cancelStatus() : socket.statusOf(errno);
    }

    /** Drops references the operation no longer needs, before the caller may see it done. */
    void beforeDelivery() {
    }

    @Override
    protected void abort(int status) {
        complete(status, 0);
    }
}
