package io.iocp4j.win32;

import io.iocp4j.Event;
import io.iocp4j.TimerQueue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A timer queue as CreateTimerQueue makes it: a {@link TimerQueue} and the timers created on it. */
final class TimerQueueObject {
    /** The process's default queue, what a NULL TimerQueue means; never deleted. */
    static final TimerQueueObject DEFAULT = new TimerQueueObject(TimerQueue.shared());

    final TimerQueue queue;
    private final Set<TimerQueueTimer> timers = ConcurrentHashMap.newKeySet();

    TimerQueueObject(TimerQueue queue) {
        this.queue = queue;
    }

    TimerQueueTimer add(WAITORTIMERCALLBACK callback, Object parameter, int flags) {
        TimerQueueTimer t = new TimerQueueTimer(this, callback, parameter, flags);
        timers.add(t);
        return t;
    }

    void remove(TimerQueueTimer t) {
        timers.remove(t);
    }

    /** DeleteTimerQueueEx: deletes every timer (see {@link #finishDeletion}) and stops the queue's thread. */
    boolean delete(HANDLE completionEvent) {
        return finishDeletion(cancel(), completionEvent);
    }

    /** Cancels every timer and stops the queue's thread (never the default queue's); returns the timers. */
    List<TimerQueueTimer> cancel() {
        List<TimerQueueTimer> all = new ArrayList<>(timers);
        for (TimerQueueTimer t : all) {
            t.cancel();
        }
        if (this != DEFAULT) {
            queue.close();
        }
        return all;
    }

    /**
     * The CompletionEvent rule of DeleteTimerQueueTimer/DeleteTimerQueueEx for timers already cancelled:
     * INVALID_HANDLE_VALUE waits for running callbacks; an event is set once they have finished (at once if none
     * runs); NULL does not wait. True when no callback was running (the caller fails with ERROR_IO_PENDING else).
     */
    static boolean finishDeletion(List<TimerQueueTimer> timers, HANDLE completionEvent) {
        boolean idle = timers.stream().allMatch(TimerQueueTimer::isIdle);
        if (completionEvent == HANDLE.INVALID_HANDLE_VALUE) {
            timers.forEach(TimerQueueTimer::awaitIdle);
            return true;
        }
        Event done = completionEvent == null ? null : HandleTable.resolve(completionEvent, Event.class);
        if (done != null) {
            if (idle) {
                done.set();
            } else {
                Thread.ofVirtual().name("iocp4j-timer-deletion").start(() -> {
                    timers.forEach(TimerQueueTimer::awaitIdle);
                    done.set();
                });
            }
        }
        return idle;
    }
}
