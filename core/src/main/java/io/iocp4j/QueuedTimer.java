package io.iocp4j;

/**
 * One timer of a {@link TimerQueue}: armed with a delay and an optional period, re-armed or cancelled at any
 * time from any thread. Its fields other than the action belong to the queue's lock.
 */
public final class QueuedTimer implements Comparable<QueuedTimer> {
    private final TimerQueue queue;
    private final Runnable action;
    long deadline;
    long period;
    /** Breaks deadline ties in arming order, so timers due together fire in the order they were set. */
    long order;
    boolean inHeap;
    /** Counts start and cancel calls, so a firing can tell it was overtaken by one (see {@link #firingIsCurrent}). */
    volatile long arming;
    /** {@link #arming} when the queue took this timer to fire; written and read by the queue's thread. */
    long firingArming;
    /** How many times it has fired; written under the queue's lock. */
    volatile long firings;

    QueuedTimer(TimerQueue queue, Runnable action) {
        this.queue = queue;
        this.action = action;
    }

    /**
     * Arms (or re-arms, replacing the previous due time) the timer: first due after {@code delayNanos} (0 or less:
     * now), then every {@code periodNanos} when that is > 0.
     */
    public void start(long delayNanos, long periodNanos) {
        if (periodNanos < 0) {
            throw new IllegalArgumentException("negative period: " + periodNanos);
        }
        queue.arm(this, System.nanoTime() + Math.max(0, delayNanos), periodNanos);
    }

    /** Stops the timer; true if it was armed. An action already running finishes. */
    public boolean cancel() {
        return queue.disarm(this);
    }

    /** How many times the timer has fired since it was created. */
    public long firings() {
        return firings;
    }

    /**
     * From inside the action: false if {@link #start} or {@link #cancel} ran between the queue taking the timer and
     * now, so an owner that serialises its own start/cancel calls with its action can drop a stale firing.
     */
    public boolean firingIsCurrent() {
        return firingArming == arming;
    }

    void fire() {
        action.run();
    }

    @Override
    public int compareTo(QueuedTimer o) {
        int c = Long.compare(deadline - o.deadline, 0);
        return c != 0 ? c : Long.compare(order, o.order);
    }
}
