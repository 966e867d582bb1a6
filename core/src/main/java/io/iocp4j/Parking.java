package io.iocp4j;

import java.util.concurrent.locks.LockSupport;

/**
 * How the library's waits park. A Win32 wait knows nothing of Java interrupts, and LockSupport returns at once
 * while the thread's interrupt status is set: a wait that simply parked again would spin on its CPU until the
 * deadline. So a wait takes the status while it parks and gives it back when it returns, as
 * {@code Condition.awaitUninterruptibly} does; the Java layer's interruptible waits look at the status themselves.
 */
public final class Parking {
    private Parking() {
    }

    /**
     * Parks for up to {@code nanos} (or until unparked); returns whether the thread was interrupted, with the status
     * cleared so that the next park blocks again. Give it back with {@link #reassert} when the wait returns.
     */
    public static boolean park(Object blocker, long nanos) {
        LockSupport.parkNanos(blocker, nanos);
        return Thread.interrupted();
    }

    /** Sets the interrupt status again if a {@link #park} took it. */
    public static void reassert(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
