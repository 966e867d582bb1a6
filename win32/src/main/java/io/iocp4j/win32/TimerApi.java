package io.iocp4j.win32;

import io.iocp4j.Event;
import io.iocp4j.TimerQueue;
import io.iocp4j.WaitableTimer;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static io.iocp4j.win32.WinError.*;

/** The logic behind Kernel32's waitable timers and timer queues: due-time conversion and argument checks. */
final class TimerApi {
    static final int CREATE_WAITABLE_TIMER_MANUAL_RESET = 0x1;
    static final int CREATE_WAITABLE_TIMER_HIGH_RESOLUTION = 0x2;

    private TimerApi() {
    }

    static HANDLE createWaitableTimerEx(int flags) {
        if ((flags & ~(CREATE_WAITABLE_TIMER_MANUAL_RESET | CREATE_WAITABLE_TIMER_HIGH_RESOLUTION)) != 0) {
            LastError.set(ERROR_INVALID_PARAMETER);
            return null;
        }
        WaitableTimer timer = new WaitableTimer((flags & CREATE_WAITABLE_TIMER_MANUAL_RESET) != 0);
        return HandleTable.open(timer, timer::close, HANDLE::new);
    }

    /**
     * SetWaitableTimer: a negative due time is relative (100 ns units), a positive one an absolute UTC FILETIME
     * (one in the past fires at once); the period is in milliseconds, 0 for a one-shot timer.
     */
    static boolean setWaitableTimer(HANDLE hTimer, LARGE_INTEGER lpDueTime, int lPeriod,
                                    PTIMERAPCROUTINE routine, Object arg) {
        WaitableTimer timer = HandleTable.resolve(hTimer, WaitableTimer.class);
        if (timer == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        if (lpDueTime == null || lPeriod < 0) {
            return LastError.fail(ERROR_INVALID_PARAMETER);
        }
        long due = lpDueTime.QuadPart;
        long delay100ns = due < 0 ? -due : due - FILETIME.now();
        timer.set(saturatedTimes100(delay100ns), TimeUnit.MILLISECONDS.toNanos(lPeriod),
                routine == null ? null : firedAt -> deliver(routine, arg, firedAt));
        return true;
    }

    /** 100 ns units to nanoseconds; far futures (a year 30828 FILETIME) become "practically never". */
    private static long saturatedTimes100(long units) {
        return units > Long.MAX_VALUE / 200 ? Long.MAX_VALUE / 2 : units * 100;
    }

    private static void deliver(PTIMERAPCROUTINE routine, Object arg, Instant firedAt) {
        long ft = FILETIME.of(firedAt);
        routine.callback(arg, (int) ft, (int) (ft >>> 32));
    }

    static boolean cancelWaitableTimer(HANDLE hTimer) {
        WaitableTimer timer = HandleTable.resolve(hTimer, WaitableTimer.class);
        if (timer == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        timer.cancel();
        return true;
    }

    /** A waitable timer's event, so that the wait functions treat the timer like any other object. */
    static Event waitableEvent(HANDLE h) {
        WaitableTimer timer = HandleTable.resolve(h, WaitableTimer.class);
        return timer == null ? null : timer.event();
    }

    // ---- timer queues ----

    static HANDLE createTimerQueue() {
        TimerQueueObject q = new TimerQueueObject(new TimerQueue());
        return HandleTable.open(q, q::cancel, HANDLE::new);
    }

    /** The queue a handle names; the process default queue for NULL; null (ERROR_INVALID_HANDLE) otherwise. */
    static TimerQueueObject queue(HANDLE hQueue) {
        return hQueue == null ? TimerQueueObject.DEFAULT : HandleTable.resolve(hQueue, TimerQueueObject.class);
    }

    static boolean createTimerQueueTimer(HANDLEByReference phNewTimer, HANDLE hQueue,
                                         WAITORTIMERCALLBACK callback, Object parameter, int dueTime, int period,
                                         int flags) {
        TimerQueueObject q = queue(hQueue);
        if (q == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        if (phNewTimer == null || callback == null) {
            return LastError.fail(ERROR_INVALID_PARAMETER);
        }
        TimerQueueTimer t = q.add(callback, parameter, flags);
        phNewTimer.value = HandleTable.open(t, t::cancel, HANDLE::new);
        t.change(dueTime, period);
        return true;
    }

    static boolean changeTimerQueueTimer(HANDLE hQueue, HANDLE hTimer, int dueTime, int period) {
        TimerQueueTimer t = timerOf(hQueue, hTimer);
        if (t == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        t.change(dueTime, period);
        return true;
    }

    static boolean deleteTimerQueueTimer(HANDLE hQueue, HANDLE hTimer, HANDLE completionEvent) {
        TimerQueueTimer t = timerOf(hQueue, hTimer);
        if (t == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        boolean idle = t.delete(completionEvent);
        HandleTable.close(hTimer);
        return idle || LastError.fail(ERROR_IO_PENDING);
    }

    static boolean deleteTimerQueueEx(HANDLE hQueue, HANDLE completionEvent) {
        TimerQueueObject q = hQueue == null ? null : HandleTable.resolve(hQueue, TimerQueueObject.class);
        if (q == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        boolean idle = q.delete(completionEvent);
        HandleTable.close(hQueue);
        return idle || LastError.fail(ERROR_IO_PENDING);
    }

    private static TimerQueueTimer timerOf(HANDLE hQueue, HANDLE hTimer) {
        TimerQueueObject q = queue(hQueue);
        TimerQueueTimer t = HandleTable.resolve(hTimer, TimerQueueTimer.class);
        return q == null || t == null || t.queue != q ? null : t;
    }
}
