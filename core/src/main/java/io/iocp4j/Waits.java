package io.iocp4j;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Waiting on several events at once (EVT-3, EVT-4): any (the lowest signalled index wins, only it is taken) or all
 * (taken atomically, with every event's lock held in id order). The thread's port slot is given back while it
 * blocks (GQCS-14); an alertable wait runs the thread's APCs and returns ALERTED; a signalled object wins over
 * queued APCs (EVT-3). Parks in Java, so virtual threads unmount.
 */
public final class Waits {
    public static final int TIMEOUT = -1;
    public static final int ALERTED = -2;

    private Waits() {
    }

    /** The index of the event taken, TIMEOUT or ALERTED. */
    public static int waitAny(Event[] events, long deadlineNanos, boolean alertable) {
        return await(events, false, deadlineNanos, alertable);
    }

    /** 0 when all were taken together, TIMEOUT or ALERTED. */
    public static int waitAll(Event[] events, long deadlineNanos, boolean alertable) {
        return await(events, true, deadlineNanos, alertable);
    }

    private static int await(Event[] events, boolean all, long deadline, boolean alertable) {
        Event[] ordered = all ? sortedById(events) : null;
        int r = attempt(events, ordered);
        if (r >= 0) {
            return r;
        }
        if (alertable && Apcs.hasPending()) {
            Apcs.runPending();
            return ALERTED;
        }
        if (deadline - System.nanoTime() <= 0) {
            return TIMEOUT;
        }
        Thread me = Thread.currentThread();
        for (Event e : events) {
            e.watch(me);
        }
        boolean interrupted = false;
        PortBlocking.begin();
        try {
            for (;;) {
                r = attempt(events, ordered);
                if (r >= 0) {
                    return r;
                }
                if (alertable && Apcs.hasPending()) {
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return TIMEOUT;
                }
                interrupted |= Parking.park(Waits.class, left);
            }
        } finally {
            PortBlocking.end();
            Parking.reassert(interrupted);
            for (Event e : events) {
                e.unwatch(me);
            }
        }
        Apcs.runPending();
        return ALERTED;
    }

    /** One try: the index taken (or 0 for wait-all), or -1. */
    private static int attempt(Event[] events, Event[] ordered) {
        if (ordered == null) {
            for (int i = 0; i < events.length; i++) {
                if (events[i].tryAcquire()) {
                    return i;
                }
            }
            return -1;
        }
        for (Event e : ordered) {
            e.lock.lock();
        }
        try {
            for (Event e : ordered) {
                if (!e.signaledLocked()) {
                    return -1;
                }
            }
            for (Event e : ordered) {
                e.consumeLocked();
            }
            return 0;
        } finally {
            for (int i = ordered.length - 1; i >= 0; i--) {
                ordered[i].lock.unlock();
            }
        }
    }

    private static Event[] sortedById(Event[] events) {
        Event[] copy = Arrays.copyOf(events, events.length);
        Arrays.sort(copy, Comparator.comparingLong(e -> e.id));
        for (int i = 1; i < copy.length; i++) {
            if (copy[i] == copy[i - 1]) {
                throw new IllegalArgumentException("the same event appears twice in a wait-all (EVT-4)");
            }
        }
        return copy;
    }
}
