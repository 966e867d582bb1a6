package io.iocp4j.net;

import io.iocp4j.IoStatusBlock;
import io.iocp4j.NtStatus;
import io.iocp4j.Parking;
import io.iocp4j.Signal;
import io.iocp4j.engine.IoEngine;

import java.util.concurrent.locks.LockSupport;

/**
 * A blocking Winsock call made on a virtual thread: the call issues a ring operation for the wait and parks until
 * its one completion, so the carrier runs other virtual threads meanwhile (issue 4: blocking waits never pin a
 * carrier). The operation publishes here and sets this as its event, which unparks the caller; no packet, no event
 * of the program's, no APC (CORE-7). A platform thread blocks in the system call itself, which is cheaper.
 */
final class ParkedCall implements IoStatusBlock, Signal {
    private final Thread caller = Thread.currentThread();
    private volatile int status = NtStatus.STATUS_PENDING;
    private long bytes;
    /** The kernel's errno when the operation failed in the kernel; published by the status write. */
    private int errno;

    /**
     * Whether the calling thread should wait this way: a virtual thread, when io_uring is usable (where it is not,
     * say under a seccomp policy, the call blocks in the kernel as before rather than failing).
     */
    static boolean needed() {
        return Thread.currentThread().isVirtual() && IoEngine.isAvailable();
    }

    @Override
    public void markPending() {
        status = NtStatus.STATUS_PENDING;
    }

    @Override
    public void publish(int status, long bytes) {
        this.bytes = bytes;
        this.status = status;
    }

    void failedWith(int errno) {
        this.errno = errno;
    }

    /** The byte count (an accept's new fd); read after {@link #await}. */
    long bytes() {
        return bytes;
    }

    int errno() {
        return errno;
    }

    @Override
    public void set() {
        LockSupport.unpark(caller);
    }

    boolean isDone() {
        return status != NtStatus.STATUS_PENDING;
    }

    /** The operation's NTSTATUS, once it has completed (an interrupt does not end the wait, as in Win32). */
    int await() {
        boolean interrupted = false;
        while (!isDone()) {
            interrupted |= Parking.park(this, Long.MAX_VALUE);
        }
        Parking.reassert(interrupted);
        return status;
    }
}
