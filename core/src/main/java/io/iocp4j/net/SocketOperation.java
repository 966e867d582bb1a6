package io.iocp4j.net;

import io.iocp4j.OverlappedOperation;

/**
 * An overlapped socket operation. Receives and sends travel through their socket's direction queue (SOCK-2):
 * completing one lets the next of the same direction reach the kernel, after this one's packet is queued.
 */
public abstract class SocketOperation extends OverlappedOperation {
    SocketObject socket;
    /** Which direction queue the operation went through, or neither (accept, connect). */
    private int direction;
    private static final int NONE = 0;
    private static final int RECEIVE = 1;
    private static final int SEND = 2;

    /** Issues through the receive or send queue of {@code s}. */
    final void issueOrdered(SocketObject s, boolean receive) {
        socket = s;
        direction = receive ? RECEIVE : SEND;
        if (issueQueued(s)) {
            s.enqueue(this, receive);
        }
    }

    /** Issues straight to the engine, outside the direction queues. */
    final void issueDirect(SocketObject target) {
        socket = target;
        direction = NONE;
        issue(target);
    }

    /** Delivers, then lets the next operation of the same direction go. */
    protected final void complete(int status, long bytes) {
        int d = direction;
        SocketObject s = socket;
        finish(status, bytes);
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

    @Override
    protected void abort(int status) {
        complete(status, 0);
    }
}
