package io.iocp4j.engine;

import io.iocp4j.uring.CompletionQueue;

/**
 * The driver's short watch for work before it blocks in io_uring_enter. A thread that keeps a few reads in flight
 * issues its next read microseconds after taking a completion; a driver already asleep must then be woken through
 * its eventfd (a system call for the issuer, a context switch for the driver) for every such read. Watching the
 * submit queue for up to ~20 us first lets those reads in with no wake-up at all: issuers see the driver running
 * and skip the eventfd. The driver watches only when it has no I/O in the kernel (see IoEngine.mayPark).
 *
 * <p>Adaptive, like the port's spin: after a watch that saw nothing, the driver blocks at once and watches again
 * only before one block in 16, so a driver whose issuers have paused burns almost nothing. A
 * process limited to one CPU never spins: the thread it waits for could not run meanwhile.
 * {@code -Diocp4j.engine.spins=N} sets the watch length in spin-wait hints (0: off).
 */
final class IdleSpin {
    private static final int SPINS = Integer.getInteger("iocp4j.engine.spins",
            Runtime.getRuntime().availableProcessors() > 1 ? 1024 : 0);

    private final int spins;
    private boolean paidOff = true;
    /** xorshift state: retries come at random, see {@link #retryNow}. */
    private int seed = 0x9E3779B9;

    IdleSpin() {
        this(SPINS);
    }

    /** A watch of {@code spins} spin-wait hints (0: never watch). */
    IdleSpin(int spins) {
        this.spins = spins;
    }

    /** Whether work arrived while watching (a submission, or a CQE): then the driver need not block. */
    boolean workArrived(SubmitQueue queue, CompletionQueue cq) {
        if (spins == 0 || !paidOff && !retryNow()) {
            return false;
        }
        for (int i = 0; i < spins; i++) {
            if (!queue.isEmpty() || cq.ready() > 0) {
                paidOff = true;
                return true;
            }
            Thread.onSpinWait();
        }
        paidOff = false;
        return false;
    }

    /**
     * One time in 16, at random rather than every 16th: an issuer at queue depth 1 also spins every 16th wait, and
     * two fixed counters stepping once per read in lockstep could stay out of phase for ever, each side missing
     * because the other one parked. At random, both spin together within a few hundred reads and then stay.
     */
    private boolean retryNow() {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        return (seed & 15) == 0;
    }
}
