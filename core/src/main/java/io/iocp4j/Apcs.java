package io.iocp4j;

import java.util.concurrent.locks.LockSupport;

/**
 * User APCs (QueueUserAPC, completion routines): a FIFO per thread, run only inside that thread's alertable waits
 * (LNX-17). Thread-safe.
 */
public final class Apcs {
    private Apcs() {
    }

    /** Queues {@code apc} to {@code target} and wakes it if it sits in a wait, so an alertable wait can run it. */
    public static void queue(Thread target, Runnable apc) {
        PortThread.of(target).apcs.add(apc);
        LockSupport.unpark(target);
    }

    /** Takes back an APC queued to {@code target} that has not run yet; true if it was still queued. */
    public static boolean withdraw(Thread target, Runnable apc) {
        return PortThread.of(target).apcs.remove(apc);
    }

    /** Whether the current thread has APCs queued. */
    public static boolean hasPending() {
        return !PortThread.current().apcs.isEmpty();
    }

    /** Runs the current thread's APCs in FIFO order, including any they queue; returns how many ran. */
    public static int runPending() {
        PortThread t = PortThread.current();
        int n = 0;
        for (Runnable r; (r = t.apcs.poll()) != null; ) {
            r.run();
            n++;
        }
        return n;
    }

    /**
     * Parks the current thread until the deadline (System.nanoTime), an unpark, or an APC arrives; returns whether
     * it was interrupted meanwhile (see {@link Parking#park}: the caller gives the status back when its wait ends).
     */
    public static boolean parkAlertable(long deadlineNanos) {
        if (hasPending()) {
            return false;
        }
        long left = deadlineNanos - System.nanoTime();
        return left > 0 && Parking.park(Apcs.class, left);
    }
}
