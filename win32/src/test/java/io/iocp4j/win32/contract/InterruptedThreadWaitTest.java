package io.iocp4j.win32.contract;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.OVERLAPPEDByReference;
import io.iocp4j.win32.ULONG_PTRByReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A Java thread that calls the Win32 waits with its interrupt status set (a pool shutting down, a cancelled task):
 * Win32 has no interrupts, so each wait behaves exactly as it would otherwise, without spinning on its CPU while
 * it waits, and the thread still sees its interrupt status afterwards.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InterruptedThreadWaitTest {
    private static final int WAIT_MS = 300;
    /** A parked waiter spends a few ms of CPU at most; one that spins spends about the whole wait. */
    private static final long MAX_WAIT_CPU_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private final SocketTestSupport t = new SocketTestSupport();

    @AfterEach
    void close() {
        t.close();
    }

    private record Outcome(int result, long cpuNanos, long elapsedNanos, boolean stillInterrupted) {
    }

    private static CompletableFuture<Outcome> onInterruptedThread(IntSupplier wait) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            Thread.currentThread().interrupt();
            long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long start = System.nanoTime();
            try {
                int r = wait.getAsInt();
                outcome.complete(new Outcome(r, ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu,
                        System.nanoTime() - start, Thread.currentThread().isInterrupted()));
            } catch (Throwable e) {
                outcome.completeExceptionally(e);
            }
        });
        return outcome;
    }

    private static void assertWaitedQuietly(Outcome o) {
        assertTrue(o.elapsedNanos() >= TimeUnit.MILLISECONDS.toNanos(WAIT_MS), "the wait was not cut short");
        assertTrue(o.stillInterrupted(), "the interrupt status is given back");
        assertTrue(o.cpuNanos() < MAX_WAIT_CPU_NANOS, "parked, not spinning: " + o.cpuNanos() / 1_000_000 + " ms CPU");
    }

    /** {@code wait} (of WAIT_MS), on an interrupted thread, returns {@code expected} after the whole wait, quietly. */
    private static void assertWaitsQuietly(int expected, IntSupplier wait) throws Exception {
        Outcome o = onInterruptedThread(wait).get(10, TimeUnit.SECONDS);
        assertEquals(expected, o.result());
        assertWaitedQuietly(o);
    }

    @Test
    @DisplayName("GQCS-3 GetQueuedCompletionStatus times out (WAIT_TIMEOUT) on an interrupted thread")
    void portWaitTimesOut() throws Exception {
        HANDLE port = t.port();
        assertWaitsQuietly(WAIT_TIMEOUT, () -> {
            boolean ok = GetQueuedCompletionStatus(port, new DWORDByReference(), new ULONG_PTRByReference(),
                    new OVERLAPPEDByReference(), WAIT_MS);
            return ok ? 0 : GetLastError();
        });
    }

    @Test
    @DisplayName("GQCS-5 GetQueuedCompletionStatus on an interrupted thread takes the packet posted later")
    void portWaitTakesPacket() throws Exception {
        HANDLE port = t.port();
        CompletableFuture<Outcome> waited = onInterruptedThread(() -> {
            ULONG_PTRByReference key = new ULONG_PTRByReference();
            boolean ok = GetQueuedCompletionStatus(port, new DWORDByReference(), key, new OVERLAPPEDByReference(),
                    INFINITE);
            return ok ? (int) key.value : -1;
        });
        Sleep(WAIT_MS);
        assertFalse(waited.isDone());
        assertTrue(PostQueuedCompletionStatus(port, 0, 42, null));
        Outcome o = waited.get(10, TimeUnit.SECONDS);
        assertEquals(42, o.result());
        assertWaitedQuietly(o);
    }

    @Test
    @DisplayName("EVT-1 WaitForSingleObject on an event times out on an interrupted thread")
    void eventWaitTimesOut() throws Exception {
        HANDLE event = t.track(CreateEvent(null, true, false, null));
        assertWaitsQuietly(WAIT_TIMEOUT, () -> WaitForSingleObject(event, WAIT_MS));
    }

    @Test
    @DisplayName("CICP-12 WaitForSingleObject on a port times out on an interrupted thread")
    void portObjectWaitTimesOut() throws Exception {
        HANDLE port = t.port();
        assertWaitsQuietly(WAIT_TIMEOUT, () -> WaitForSingleObject(port, WAIT_MS));
    }

    @Test
    @DisplayName("LNX-17 Sleep and SleepEx (alertable, no APC) sleep the whole time on an interrupted thread")
    void sleeps() throws Exception {
        assertWaitsQuietly(0, () -> {
            Sleep(WAIT_MS);
            return 0;
        });
        assertWaitsQuietly(0, () -> SleepEx(WAIT_MS, true));
    }
}
