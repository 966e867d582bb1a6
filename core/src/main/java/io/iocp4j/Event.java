package io.iocp4j;

import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An event object, manual- or auto-reset (EVT-1). Overlapped operations set it at completion (OVL-4, EVT-2).
 * Thread-safe. Waiting is done by {@link Waits}: a waiter registers as a watcher, and setting the event wakes
 * every watcher, which then tries to take it; an auto-reset event is taken by exactly one (EVT-1).
 */
public final class Event implements Signal {
    private static final AtomicLong IDS = new AtomicLong();

    /** Orders lock acquisition when a wait-all locks several events at once. */
    final long id = IDS.incrementAndGet();
    final ReentrantLock lock = new ReentrantLock();
    private final boolean manualReset;
    private final ArrayList<Thread> watchers = new ArrayList<>(2);
    private boolean signaled;

    public Event(boolean manualReset, boolean initialState) {
        this.manualReset = manualReset;
        this.signaled = initialState;
    }

    public boolean isManualReset() {
        return manualReset;
    }

    @Override
    public void set() {
        lock.lock();
        try {
            signaled = true;
            for (Thread t : watchers) {
                LockSupport.unpark(t);
            }
        } finally {
            lock.unlock();
        }
    }

    public void reset() {
        lock.lock();
        try {
            signaled = false;
        } finally {
            lock.unlock();
        }
    }

    public boolean isSet() {
        lock.lock();
        try {
            return signaled;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the signal if it is there: an auto-reset event becomes non-signalled. */
    boolean tryAcquire() {
        lock.lock();
        try {
            return signaledLocked() && consumeLocked();
        } finally {
            lock.unlock();
        }
    }

    /** With {@link #lock} held. */
    boolean signaledLocked() {
        return signaled;
    }

    /** With {@link #lock} held and the event signalled: a satisfied wait resets an auto-reset event. */
    boolean consumeLocked() {
        if (!manualReset) {
            signaled = false;
        }
        return true;
    }

    void watch(Thread t) {
        lock.lock();
        try {
            watchers.add(t);
        } finally {
            lock.unlock();
        }
    }

    void unwatch(Thread t) {
        lock.lock();
        try {
            watchers.remove(t);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the event is signalled (taking it), the deadline passes, or, when alertable, APCs are queued
     * (they then run). Returns {@link Waits#TIMEOUT}, {@link Waits#ALERTED}, or 0.
     */
    public int await(long deadlineNanos, boolean alertable) {
        return Waits.waitAny(new Event[] {this}, deadlineNanos, alertable);
    }
}
