package io.iocp4j.examples.nanomsg;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nanomsg's {@code nn_timerset}: pending timers ordered by due time. The worker asks it for the timeout of its
 * GetQueuedCompletionStatusEx call and for the timers that have expired; it is only touched on the worker thread.
 */
final class NnTimerset {
    /** Sorted by due time; equal times keep insertion order. */
    private final List<NnWorkerTimer> timeouts = new ArrayList<>();

    /** {@code nn_timerset_add}: the timer fires {@code timeout} ms from now. */
    void add(int timeout, NnWorkerTimer hndl) {
        hndl.due = clockMs() + timeout;
        int i = timeouts.size();
        while (i > 0 && timeouts.get(i - 1).due > hndl.due) {
            i--;
        }
        timeouts.add(i, hndl);
    }

    /** {@code nn_timerset_rm}: a timer that has not fired is forgotten. */
    void rm(NnWorkerTimer hndl) {
        timeouts.remove(hndl);
    }

    /** {@code nn_timerset_timeout}: ms until the first timer is due (0 if overdue), -1 when there is none. */
    int timeout() {
        if (timeouts.isEmpty()) {
            return -1;
        }
        return (int) Math.max(0, timeouts.get(0).due - clockMs());
    }

    /** {@code nn_timerset_event}: the first expired timer, removed; null where nanomsg returns -EAGAIN. */
    NnWorkerTimer event() {
        if (timeouts.isEmpty() || timeouts.get(0).due > clockMs()) {
            return null;
        }
        return timeouts.remove(0);
    }

    /** {@code nn_clock_ms}: a monotonic millisecond clock. */
    private static long clockMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }
}
