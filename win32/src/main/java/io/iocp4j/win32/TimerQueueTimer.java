package io.iocp4j.win32;

import io.iocp4j.QueuedTimer;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A timer made by CreateTimerQueueTimer. Its callback runs on the queue's thread with WT_EXECUTEINTIMERTHREAD,
 * otherwise on a new virtual thread per firing (Windows uses its thread pool), so a slow callback does not hold
 * up the queue's other timers. Running callbacks are counted so that deletion can wait for them.
 */
final class TimerQueueTimer {
    static final int WT_EXECUTEDEFAULT = 0x0;
    static final int WT_EXECUTEINTIMERTHREAD = 0x20;
    static final int WT_EXECUTEONLYONCE = 0x8;

    /** The timer whose callback the current thread is running, so that deleting it from there does not wait. */
    private static final ThreadLocal<TimerQueueTimer> RUNNING_HERE = new ThreadLocal<>();

    final TimerQueueObject queue;
    private final WAITORTIMERCALLBACK callback;
    private final Object parameter;
    private final int flags;
    private final QueuedTimer timer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private int running;
    private boolean deleted;

    TimerQueueTimer(TimerQueueObject queue, WAITORTIMERCALLBACK callback, Object parameter, int flags) {
        this.queue = queue;
        this.callback = callback;
        this.parameter = parameter;
        this.flags = flags;
        this.timer = queue.queue.newTimer(this::fire);
    }

    /** CreateTimerQueueTimer/ChangeTimerQueueTimer: due and period in (unsigned) milliseconds, period 0 = once. */
    void change(int dueTimeMillis, int periodMillis) {
        long period = (flags & WT_EXECUTEONLYONCE) != 0 ? 0 : periodMillis & 0xFFFF_FFFFL;
        lock.lock();
        try {
            if (!deleted) {
                timer.start(TimeUnit.MILLISECONDS.toNanos(dueTimeMillis & 0xFFFF_FFFFL),
                        TimeUnit.MILLISECONDS.toNanos(period));
            }
        } finally {
            lock.unlock();
        }
    }

    /** DeleteTimerQueueTimer: no firing after this returns; see {@link TimerQueueObject#finishDeletion}. */
    boolean delete(HANDLE completionEvent) {
        cancel();
        return TimerQueueObject.finishDeletion(List.of(this), completionEvent);
    }

    void cancel() {
        lock.lock();
        try {
            deleted = true;
            timer.cancel();
        } finally {
            lock.unlock();
        }
        queue.remove(this);
    }

    boolean isIdle() {
        lock.lock();
        try {
            return running == 0;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no callback runs, except the one the caller itself may be running. */
    void awaitIdle() {
        int own = RUNNING_HERE.get() == this ? 1 : 0;
        lock.lock();
        try {
            while (running > own) {
                idle.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    private void fire() {
        lock.lock();
        try {
            if (deleted || !timer.firingIsCurrent()) {
                return;
            }
            running++;
        } finally {
            lock.unlock();
        }
        if ((flags & WT_EXECUTEINTIMERTHREAD) != 0) {
            runCallback();
        } else {
            Thread.ofVirtual().name("iocp4j-timer-callback").start(this::runCallback);
        }
    }

    private void runCallback() {
        RUNNING_HERE.set(this);
        try {
            callback.callback(parameter, true);
        } catch (Throwable e) {
            System.err.println("iocp4j: timer-queue callback failed: " + e);
        } finally {
            RUNNING_HERE.remove();
            lock.lock();
            try {
                if (--running == 0) {
                    idle.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
