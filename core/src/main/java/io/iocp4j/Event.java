package io.iocp4j;

import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;

/**
 * An event object, manual- or auto-reset (EVT rules). Overlapped operations set it at completion (OVL-4).
 * Thread-safe; waits park in Java, so virtual threads unmount, and give the thread's port slot back (GQCS-14).
 *
 * <p>An auto-reset event hands a signal straight to one waiter, which consumes it, as Windows does: a set with a
 * waiter present leaves the event non-signalled.
 */
public final class Event implements Signal {
    /** Results of {@link #await}. */
    public static final int SIGNALED = 0, TIMEOUT = 1, ALERTED = 2;

    private final boolean manualReset;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private boolean signaled;

    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        volatile boolean satisfied;
    }

    public Event(boolean manualReset, boolean initialState) {
        this.manualReset = manualReset;
        this.signaled = initialState;
    }

    public boolean isManualReset() {
        return manualReset;
    }

    @Override
    public void set() {
        synchronized (this) {
            if (manualReset) {
                signaled = true;
                for (Waiter w; (w = waiters.poll()) != null; ) {
                    release(w);
                }
                return;
            }
            Waiter w = waiters.poll();
            if (w == null) {
                signaled = true;
            } else {
                release(w);
            }
        }
    }

    public synchronized void reset() {
        signaled = false;
    }

    public synchronized boolean isSet() {
        return signaled;
    }

    /**
     * Waits until the event is signalled (consuming it if auto-reset), the deadline passes, or, when alertable,
     * APCs are queued to the thread (they are then run and ALERTED is returned, WAIT_IO_COMPLETION in Win32).
     */
    public int await(long deadlineNanos, boolean alertable) {
        Waiter w;
        synchronized (this) {
            if (signaled) {
                signaled = manualReset;
                return SIGNALED;
            }
            if (alertable && Apcs.hasPending()) {
                w = null;
            } else if (deadlineNanos - System.nanoTime() <= 0) {
                return TIMEOUT;
            } else {
                w = new Waiter();
                waiters.add(w);
            }
        }
        if (w == null) {
            Apcs.runPending();
            return ALERTED;
        }
        PortBlocking.begin();
        try {
            while (!w.satisfied) {
                boolean apc = alertable && Apcs.hasPending();
                if (apc || deadlineNanos - System.nanoTime() <= 0) {
                    synchronized (this) {
                        if (w.satisfied) {
                            return SIGNALED;
                        }
                        waiters.remove(w);
                    }
                    if (apc) {
                        Apcs.runPending();
                        return ALERTED;
                    }
                    return TIMEOUT;
                }
                if (alertable) {
                    Apcs.parkAlertable(deadlineNanos);
                } else {
                    LockSupport.parkNanos(this, deadlineNanos - System.nanoTime());
                }
            }
            return SIGNALED;
        } finally {
            PortBlocking.end();
        }
    }

    private static void release(Waiter w) {
        w.satisfied = true;
        LockSupport.unpark(w.thread);
    }
}
