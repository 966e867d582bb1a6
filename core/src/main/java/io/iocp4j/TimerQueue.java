package io.iocp4j;

import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Timers that run a short action when due, once or periodically, on the queue's own thread (the Win32 timer
 * queue's WT_EXECUTEINTIMERTHREAD; waitable timers; {@link #postTo} for timers that fire on a port's workers).
 * One daemon thread per queue sleeps until the earliest deadline; a min-heap orders the timers.
 *
 * <p>Actions run one at a time on that thread, so a slow action delays the others: hand long work elsewhere
 * (post it to a port, start a thread). An action that throws is reported on stderr and its timer keeps its
 * period.
 */
public final class TimerQueue implements AutoCloseable {
    private static final AtomicInteger QUEUES = new AtomicInteger();
    private static final class Shared {
        static final TimerQueue QUEUE = new TimerQueue();
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PriorityQueue<QueuedTimer> heap = new PriorityQueue<>();
    private final Thread thread;
    private long sequence;
    private boolean closed;

    public TimerQueue() {
        thread = Thread.ofPlatform().daemon().name("iocp4j-timers-" + QUEUES.incrementAndGet()).unstarted(this::loop);
        thread.start();
    }

    /** The process-wide queue (the Win32 default timer queue, waitable timers), started on first use. */
    public static TimerQueue shared() {
        return Shared.QUEUE;
    }

    /**
     * A new timer, not yet running: {@link QueuedTimer#start} arms it. {@code action} runs on this queue's thread
     * each time it fires.
     */
    public QueuedTimer newTimer(Runnable action) {
        return new QueuedTimer(this, action);
    }

    /** Arms a new timer that runs {@code action} after {@code delayNanos}, then every {@code periodNanos} if > 0. */
    public QueuedTimer schedule(long delayNanos, long periodNanos, Runnable action) {
        QueuedTimer t = newTimer(action);
        t.start(delayNanos, periodNanos);
        return t;
    }

    /**
     * Arms a timer that posts the packet ({@code bytes}, {@code key}, {@code overlapped}) to {@code port} when due,
     * so that it fires on whichever worker dequeues it. A closed port ends the timer.
     */
    public QueuedTimer postTo(CompletionPort port, long delayNanos, long periodNanos, int bytes, Object key,
                              Object overlapped) {
        PortPacket packet = new PortPacket(port, bytes, key, overlapped);
        packet.timer = newTimer(packet);
        packet.timer.start(delayNanos, periodNanos);
        return packet.timer;
    }

    /** A packet to post each time a timer fires; the timer ends with the port. */
    private static final class PortPacket implements Runnable {
        private final CompletionPort port;
        private final int bytes;
        private final Object key;
        private final Object overlapped;
        QueuedTimer timer;

        PortPacket(CompletionPort port, int bytes, Object key, Object overlapped) {
            this.port = port;
            this.bytes = bytes;
            this.key = key;
            this.overlapped = overlapped;
        }

        @Override
        public void run() {
            try {
                port.post(bytes, key, overlapped);
            } catch (PortClosedException e) {
                timer.cancel();
            }
        }
    }

    /** Whether the caller is this queue's thread, i.e. a timer action is calling back into its queue. */
    public boolean isQueueThread() {
        return Thread.currentThread() == thread;
    }

    /** Stops the thread after the action running now (if any); timers armed later never fire. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            for (QueuedTimer t : heap) {
                t.inHeap = false;
            }
            heap.clear();
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the queue's thread has ended (not from the queue's own thread). */
    public void awaitTermination() throws InterruptedException {
        if (!isQueueThread()) {
            thread.join();
        }
    }

    // ---- called by QueuedTimer, all under the lock ----

    void arm(QueuedTimer t, long deadline, long period) {
        lock.lock();
        try {
            removeLocked(t);
            if (closed) {
                return;
            }
            t.arming++;
            t.deadline = deadline;
            t.period = period;
            t.order = ++sequence;
            t.inHeap = true;
            heap.add(t);
            if (heap.peek() == t) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    boolean disarm(QueuedTimer t) {
        lock.lock();
        try {
            t.arming++;
            return removeLocked(t);
        } finally {
            lock.unlock();
        }
    }

    private boolean removeLocked(QueuedTimer t) {
        if (!t.inHeap) {
            return false;
        }
        t.inHeap = false;
        heap.remove(t);
        return true;
    }

    // ---- the queue's thread ----

    private void loop() {
        for (QueuedTimer due; (due = nextDue()) != null; ) {
            try {
                due.fire();
            } catch (Throwable e) {
                System.err.println("iocp4j: timer action failed: " + e);
            }
        }
    }

    /** Sleeps until the earliest timer is due and takes it (re-arming a periodic one); null once closed. */
    private QueuedTimer nextDue() {
        lock.lock();
        try {
            for (;;) {
                if (closed) {
                    return null;
                }
                QueuedTimer head = heap.peek();
                if (head == null) {
                    changed.awaitUninterruptibly();
                    continue;
                }
                long now = System.nanoTime();
                long left = head.deadline - now;
                if (left > 0) {
                    awaitChange(left);
                    continue;
                }
                heap.poll();
                head.inHeap = false;
                head.firings++;
                head.firingArming = head.arming;
                if (head.period > 0) {
                    // Keep the rhythm of the first due time; after a stall, fire once and resume from now.
                    long next = head.deadline + head.period;
                    head.deadline = next - now > 0 ? next : now + head.period;
                    head.order = ++sequence;
                    head.inHeap = true;
                    heap.add(head);
                }
                return head;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits for a change of the heap or {@code nanos}; nothing interrupts the queue's own thread on purpose. */
    private void awaitChange(long nanos) {
        try {
            changed.awaitNanos(nanos);
        } catch (InterruptedException e) {
            // the loop looks at the heap again either way
        }
    }
}
