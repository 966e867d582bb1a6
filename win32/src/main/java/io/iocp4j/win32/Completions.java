package io.iocp4j.win32;

import io.iocp4j.Apcs;
import io.iocp4j.CompletionPort;
import io.iocp4j.NtStatus;
import io.iocp4j.OverlappedOperation;
import io.iocp4j.Parking;
import io.iocp4j.PortBlocking;

import static io.iocp4j.win32.WinError.*;

/** Waiting for completion state that has no waiter list of its own: an OVERLAPPED's status, a port's queue. */
final class Completions {
    private static final long MAX_BACKOFF_NANOS = 1_000_000L;
    /** A watched wait is woken by the delivery; the timeout only bounds an unforeseen miss. */
    private static final long WATCHED_PAUSE_NANOS = 1_000_000_000L;

    private Completions() {
    }

    /**
     * Until {@code Internal} leaves STATUS_PENDING (GOR-1: the wait ends when the operation completes). The thread
     * sleeps until the operation's delivery unparks it; it backs off from microseconds to 1 ms between looks only
     * where it cannot be woken: another thread already watches the operation, or the OVERLAPPED was reused while in
     * flight (OVL-7) and the operation completing into it is not the one it names.
     */
    static void awaitDone(OVERLAPPED ov) {
        OverlappedOperation op = ov.operation;
        boolean watched = op != null && op.watchResult();
        boolean interrupted = false;
        PortBlocking.begin();
        try {
            for (long pause = 1_000; ov.Internal == NtStatus.STATUS_PENDING; pause = Math.min(pause * 2, MAX_BACKOFF_NANOS)) {
                interrupted |= Parking.park(Completions.class, watched && op == ov.operation ? WATCHED_PAUSE_NANOS : pause);
            }
        } finally {
            if (watched) {
                op.unwatchResult();
            }
            PortBlocking.end();
            Parking.reassert(interrupted);
        }
    }

    /** WaitForSingleObject on a port: WAIT_OBJECT_0 while a packet is queued, without dequeuing it (CICP-12). */
    static int awaitQueued(CompletionPort port, long deadline, boolean alertable) {
        boolean interrupted = false;
        PortBlocking.begin();
        try {
            for (long pause = 1_000; ; pause = Math.min(pause * 2, MAX_BACKOFF_NANOS)) {
                if (port.queuedCount() > 0) {
                    return WAIT_OBJECT_0;
                }
                if (alertable && Apcs.hasPending()) {
                    Apcs.runPending();
                    return WAIT_IO_COMPLETION;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return WAIT_TIMEOUT;
                }
                interrupted |= Parking.park(Completions.class, Math.min(pause, left));
            }
        } finally {
            PortBlocking.end();
            Parking.reassert(interrupted);
        }
    }
}
