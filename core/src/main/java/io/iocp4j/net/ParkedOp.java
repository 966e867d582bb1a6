package io.iocp4j.net;

import io.iocp4j.NtStatus;
import io.iocp4j.linux.Errno;
import io.iocp4j.linux.Sockets;
import io.iocp4j.uring.Sqe;
import io.iocp4j.uring.SubmissionQueue;

import java.lang.foreign.MemorySegment;

/**
 * The ring operation behind a blocking call on a virtual thread ({@link ParkedCall}): a one-shot poll for
 * readiness, an accept, or a connect. Listed as pending on its socket like any operation: a close from another
 * thread cancels it (the blocked call then fails with EINTR, as a Winsock blocking call does when its socket is
 * closed), and the fd is not released, so not reused, while the ring names it.
 */
final class ParkedOp extends SocketOperation {
    private static final int POLL = 0;
    private static final int ACCEPT = 1;
    private static final int CONNECT = 2;

    private final ParkedCall call = new ParkedCall();
    private final int kind;
    /** POLL: the PollMasks to wait for; CONNECT: the address length. */
    private final int value;
    /** ACCEPT: where the peer's address goes; CONNECT: the address (the caller's memory, valid while it waits). */
    private final MemorySegment address;
    /** ACCEPT: its length, in and out. */
    private final MemorySegment addressLength;

    private ParkedOp(int kind, int value, MemorySegment address, MemorySegment addressLength) {
        this.kind = kind;
        this.value = value;
        this.address = address;
        this.addressLength = addressLength;
        notifyTo(call, null, call, true, null);
    }

    /** Starts polling {@code s} for {@code events} (PollMasks) on behalf of the calling virtual thread. */
    static ParkedOp poll(SocketObject s, int events) {
        ParkedOp op = new ParkedOp(POLL, events, null, null);
        op.issueDirect(s);
        return op;
    }

    /** Blocks the calling virtual thread until {@code s} is ready for {@code events}: 0, or -EINTR (closed). */
    static int awaitReady(SocketObject s, int events) {
        return poll(s, events).call.await() == NtStatus.STATUS_SUCCESS ? 0 : -Errno.EINTR;
    }

    /** accept4(2) through the ring: the new fd, or -errno (-EINTR: the listener was closed meanwhile). */
    static int accept(SocketObject listener, MemorySegment peer, MemorySegment peerLength) {
        return new ParkedOp(ACCEPT, 0, peer, peerLength).run(listener);
    }

    /** connect(2) through the ring: 0, or -errno (-EINTR: the socket was closed meanwhile). */
    static int connect(SocketObject s, MemorySegment linuxSockaddr, int length) {
        return new ParkedOp(CONNECT, length, linuxSockaddr, null).run(s);
    }

    private int run(SocketObject s) {
        issueDirect(s);
        int status = call.await();
        if (status == NtStatus.STATUS_SUCCESS) {
            return (int) call.bytes();
        }
        return call.errno() != 0 ? -call.errno() : -Errno.EINTR;  // no errno: ended by a close
    }

    ParkedCall call() {
        return call;
    }

    /** Stops the operation if the kernel still holds it; it completes (once) either way. */
    void cancel() {
        socket.engine().cancel(this, NtStatus.STATUS_CANCELLED);
    }

    @Override
    protected boolean prepare(SubmissionQueue sq, long userData) {
        switch (kind) {
            case POLL -> Sqe.prepPollAdd(sq.sqes(), sq.next(), socket.fd(), value, userData);
            case ACCEPT -> Sqe.prepAccept(sq.sqes(), sq.next(), socket.fd(), address.address(),
                    addressLength.address(), Sockets.SOCK_CLOEXEC, userData);
            default -> Sqe.prepConnect(sq.sqes(), sq.next(), socket.fd(), address.address(), value, userData);
        }
        return true;
    }

    @Override
    protected boolean onCqe(int res, int flags) {
        if (res < 0) {
            call.failedWith(cancelStatus() != 0 ? Errno.EINTR : -res);
            complete(failureStatus(-res), 0);
        } else {
            complete(NtStatus.STATUS_SUCCESS, kind == ACCEPT ? res : 0);
        }
        return true;
    }
}
