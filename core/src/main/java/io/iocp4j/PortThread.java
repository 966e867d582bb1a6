package io.iocp4j;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What the library knows about one thread: the port it is associated with and whether that port counts it as
 * running (GQCS-11..16), its reusable waiter record, and its APC queue (LNX-17). Works for platform and virtual
 * threads alike.
 */
final class PortThread {
    private static final ThreadLocal<PortThread> CURRENT = ThreadLocal.withInitial(PortThread::register);
    /** For APCs queued from another thread; weak, so finished threads are forgotten. */
    private static final Map<Thread, PortThread> BY_THREAD = new WeakHashMap<>();

    /** Weak: the map's values must not keep their keys alive. */
    private final WeakReference<Thread> thread;
    final Waiter waiter;
    final ConcurrentLinkedQueue<Runnable> apcs = new ConcurrentLinkedQueue<>();
    /** Waiters this thread released under a port's lock, to unpark once it has let go; thread-confined. */
    final Wakeups wakeups = new Wakeups();
    /** The associated port; written under that port's lock, read by the thread itself. */
    volatile CompletionPort port;
    /** Whether {@link #port} counts this thread as running; guarded by that port's lock. */
    boolean counted;
    /** Nesting of PortBlocking sections, and whether the outermost one uncounted the thread. */
    int blockingDepth;
    boolean uncountedByBlocking;
    /** Whether this thread's last spin before parking caught its packet; thread-confined (see CompletionPort). */
    boolean spinPaidOff = true;
    /** Counts waits that skipped spinning, so that an unlucky thread tries again now and then; thread-confined. */
    int spinSkips;
    /** How long this thread, waiting while the limit holds packets back, sleeps between re-checks; thread-confined. */
    long recheckNanos = CompletionPort.RECHECK_MIN_NANOS;

    private PortThread(Thread thread) {
        this.thread = new WeakReference<>(thread);
        this.waiter = new Waiter(this);
    }

    /** Whether the thread has ended: it then stops counting as running (GQCS-15). */
    boolean isDead() {
        Thread t = thread.get();
        return t == null || !t.isAlive();
    }

    static PortThread current() {
        return CURRENT.get();
    }

    private static PortThread register() {
        return of(Thread.currentThread());
    }

    /** The state of any thread, created on first use. */
    static PortThread of(Thread t) {
        synchronized (BY_THREAD) {
            return BY_THREAD.computeIfAbsent(t, PortThread::new);
        }
    }
}
