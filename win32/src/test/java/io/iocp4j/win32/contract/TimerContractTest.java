package io.iocp4j.win32.contract;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.FILETIME;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.HANDLEByReference;
import io.iocp4j.win32.LARGE_INTEGER;
import io.iocp4j.win32.OVERLAPPEDByReference;
import io.iocp4j.win32.ULONG_PTRByReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 4: waitable timers (CreateWaitableTimer, SetWaitableTimer, CancelWaitableTimer) and timer queues
 * (CreateTimerQueueTimer...). The contract has no timer rules; these follow the Win32 documentation. Timing
 * assertions bound from below (a timer never fires early) and only loosely from above (the machine is shared).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimerContractTest {
    private final SocketTestSupport t = new SocketTestSupport();

    @AfterEach
    void close() {
        t.close();
    }

    private static LARGE_INTEGER relativeMillis(long ms) {
        return new LARGE_INTEGER(-ms * 10_000);
    }

    private HANDLE timer(boolean manualReset) {
        HANDLE h = CreateWaitableTimer(null, manualReset, null);
        assertNotNull(h);
        return t.track(h);
    }

    @Test
    @DisplayName("a relative one-shot notification timer signals after its due time, not before, and stays signalled")
    void relativeNotificationTimer() {
        HANDLE h = timer(true);
        assertEquals(WAIT_TIMEOUT, WaitForSingleObject(h, 0), "a new timer is not signalled");
        long start = System.nanoTime();
        assertTrue(SetWaitableTimer(h, relativeMillis(50), 0, null, null, false));
        assertEquals(WAIT_TIMEOUT, WaitForSingleObject(h, 10));
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(h, 5000));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50), "fired early");
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(h, 0), "a manual-reset timer stays signalled");
        assertTrue(SetWaitableTimer(h, relativeMillis(10_000), 0, null, null, false));
        assertEquals(WAIT_TIMEOUT, WaitForSingleObject(h, 0), "setting the timer again resets it");
    }

    @Test
    @DisplayName("an absolute due time in UTC FILETIME: the future fires at that time, the past fires at once")
    void absoluteDueTime() {
        HANDLE h = timer(true);
        FILETIME now = new FILETIME();
        GetSystemTimeAsFileTime(now);
        long start = System.nanoTime();
        assertTrue(SetWaitableTimer(h, new LARGE_INTEGER(now.quadPart() + 60 * 10_000), 0, null, null, false));
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(h, 5000));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(45), "fired early");
        assertTrue(SetWaitableTimer(h, new LARGE_INTEGER(now.quadPart() - 10_000_000), 0, null, null, false));
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(h, 1000), "a due time in the past fires at once");
    }

    @Test
    @DisplayName("a synchronization timer releases exactly one of two waiters per firing")
    void synchronizationTimerReleasesOne() throws InterruptedException {
        HANDLE h = timer(false);
        AtomicInteger released = new AtomicInteger();
        CountDownLatch waiting = new CountDownLatch(2);
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            waiters.add(Thread.ofPlatform().start(() -> {
                waiting.countDown();
                if (WaitForSingleObject(h, 600) == WAIT_OBJECT_0) {
                    released.incrementAndGet();
                }
            }));
        }
        waiting.await();
        assertTrue(SetWaitableTimer(h, relativeMillis(20), 0, null, null, false));
        for (Thread w : waiters) {
            w.join();
        }
        assertEquals(1, released.get());
    }

    @Test
    @DisplayName("a periodic timer fires again every period; waits on it never return early")
    void periodicTimer() {
        HANDLE h = timer(false);
        int period = 20;
        long start = System.nanoTime();
        assertTrue(SetWaitableTimer(h, relativeMillis(period), period, null, null, false));
        for (int i = 1; i <= 10; i++) {
            assertEquals(WAIT_OBJECT_0, WaitForSingleObject(h, 5000), "firing " + i);
            long elapsed = System.nanoTime() - start;
            assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos((long) i * period - 2),
                    "firing " + i + " came after " + elapsed / 1_000_000 + " ms");
        }
        assertTrue(CancelWaitableTimer(h));
        assertEquals(WAIT_TIMEOUT, WaitForSingleObject(h, 3 * period), "no firing after CancelWaitableTimer");
    }

    @Test
    @DisplayName("the completion routine runs on the setting thread, only in an alertable wait, with its argument and the firing time")
    void completionRoutineInAlertableWait() {
        HANDLE h = timer(true);
        Thread me = Thread.currentThread();
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        AtomicLong firedAt = new AtomicLong();
        FILETIME before = new FILETIME();
        GetSystemTimeAsFileTime(before);
        assertTrue(SetWaitableTimer(h, relativeMillis(10), 0, (arg, low, high) -> {
            calls.add(arg + (Thread.currentThread() == me ? "@setter" : "@other"));
            firedAt.set((long) high << 32 | (low & 0xFFFF_FFFFL));
        }, "ctx", false));
        Sleep(80);
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(h, 0), "the timer has fired");
        assertEquals(List.of(), calls, "no routine outside an alertable wait");
        assertEquals(WAIT_IO_COMPLETION, SleepEx(1000, true));
        assertEquals(List.of("ctx@setter"), calls);
        FILETIME after = new FILETIME();
        GetSystemTimeAsFileTime(after);
        assertTrue(firedAt.get() >= before.quadPart() + 10 * 10_000 - 20_000 && firedAt.get() <= after.quadPart(),
                "dwTimerLowValue/HighValue give the FILETIME of the firing");
    }

    @Test
    @DisplayName("a periodic timer queues at most one routine call at a time; cancel withdraws one not yet run")
    void routineQueuedOnceAndWithdrawnByCancel() {
        HANDLE h = timer(false);
        AtomicInteger calls = new AtomicInteger();
        assertTrue(SetWaitableTimer(h, relativeMillis(5), 5, (arg, low, high) -> calls.incrementAndGet(), null,
                false));
        Sleep(100);
        assertEquals(WAIT_IO_COMPLETION, SleepEx(0, true));
        assertEquals(1, calls.get(), "about 20 firings, one queued routine");
        Sleep(30);
        assertTrue(CancelWaitableTimer(h));
        assertEquals(0, SleepEx(50, true), "cancel withdrew the routine queued meanwhile");
        assertEquals(1, calls.get());
    }

    @Test
    @DisplayName("CancelWaitableTimer before the due time: the timer never signals; closing a timer stops it")
    void cancelAndClose() throws InterruptedException {
        HANDLE h = timer(true);
        assertTrue(SetWaitableTimer(h, relativeMillis(40), 0, null, null, false));
        assertTrue(CancelWaitableTimer(h));
        assertEquals(WAIT_TIMEOUT, WaitForSingleObject(h, 120));

        HANDLE closed = CreateWaitableTimer(null, true, null);
        AtomicInteger calls = new AtomicInteger();
        assertTrue(SetWaitableTimer(closed, relativeMillis(20), 0, (a, l, hi) -> calls.incrementAndGet(), null,
                false));
        assertTrue(CloseHandle(closed));
        assertEquals(0, SleepEx(80, true), "a closed timer does not fire");
        assertEquals(0, calls.get());
    }

    @Test
    @DisplayName("bad input: a non-timer or closed handle is ERROR_INVALID_HANDLE, a negative period ERROR_INVALID_PARAMETER")
    void badInput() {
        HANDLE event = t.track(CreateEvent(null, true, false, null));
        assertFalse(SetWaitableTimer(event, relativeMillis(1), 0, null, null, false));
        assertEquals(ERROR_INVALID_HANDLE, GetLastError());
        HANDLE h = timer(true);
        assertFalse(SetWaitableTimer(h, relativeMillis(1), -1, null, null, false));
        assertEquals(ERROR_INVALID_PARAMETER, GetLastError());
        assertFalse(SetWaitableTimer(h, null, 0, null, null, false));
        assertEquals(ERROR_INVALID_PARAMETER, GetLastError());
        HANDLE gone = CreateWaitableTimer(null, true, null);
        assertTrue(CloseHandle(gone));
        assertFalse(CancelWaitableTimer(gone));
        assertEquals(ERROR_INVALID_HANDLE, GetLastError());
        assertNull(CreateWaitableTimer(null, true, "Global\\named"));
        assertEquals(ERROR_NOT_SUPPORTED, GetLastError());
    }

    @Test
    @DisplayName("timers in a wait-any: WaitForMultipleObjects returns the index of the one that fired first")
    void timersInMultipleWait() {
        HANDLE slow = timer(false);
        HANDLE fast = timer(false);
        assertTrue(SetWaitableTimer(slow, relativeMillis(300), 0, null, null, false));
        assertTrue(SetWaitableTimer(fast, relativeMillis(30), 0, null, null, false));
        assertEquals(WAIT_OBJECT_0 + 1, WaitForMultipleObjects(2, new HANDLE[] {slow, fast}, false, 5000));
        assertEquals(WAIT_OBJECT_0, WaitForMultipleObjects(2, new HANDLE[] {slow, fast}, false, 5000));
    }

    @Test
    @DisplayName("timer-queue timers fire in due-time order, equal due times in creation order")
    void timerQueueOrder() {
        HANDLE queue = CreateTimerQueue();
        assertNotNull(queue);
        List<Integer> fired = Collections.synchronizedList(new ArrayList<>());
        int[] dues = {90, 30, 60, 10, 60, 0};
        for (int i = 0; i < dues.length; i++) {
            HANDLEByReference timer = new HANDLEByReference();
            int id = i;
            assertTrue(CreateTimerQueueTimer(timer, queue, (p, f) -> fired.add(id), null, dues[i], 0,
                    WT_EXECUTEINTIMERTHREAD));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (fired.size() < dues.length && System.nanoTime() < deadline) {
            Sleep(5);
        }
        assertEquals(List.of(5, 3, 1, 2, 4, 0), fired);
        assertTrue(DeleteTimerQueueEx(queue, INVALID_HANDLE_VALUE));
        assertFalse(DeleteTimerQueueEx(queue, null), "the queue handle is gone");
        assertEquals(ERROR_INVALID_HANDLE, GetLastError());
    }

    @Test
    @DisplayName("nanomsg-style worker: a periodic timer posts to the port and fires on the worker thread in GQCS")
    void timerPostsToPort() {
        HANDLE port = t.port();
        Object timerKey = "timer";
        HANDLEByReference timer = new HANDLEByReference();
        assertTrue(CreateTimerQueueTimer(timer, null,
                (p, f) -> PostQueuedCompletionStatus(port, 0, p, null), timerKey, 10, 10, WT_EXECUTEINTIMERTHREAD));
        assertTrue(PostQueuedCompletionStatus(port, 7, "task", null));
        DWORDByReference bytes = new DWORDByReference();
        ULONG_PTRByReference key = new ULONG_PTRByReference();
        OVERLAPPEDByReference ov = new OVERLAPPEDByReference();
        assertTrue(GetQueuedCompletionStatus(port, bytes, key, ov, 1000));
        assertEquals("task", key.value, "the task posted first comes first");
        long start = System.nanoTime();
        for (int i = 1; i <= 5; i++) {
            assertTrue(GetQueuedCompletionStatus(port, bytes, key, ov, 5000));
            assertSame(timerKey, key.value);
            assertNull(ov.value);
        }
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(35), "5 firings 10 ms apart");
        assertTrue(DeleteTimerQueueTimer(null, timer.value, INVALID_HANDLE_VALUE));
        while (GetQueuedCompletionStatus(port, bytes, key, ov, 0)) {
            // drain firings posted before the deletion
        }
        assertFalse(GetQueuedCompletionStatus(port, bytes, key, ov, 60), "nothing after DeleteTimerQueueTimer");
        assertEquals(WAIT_TIMEOUT, GetLastError());
    }

    @Test
    @DisplayName("DeleteTimerQueueTimer with a callback running: NULL is ERROR_IO_PENDING, INVALID_HANDLE_VALUE waits, an event is set after")
    void deletionWithRunningCallback() throws InterruptedException {
        for (String mode : List.of("null", "wait", "event")) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger finished = new AtomicInteger();
            HANDLEByReference timer = new HANDLEByReference();
            assertTrue(CreateTimerQueueTimer(timer, null, (p, f) -> {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                finished.incrementAndGet();
            }, null, 0, 0, WT_EXECUTEDEFAULT));
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            switch (mode) {
                case "null" -> {
                    assertFalse(DeleteTimerQueueTimer(null, timer.value, null));
                    assertEquals(ERROR_IO_PENDING, GetLastError());
                    release.countDown();
                }
                case "wait" -> {
                    Thread.ofVirtual().start(() -> {
                        Sleep(50);
                        release.countDown();
                    });
                    assertTrue(DeleteTimerQueueTimer(null, timer.value, INVALID_HANDLE_VALUE));
                    assertEquals(1, finished.get(), "returned only after the callback finished");
                }
                default -> {
                    HANDLE done = t.track(CreateEvent(null, true, false, null));
                    assertFalse(DeleteTimerQueueTimer(null, timer.value, done));
                    assertEquals(ERROR_IO_PENDING, GetLastError());
                    assertEquals(WAIT_TIMEOUT, WaitForSingleObject(done, 30));
                    release.countDown();
                    assertEquals(WAIT_OBJECT_0, WaitForSingleObject(done, 5000));
                    assertEquals(1, finished.get());
                }
            }
            assertFalse(ChangeTimerQueueTimer(null, timer.value, 0, 0), mode + ": the timer handle is gone");
            assertEquals(ERROR_INVALID_HANDLE, GetLastError());
        }
    }
}
