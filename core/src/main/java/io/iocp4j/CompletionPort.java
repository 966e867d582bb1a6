package io.iocp4j;

import io.iocp4j.engine.BatchEndTask;
import io.iocp4j.engine.IoEngine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * A completion port: FIFO packets (GQCS-8), LIFO waiters (GQCS-9), direct hand-off to a waiter (GQCS-10), and the
 * concurrency limit with NT's running-thread accounting (GQCS-11..17), following the kernel queue algorithm
 * (KeRemoveQueue / KiInsertQueue as ReactOS reimplements it). Thread-safe. Waits park in Java, so virtual threads
 * unmount; the lock is never held while parked or while running user code.
 */
public final class CompletionPort implements AutoCloseable {
    /** A timeout meaning "wait forever". */
    public static final long INFINITE = -1L;
    /** Results of dequeue; a positive result is the number of packets removed. */
    public static final int TIMEOUT = 0;
    public static final int CLOSED = -1;
    public static final int ALERTED = -2;
    /** The Java layer's waits only ({@link #poll}): the thread was interrupted, no packet taken. */
    private static final int INTERRUPTED = -3;

    /**
     * How long a waiter sleeps at most while packets wait for a slot: the dead-thread re-check period (GQCS-15).
     * It starts short again after a re-check that found an ended thread, as threads that each take a packet and
     * end (one-shot virtual threads) would otherwise get one packet through per longest period.
     */
    static final long RECHECK_MIN_NANOS = 1_000_000L;
    private static final long RECHECK_MAX_NANOS = 20_000_000L;
    /**
     * Spin-waits before a waiter parks (see {@link #spinBriefly}); none when this process may use one CPU only,
     * where spinning would only keep the thread that hands over from running. {@code -Diocp4j.port.spins=N} sets it.
     */
    private static final int SPINS = Integer.getInteger("iocp4j.port.spins",
            Runtime.getRuntime().availableProcessors() > 1 ? 1024 : 0);

    /**
     * Guards the port's state (volatile fields are written under it too). A monitor, not a ReentrantLock: a
     * contended ReentrantLock allocates an AQS queue node per acquire that waits (11-14 B per hand-off with two
     * threads posting to each other), while HotSpot queues a monitor's waiters in native records, and a virtual
     * thread blocked on a monitor unmounts (JEP 491). Nothing parks or runs user code while holding it.
     */
    private final Object lock = new Object();
    private final PacketQueue queue = new PacketQueue();
    private final ArrayList<PortThread> countedThreads = new ArrayList<>();
    private final int limit;
    private Waiter top;
    private int running;
    /** Packets were queued by the ring driver and its batch's end will release waiters; guarded by the lock. */
    private boolean releaseDeferred;
    private final BatchEndTask releaseAtBatchEnd = this::releaseDeferredWaiters;
    private volatile boolean closed;
    /** Mirrors queue.size() for lock-free reads (WaitForSingleObject on a port, re-check loops). */
    private volatile int queued;

    private CompletionPort(int limit) {
        this.limit = limit;
    }

    /** A port allowing {@code concurrency} running threads; 0 means the number of processors (CICP-2). */
    public static CompletionPort open(int concurrency) {
        if (concurrency < 0) {
            throw new IllegalArgumentException("concurrency must be >= 0: " + concurrency);
        }
        return new CompletionPort(concurrency == 0 ? Runtime.getRuntime().availableProcessors() : concurrency);
    }

    public int concurrency() {
        return limit;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Packets queued now, not yet taken (CICP-12). */
    public int queuedCount() {
        return queued;
    }

    // ---- producing ----

    /** PostQueuedCompletionStatus: a packet with status 0 (PQCS-1); PortClosedException once closed (PQCS-3). */
    public void post(int bytes, Object key, Object overlapped) {
        if (!enqueue(bytes, key, overlapped, NtStatus.STATUS_SUCCESS)) {
            throw new PortClosedException();
        }
    }

    /**
     * Queues an I/O completion; false (the packet silently dropped) when the port is closed (CICP-11). On the ring
     * driver the waiters are released at the end of its batch of completions: one wake-up hands a waiter the whole
     * batch, where waking it at the first packet would let it preempt the driver (one CPU) for a single packet.
     */
    public boolean enqueue(int bytes, Object key, Object overlapped, int status) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            queue.add(key, overlapped, bytes, status);
            if (IoEngine.isDriverThread()) {
                if (!releaseDeferred) {
                    releaseDeferred = true;
                    IoEngine.deferToBatchEnd(releaseAtBatchEnd);
                }
                queued = queue.size();
                return true;
            }
            // An application thread posting: waking under the lock measured faster (1 producer -> 4 workers: 2.35-2.66 M
            // packets/s against 1.21-1.53 M when woken after the unlock), as a producer posting in a loop re-takes the
            // lock at once and the woken waiters find their packets already handed to them.
            Wakeups wakeups = PortThread.current().wakeups;
            releaseWaiters(wakeups);
            wakeups.unparkAll();
            return true;
        }
    }

    /** The ring driver's batch of completions has ended: hand the packets it queued to waiters. */
    private void releaseDeferredWaiters() {
        Wakeups wakeups = PortThread.current().wakeups;
        synchronized (lock) {
            releaseDeferred = false;
            releaseWaiters(wakeups);
        }
        wakeups.unparkAll();
    }

    // ---- consuming ----

    /**
     * GetQueuedCompletionStatus: one packet into {@code out}; returns 1, TIMEOUT (out untouched), CLOSED, or
     * ALERTED (alertable, APCs ran). {@code timeoutNanos}: 0 never blocks, negative waits forever.
     */
    public int dequeue(Completion out, long timeoutNanos, boolean alertable) {
        return dequeue(out, null, 1, timeoutNanos, alertable, false);
    }

    /** GetQueuedCompletionStatusEx: up to {@code max} packets already queued, at least one (GQCSX-1). */
    public int dequeue(CompletionBatch out, int max, long timeoutNanos, boolean alertable) {
        if (max <= 0) {
            throw new IllegalArgumentException("max must be positive: " + max);
        }
        return dequeue(null, out, Math.min(max, out.capacity()), timeoutNanos, alertable, false);
    }

    /**
     * Blocks for the next packet; PortClosedException if the port is or gets closed. Interruptible: an interrupted
     * thread gets InterruptedException (status cleared) and leaves every packet queued.
     */
    public Completion take() throws InterruptedException {
        Completion c = poll(null);
        if (c == null) {
            throw new PortClosedException();
        }
        return c;
    }

    /**
     * The next packet, or null after {@code timeout} (null: forever); PortClosedException if closed. Interruptible
     * as {@link #take}.
     */
    public Completion poll(Duration timeout) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Completion c = new Completion();
        int r = dequeue(c, null, 1, timeout == null ? INFINITE : timeout.toNanos(), false, true);
        if (r == INTERRUPTED) {
            Thread.interrupted();
            throw new InterruptedException();
        }
        if (r == CLOSED) {
            throw new PortClosedException();
        }
        return r > 0 ? c : null;
    }

    /**
     * {@code interruptible}: an interrupt ends the wait with INTERRUPTED (status left set); otherwise, as in Win32,
     * it does not end it (see {@link Parking}).
     */
    private int dequeue(Completion single, CompletionBatch batch, int max, long timeoutNanos, boolean alertable,
                        boolean interruptible) {
        long deadline = timeoutNanos < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
        PortThread me = PortThread.current();
        CompletionPort previous = me.port;
        if (previous != null && previous != this) {
            previous.leave(me);  // association moves (GQCS-11); never two port locks at once
        }
        Waiter w = me.waiter;
        synchronized (lock) {
            if (closed) {
                me.port = null;
                return CLOSED;
            }
            me.port = this;
            uncountLocked(me);  // re-entry gives the slot back first (GQCS-13)
            reapIfHeldBack();  // a slot held by a thread that has ended is free (GQCS-15)
            if (!queue.isEmpty() && running < limit) {
                return takeLocked(me, single, batch, max);
            }
            boolean apc = alertable && !me.apcs.isEmpty();
            if (apc || timeoutNanos == 0) {
                countLocked(me);  // any return counts as running (GQCS-12a)
                if (!apc) {
                    return TIMEOUT;
                }
            } else {
                push(w, single, batch, max);
                apc = false;
                w = null;
            }
            if (apc) {
                w = me.waiter;
            }
        }
        if (w != null) {
            Apcs.runPending();
            return ALERTED;
        }
        return await(me, me.waiter, deadline, alertable, interruptible);
    }

    private int await(PortThread me, Waiter w, long deadline, boolean alertable, boolean interruptible) {
        spinBriefly(me, w);
        boolean interrupted = false;  // taken from the thread while it parks, given back when the wait returns
        try {
            for (;;) {
                int s = w.state;
                if (s == Waiter.HANDED) {
                    return w.handed;
                }
                if (s == Waiter.CLOSED) {
                    return CLOSED;
                }
                boolean apc = alertable && !me.apcs.isEmpty();
                boolean interrupt = interruptible && Thread.currentThread().isInterrupted();
                long left = deadline - System.nanoTime();
                if (apc || interrupt || left <= 0) {
                    synchronized (lock) {
                        if (w.state != Waiter.WAITING) {
                            continue;  // a packet or the close won the race
                        }
                        unlink(w);
                        countLocked(me);
                    }
                    if (apc) {
                        Apcs.runPending();
                        return ALERTED;
                    }
                    return interrupt ? INTERRUPTED : TIMEOUT;
                }
                boolean heldBack = queued > 0;
                long nanos = heldBack ? Math.min(left, me.recheckNanos) : left;
                if (interruptible) {
                    LockSupport.parkNanos(this, nanos);  // returns at once when interrupted: seen above
                } else {
                    interrupted |= Parking.park(this, nanos);
                }
                if (heldBack) {
                    me.recheckNanos = recheck() ? RECHECK_MIN_NANOS : Math.min(2 * me.recheckNanos, RECHECK_MAX_NANOS);
                }
            }
        } finally {
            Parking.reassert(interrupted);
        }
    }

    /**
     * Watches the waiter for up to ~20 us before parking: a packet handed over meanwhile (a request and its reply,
     * a fast read) then costs no park/unpark pair. Adaptive per thread: after a spin that did not pay off, the
     * thread parks at once, trying a spin again only every 16th wait, so waits for slow I/O burn almost nothing.
     */
    private static void spinBriefly(PortThread me, Waiter w) {
        if (SPINS == 0 || !me.spinPaidOff && (++me.spinSkips & 15) != 0) {
            return;
        }
        for (int i = 0; i < SPINS && w.state == Waiter.WAITING; i++) {
            Thread.onSpinWait();
        }
        me.spinPaidOff = w.state != Waiter.WAITING;
    }

    /**
     * Packets wait while the limit is reached: threads that died holding a slot give it back (GQCS-15). Returns
     * whether one had.
     */
    private boolean recheck() {
        Wakeups wakeups = PortThread.current().wakeups;
        boolean reaped;
        synchronized (lock) {
            reaped = releaseWaiters(wakeups);
        }
        wakeups.unparkAll();
        return reaped;
    }

    private int takeLocked(PortThread me, Completion single, CompletionBatch batch, int max) {
        int n = 0;
        if (single != null) {
            queue.removeInto(single);
            n = 1;
        } else {
            while (n < max && !queue.isEmpty()) {
                queue.removeInto(batch, n++);
            }
        }
        queued = queue.size();
        countLocked(me);
        return n;
    }

    // ---- the waiter stack ----

    private void push(Waiter w, Completion single, CompletionBatch batch, int max) {
        w.single = single;
        w.batch = batch;
        w.max = max;
        w.handed = 0;
        w.thread = Thread.currentThread();
        w.state = Waiter.WAITING;
        w.below = top;
        w.above = null;
        if (top != null) {
            top.above = w;
        }
        top = w;
    }

    private void unlink(Waiter w) {
        if (w.above != null) {
            w.above.below = w.below;
        } else {
            top = w.below;
        }
        if (w.below != null) {
            w.below.above = w.above;
        }
        w.above = w.below = null;
        w.thread = null;
    }

    /**
     * Hands queued packets to the most recent waiters while slots are free (GQCS-9, GQCS-12). Dead counted threads
     * are uncounted first when the limit is what holds packets back (GQCS-15). The threads to unpark go to
     * {@code wakeups}, for the caller to unpark: after releasing the lock, except an application's post (see
     * {@link #enqueue}). Returns whether an ended thread gave a slot back.
     */
    private boolean releaseWaiters(Wakeups wakeups) {
        boolean reaped = top != null && reapIfHeldBack();
        while (!queue.isEmpty() && top != null && running < limit) {
            Waiter w = top;
            Thread t = w.thread;
            unlink(w);
            int n = 0;
            if (w.single != null) {
                queue.removeInto(w.single);
                n = 1;
            } else {
                while (n < w.max && !queue.isEmpty()) {
                    queue.removeInto(w.batch, n++);
                }
            }
            w.handed = n;
            countLocked(w.owner);
            w.state = Waiter.HANDED;
            wakeups.add(t);
        }
        queued = queue.size();
        if (!queue.isEmpty() && top != null && top.thread != Thread.currentThread()) {
            // Held back by the limit: the top waiter re-checks periodically, in case a counted thread ends. Never
            // the caller itself: a re-checking waiter that unparked itself would spin instead of sleeping.
            wakeups.add(top.thread);
        }
        return reaped;
    }

    /** When the limit holds queued packets back: uncounts the threads that have ended; returns whether any had. */
    private boolean reapIfHeldBack() {
        return !queue.isEmpty() && running >= limit && reapDeadThreads();
    }

    /** Uncounts the counted threads that have ended; returns whether there were any. */
    private boolean reapDeadThreads() {
        boolean reaped = false;
        for (int i = countedThreads.size() - 1; i >= 0; i--) {
            PortThread t = countedThreads.get(i);
            if (t.isDead()) {
                countedThreads.remove(i);
                t.counted = false;
                running--;
                reaped = true;
            }
        }
        return reaped;
    }

    // ---- accounting ----

    private void countLocked(PortThread t) {
        if (!t.counted) {
            t.counted = true;
            countedThreads.add(t);
            running++;
        }
    }

    private void uncountLocked(PortThread t) {
        if (t.counted) {
            t.counted = false;
            countedThreads.remove(t);
            running--;
        }
    }

    /** The thread calls a wait on another port: it stops counting here, which may release a waiter (GQCS-11). */
    private void leave(PortThread t) {
        synchronized (lock) {
            if (t.port == this) {
                uncountLocked(t);
                t.port = null;
                releaseWaiters(t.wakeups);
            }
        }
        t.wakeups.unparkAll();
    }

    /** PortBlocking.begin: returns whether the thread was counted (and now is not). */
    boolean uncount(PortThread t) {
        synchronized (lock) {
            if (t.port != this || !t.counted) {
                return false;
            }
            uncountLocked(t);
            releaseWaiters(t.wakeups);
        }
        t.wakeups.unparkAll();
        return true;
    }

    /** PortBlocking.end: counts the thread again, even above the limit (GQCS-14). */
    void recount(PortThread t) {
        synchronized (lock) {
            if (!closed && t.port == this) {
                countLocked(t);
            }
        }
    }

    // ---- closing ----

    /**
     * CloseHandle on the last port handle: every waiter returns CLOSED (GQCS-7), queued packets are discarded,
     * threads lose their association, later enqueues are dropped (CICP-11). Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            queued = 0;
            while (top != null) {
                Waiter w = top;
                Thread t = w.thread;
                unlink(w);
                w.owner.port = null;
                w.state = Waiter.CLOSED;
                LockSupport.unpark(t);
            }
            for (PortThread t : countedThreads) {
                t.counted = false;
                t.port = null;
            }
            countedThreads.clear();
            running = 0;
        }
    }

    @Override
    public String toString() {
        return "CompletionPort[limit=" + limit + ", queued=" + queued + (closed ? ", closed" : "") + "]";
    }
}
