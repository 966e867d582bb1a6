package io.iocp4j;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * Threads a port released while holding its lock, to unpark once the lock is dropped (the ring driver's batch end,
 * re-checks): unparking under the lock lets the woken thread (on a busy or single CPU, often at once) run into the
 * lock still held by its waker and block again, two more context switches per hand-off. An application thread's
 * post unparks under the lock, which measured faster. One per thread, reused, so collecting allocates nothing.
 */
final class Wakeups {
    private Thread[] threads = new Thread[4];
    private int count;

    void add(Thread t) {
        if (count == threads.length) {
            threads = Arrays.copyOf(threads, count * 2);
        }
        threads[count++] = t;
    }

    /** Unparks everything collected; call with no lock held. */
    void unparkAll() {
        for (int i = 0; i < count; i++) {
            LockSupport.unpark(threads[i]);
            threads[i] = null;
        }
        count = 0;
    }
}
