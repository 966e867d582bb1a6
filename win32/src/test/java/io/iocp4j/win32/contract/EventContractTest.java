package io.iocp4j.win32.contract;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.WSABUF;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;
import static org.junit.jupiter.api.Assertions.*;

/** Section 11.1 and 11.2: events, multi-object waits, the file object's own event, APC ordering. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventContractTest {
    private final SocketTestSupport t = new SocketTestSupport();

    @AfterEach
    void close() {
        t.close();
    }

    private HANDLE event(boolean manual, boolean initial) {
        return t.track(CreateEvent(null, manual, initial, null));
    }

    private int waitersReleased(HANDLE e, int waiters) throws InterruptedException {
        AtomicInteger released = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(waiters);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            ts.add(Thread.ofPlatform().start(() -> {
                started.countDown();
                if (WaitForSingleObject(e, 1000) == WAIT_OBJECT_0) {
                    released.incrementAndGet();
                }
            }));
        }
        started.await();
        Thread.sleep(100);
        SetEvent(e);
        for (Thread th : ts) {
            th.join();
        }
        return released.get();
    }

    @Test
    @DisplayName("EVT-1 auto-reset: one SetEvent releases exactly one of two waiters; manual-reset releases both")
    void autoAndManual() throws InterruptedException {
        assertEquals(1, waitersReleased(event(false, false), 2));
        assertEquals(2, waitersReleased(event(true, false), 2));
    }

    @Test
    @DisplayName("EVT-3 a signalled event wins over queued APCs; otherwise the APCs run and 192 is returned")
    void signalledBeatsApc() {
        HANDLE on = event(true, true);
        AtomicInteger ran = new AtomicInteger();
        QueueUserAPC(d -> ran.incrementAndGet(), GetCurrentThread(), null);
        assertEquals(WAIT_OBJECT_0, WaitForSingleObjectEx(on, 0, true));
        assertEquals(0, ran.get());
        assertEquals(WAIT_IO_COMPLETION, WaitForSingleObjectEx(event(true, false), 0, true));
        assertEquals(1, ran.get());
        assertEquals(WAIT_FAILED, WaitForSingleObject(HANDLE.of(0x7FFF_FFF0L), 0));
        assertEquals(ERROR_INVALID_HANDLE, GetLastError());
    }

    @Test
    @DisplayName("EVT-4 wait-any returns the lowest signalled index and takes only it; wait-all takes all at once")
    void multipleObjects() throws InterruptedException {
        HANDLE e0 = event(false, false);
        HANDLE e1 = event(false, true);
        HANDLE e2 = event(false, true);
        HANDLE[] hs = {e0, e1, e2};
        assertEquals(WAIT_OBJECT_0 + 1, WaitForMultipleObjects(3, hs, false, 0));
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(e2, 0), "e2 still signalled");
        assertEquals(WAIT_TIMEOUT, WaitForMultipleObjects(3, hs, false, 50));
        SetEvent(e0);
        SetEvent(e2);
        assertEquals(WAIT_TIMEOUT, WaitForMultipleObjects(3, hs, true, 50), "e1 is off: wait-all takes nothing");
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(e0, 0), "e0 was not consumed by the failed wait-all");
        SetEvent(e0);
        Thread setter = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            SetEvent(e1);
        });
        assertEquals(WAIT_OBJECT_0, WaitForMultipleObjects(3, hs, true, 5000));
        setter.join();
        assertEquals(WAIT_TIMEOUT, WaitForMultipleObjects(3, hs, false, 0), "wait-all consumed all three");
        assertEquals(WAIT_FAILED, WaitForMultipleObjects(0, hs, false, 0));
        assertEquals(ERROR_INVALID_PARAMETER, GetLastError());
        assertEquals(WAIT_FAILED, WaitForMultipleObjects(65, new HANDLE[65], false, 0));
        assertEquals(ERROR_INVALID_PARAMETER, GetLastError());
    }

    @Test
    @DisplayName("EVT-4 wait-all over 64 events, set from another thread in random order")
    void waitAllSixtyFour() throws InterruptedException {
        HANDLE[] hs = new HANDLE[64];
        for (int i = 0; i < 64; i++) {
            hs[i] = event(true, false);
        }
        Thread setter = Thread.ofPlatform().start(() -> {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                order.add(i);
            }
            java.util.Collections.shuffle(order, new java.util.Random(4));
            for (int i : order) {
                SetEvent(hs[i]);
            }
        });
        assertEquals(WAIT_OBJECT_0, WaitForMultipleObjects(64, hs, true, 5000));
        setter.join();
    }

    @Test
    @DisplayName("EVT-5 WSAWaitForMultipleEvents: 65 events is WSA_INVALID_PARAMETER; manual events stay signalled")
    void wsaEvents() {
        HANDLE e = t.track(WSACreateEvent());
        assertEquals(WSA_WAIT_TIMEOUT, WSAWaitForMultipleEvents(1, new HANDLE[] {e}, false, 0, false));
        assertTrue(WSASetEvent(e));
        assertEquals(WSA_WAIT_EVENT_0, WSAWaitForMultipleEvents(1, new HANDLE[] {e}, false, WSA_INFINITE, false));
        assertEquals(WSA_WAIT_EVENT_0, WSAWaitForMultipleEvents(1, new HANDLE[] {e}, true, 0, false));
        assertTrue(WSAResetEvent(e));
        assertEquals(WSA_WAIT_FAILED, WSAWaitForMultipleEvents(65, new HANDLE[65], false, 0, false));
        assertEquals(WSA_INVALID_PARAMETER, WSAGetLastError());
        HANDLE other = WSACreateEvent();
        assertTrue(WSACloseEvent(other));
        assertFalse(WSACloseEvent(other));
        assertEquals(WSA_INVALID_HANDLE, WSAGetLastError());
    }

    @Test
    @DisplayName("EVT-2 EVT-6 SKIP-3 issue resets hEvent; with no hEvent the socket handle itself is the event")
    void eventsDrivenByIo() {
        SOCKET[] p = t.pair();
        HANDLE e = event(true, true);
        OVERLAPPED ov = new OVERLAPPED();
        ov.hEvent = e;
        WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null, new DWORDByReference(), ov, null);
        assertEquals(WAIT_TIMEOUT, WaitForSingleObject(e, 0), "EVT-2 reset at issue");
        t.sendText(p[0], "a");
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(e, 5000));

        OVERLAPPED noEvent = new OVERLAPPED();
        WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null, new DWORDByReference(), noEvent, null);
        assertEquals(WAIT_TIMEOUT, WaitForSingleObject(p[1], 0), "EVT-6 the socket is reset at issue");
        t.sendText(p[0], "bc");
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(p[1], 5000));
        DWORDByReference n = new DWORDByReference();
        assertTrue(GetOverlappedResult(p[1], noEvent, n, true));
        assertEquals(2, n.value);

        assertTrue(SetFileCompletionNotificationModes(p[1], FILE_SKIP_SET_EVENT_ON_HANDLE));
        OVERLAPPED skip = new OVERLAPPED();
        WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null, new DWORDByReference(), skip, null);
        t.sendText(p[0], "d");
        assertTrue(GetOverlappedResult(p[1], skip, n, true));
        assertEquals(WAIT_TIMEOUT, WaitForSingleObject(p[1], 0), "SKIP-3 the handle is no longer set");
    }

    @Test
    @DisplayName("GOR-2 GetOverlappedResultEx: 0 is ERROR_IO_INCOMPLETE, a timeout WAIT_TIMEOUT, an APC "
            + "WAIT_IO_COMPLETION, then success")
    void getOverlappedResultEx() {
        SOCKET[] p = t.pair();
        OVERLAPPED ov = new OVERLAPPED();
        ov.hEvent = event(true, false);
        WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null, new DWORDByReference(), ov, null);
        DWORDByReference n = new DWORDByReference();
        assertFalse(GetOverlappedResultEx(p[1], ov, n, 0, false));
        assertEquals(ERROR_IO_INCOMPLETE, GetLastError());
        assertFalse(GetOverlappedResultEx(p[1], ov, n, 50, false));
        assertEquals(WAIT_TIMEOUT, GetLastError());
        QueueUserAPC(d -> { }, GetCurrentThread(), null);
        assertFalse(GetOverlappedResultEx(p[1], ov, n, 5000, true));
        assertEquals(WAIT_IO_COMPLETION, GetLastError());
        t.sendText(p[0], "xyz");
        assertTrue(GetOverlappedResultEx(p[1], ov, n, 5000, true));
        assertEquals(3, n.value);
    }

    @Test
    @DisplayName("APC-1 APC-2 LNX-17 APCs run in FIFO order, including ones queued by an APC, all in one SleepEx")
    void apcOrder() {
        List<String> order = new ArrayList<>();
        QueueUserAPC(d -> {
            order.add("A");
            QueueUserAPC(x -> order.add("D"), GetCurrentThread(), null);
        }, GetCurrentThread(), null);
        QueueUserAPC(d -> order.add("B"), GetCurrentThread(), null);
        QueueUserAPC(d -> order.add("C"), GetCurrentThread(), null);
        assertEquals(WAIT_IO_COMPLETION, SleepEx(0, true));
        assertEquals(List.of("A", "B", "C", "D"), order);
        assertEquals(0, SleepEx(0, true));
    }

    @Test
    @DisplayName("issue 4 LNX-17: an APC queued to a thread blocked in SleepEx(INFINITE, TRUE) runs within 10 ms "
            + "(median of 20)")
    void apcLatency() throws InterruptedException {
        long[] latencies = new long[20];
        for (int i = 0; i < latencies.length; i++) {
            long[] ran = new long[1];
            CountDownLatch inWait = new CountDownLatch(1);
            long[] tid = new long[1];
            Thread sleeper = Thread.ofPlatform().start(() -> {
                tid[0] = GetCurrentThreadId();
                inWait.countDown();
                SleepEx(INFINITE, true);
            });
            inWait.await();
            Thread.sleep(20);
            HANDLE h = OpenThread(0, false, tid[0]);
            long t0 = System.nanoTime();
            QueueUserAPC(d -> ran[0] = System.nanoTime(), h, null);
            sleeper.join(5000);
            CloseHandle(h);
            latencies[i] = ran[0] - t0;
        }
        java.util.Arrays.sort(latencies);
        assertTrue(latencies[10] < 10_000_000L, "median " + latencies[10] / 1000 + " us");
    }

    @Test
    @DisplayName("GOR-1 GetOverlappedResult: FALSE/996 while pending; after completion the count and status, the same "
            + "every time; the count is written on failure too; the handle only matters for the fallback wait")
    void getOverlappedResult() {
        SOCKET[] p = t.pair();
        OVERLAPPED ov = new OVERLAPPED();
        ov.hEvent = event(true, false);
        WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null, new DWORDByReference(), ov, null);
        DWORDByReference n = new DWORDByReference();
        assertFalse(GetOverlappedResult(p[1], ov, n, false));
        assertEquals(ERROR_IO_INCOMPLETE, GetLastError());
        t.sendText(p[0], "four");
        assertTrue(GetOverlappedResult(p[1], ov, n, true));
        assertEquals(4, n.value);
        for (int i = 0; i < 3; i++) {
            n.value = 0;
            assertTrue(GetOverlappedResult(p[0], ov, n, false), "any handle, any number of times");
            assertEquals(4, n.value);
        }
        OVERLAPPED cancelled = new OVERLAPPED();
        cancelled.hEvent = event(true, false);
        WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null, new DWORDByReference(), cancelled, null);
        assertTrue(CancelIoEx(p[1], cancelled));
        n.value = 99;
        assertFalse(GetOverlappedResult(p[1], cancelled, n, true));
        assertEquals(ERROR_OPERATION_ABORTED, GetLastError());
        assertEquals(0, n.value, "InternalHigh is written on failure too");
        assertFalse(GetOverlappedResult(p[1], cancelled, n, false));
        assertEquals(ERROR_OPERATION_ABORTED, GetLastError());
    }

    @Test
    @DisplayName("GOR-1 GOR-3 a waiting GetOverlappedResult sleeps until the operation completes: it does not poll "
            + "(the waiting thread is scheduled a handful of times in 500 ms, not once per look)")
    void waitingResultSleeps() throws Exception {
        SOCKET[] p = t.pair();
        for (boolean winsock : new boolean[] {false, true}) {
            OVERLAPPED ov = new OVERLAPPED();
            WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null, new DWORDByReference(), ov, null);
            DWORDByReference n = new DWORDByReference();
            long[] switches = new long[1];
            boolean[] ok = new boolean[1];
            CountDownLatch waiting = new CountDownLatch(1);
            Thread waiter = Thread.ofPlatform().start(() -> {
                long before = voluntarySwitchesOfThisThread();
                waiting.countDown();
                ok[0] = winsock ? WSAGetOverlappedResult(p[1], ov, n, true, new DWORDByReference())
                        : GetOverlappedResult(p[1], ov, n, true);
                switches[0] = voluntarySwitchesOfThisThread() - before;
            });
            assertTrue(waiting.await(5, TimeUnit.SECONDS));
            Thread.sleep(500);
            t.sendText(p[0], "x");
            waiter.join(5000);
            assertFalse(waiter.isAlive());
            assertTrue(ok[0]);
            assertEquals(1, n.value);
            assertTrue(switches[0] < 25, (winsock ? "WSAGetOverlappedResult" : "GetOverlappedResult")
                    + "'s thread was switched out " + switches[0] + " times while waiting 500 ms");
        }
    }

    /** This thread's voluntary context switches so far (Linux: each time it blocked or slept). */
    private static long voluntarySwitchesOfThisThread() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/thread-self/status"))) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("no voluntary_ctxt_switches in /proc/thread-self/status");
    }

    @Test
    @DisplayName("GOR-3 WSAGetOverlappedResult: WSA_IO_INCOMPLETE while pending, WSA_OPERATION_ABORTED when cancelled; "
            + "a handle that is not a socket is WSAENOTSOCK, a NULL OVERLAPPED WSA_INVALID_PARAMETER")
    void wsaGetOverlappedResult() {
        SOCKET[] p = t.pair();
        HANDLE e = event(true, false);
        OVERLAPPED ov = new OVERLAPPED();
        ov.hEvent = e;
        WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null, new DWORDByReference(), ov, null);
        DWORDByReference n = new DWORDByReference();
        DWORDByReference flags = new DWORDByReference(-1);
        assertFalse(WSAGetOverlappedResult(p[1], ov, n, false, flags));
        assertEquals(WSA_IO_INCOMPLETE, WSAGetLastError());
        assertFalse(WSAGetOverlappedResult(SOCKET.of(e.value()), ov, n, false, flags));
        assertEquals(WSAENOTSOCK, WSAGetLastError(), "an event handle is not a socket");
        assertFalse(WSAGetOverlappedResult(p[1], null, n, false, flags));
        assertEquals(WSA_INVALID_PARAMETER, WSAGetLastError());
        assertTrue(CancelIoEx(p[1], ov));
        assertFalse(WSAGetOverlappedResult(p[1], ov, n, true, flags));
        assertEquals(WSA_OPERATION_ABORTED, WSAGetLastError());
        OVERLAPPED ok = new OVERLAPPED();
        ok.hEvent = e;
        WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null, new DWORDByReference(), ok, null);
        t.sendText(p[0], "ok");
        assertTrue(WSAGetOverlappedResult(p[1], ok, n, true, flags));
        assertEquals(2, n.value);
        assertEquals(0, flags.value);
    }

    @Test
    @DisplayName("GOR-4 ERR-1 NTSTATUS sweep: a hand-set Internal gives TRUE only for success, else the Win32 code "
            + "from GetOverlappedResult and RtlNtStatusToDosError, the WSA code from WSAGetOverlappedResult (table 14.2)")
    void statusSweep() {
        SOCKET s = t.tcp();
        int inval = 10022;
        int[][] rows = {  // NTSTATUS, Win32, WSA
            {0x00000000, 0, 0}, {0x80000005, 234, 10040}, {0xC0000008, 6, 10038}, {0xC000000D, 87, 10022},
            {0xC0000011, 38, inval}, {0xC0000017, 8, 10055}, {0xC0000022, 5, 10013}, {0xC0000023, 122, 10014},
            {0xC0000024, 6, 10038}, {0xC0000034, 2, inval}, {0xC0000035, 183, inval}, {0xC000003A, 3, inval},
            {0xC0000043, 32, 10048}, {0xC0000048, 87, inval}, {0xC000007F, 112, inval}, {0xC000009A, 1450, 10055},
            {0xC00000A3, 21, 10035}, {0xC00000B0, 233, 10058}, {0xC00000B5, 121, 10060}, {0xC00000BA, 5, inval},
            {0xC00000BB, 50, 10045}, {0xC00000BF, 54, 10050}, {0xC000011F, 4, 10024}, {0xC0000120, 995, 995},
            {0xC000013B, 64, 10053}, {0xC000013C, 64, 10054}, {0xC0000140, 59, 10057}, {0xC0000141, 59, 10049},
            {0xC0000185, 1117, inval}, {0xC0000206, 1784, 10040}, {0xC0000207, 1214, 10049},
            {0xC000020A, 52, 10048}, {0xC000020C, 64, 10054}, {0xC000020D, 64, 10054}, {0xC0000225, 1168, inval},
            {0xC0000236, 1225, 10061}, {0xC0000237, 1226, 10101}, {0xC000023B, 1230, 10056},
            {0xC000023C, 1231, 10051}, {0xC000023D, 1232, 10065}, {0xC000023E, 1233, 10051},
            {0xC000023F, 1234, 10054}, {0xC0000240, 1235, 10004}, {0xC0000241, 1236, 10053},
        };
        DWORDByReference n = new DWORDByReference();
        for (int[] row : rows) {
            String name = "NTSTATUS 0x" + Integer.toHexString(row[0]);
            OVERLAPPED ov = new OVERLAPPED();
            ov.Internal = row[0];
            ov.InternalHigh = 7;
            n.value = 0;
            boolean win32 = GetOverlappedResult(s, ov, n, false);
            assertEquals(row[0] == 0, win32, name);
            assertEquals(7, n.value, name);
            if (!win32) {
                assertEquals(row[1], GetLastError(), name + " Win32");
            }
            assertEquals(row[1], RtlNtStatusToDosError(ov.Internal), name + " RtlNtStatusToDosError");
            n.value = 0;
            boolean wsa = WSAGetOverlappedResult(s, ov, n, false, new DWORDByReference());
            assertEquals(row[0] == 0, wsa, name);
            assertEquals(7, n.value, name);
            if (!wsa) {
                assertEquals(row[2], WSAGetLastError(), name + " WSA");
            }
        }
        OVERLAPPED pending = new OVERLAPPED();
        pending.Internal = 0x103;
        assertFalse(GetOverlappedResult(s, pending, n, false));
        assertEquals(ERROR_IO_INCOMPLETE, GetLastError());
        assertFalse(WSAGetOverlappedResult(s, pending, n, false, new DWORDByReference()));
        assertEquals(WSA_IO_INCOMPLETE, WSAGetLastError());
    }

    @Test
    @DisplayName("GOR-5 asking GetOverlappedResult does not consume the port packet")
    void resultQueryKeepsPacket() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 5L, 0);
        OVERLAPPED ov = new OVERLAPPED();
        ov.hEvent = event(true, false);
        WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null, new DWORDByReference(), ov, null);
        t.sendText(p[0], "pkt");
        DWORDByReference n = new DWORDByReference();
        assertTrue(GetOverlappedResult(p[1], ov, n, true));
        assertEquals(3, n.value);
        assertTrue(GetOverlappedResult(p[1], ov, n, true));
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 1000), "the packet is still there");
        assertSame(ov, t.ov.value);
        assertEquals(3, t.bytes.value);
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 100), "only one");
    }

    @Test
    @DisplayName("APC-3 QueueUserAPC succeeds; the function runs on the target thread in its next alertable wait, "
            + "with its argument; a thread that never waits alertably never runs it")
    void queueUserApcToAnotherThread() throws InterruptedException {
        List<String> ran = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        long[] tid = new long[1];
        CountDownLatch started = new CountDownLatch(1);
        int[] sleepResult = new int[1];
        Thread target = Thread.ofPlatform().start(() -> {
            tid[0] = GetCurrentThreadId();
            started.countDown();
            try {
                go.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            sleepResult[0] = SleepEx(5000, true);
        });
        started.await();
        HANDLE h = t.track(OpenThread(0, false, tid[0]));
        assertTrue(QueueUserAPC(d -> ran.add(d + "@" + (Thread.currentThread() == target)), h, "arg"));
        Thread.sleep(100);
        assertTrue(ran.isEmpty(), "not outside an alertable wait");
        go.countDown();
        target.join();
        assertEquals(WAIT_IO_COMPLETION, sleepResult[0]);
        assertEquals(List.of("arg@true"), ran);

        CountDownLatch queued = new CountDownLatch(1);
        long[] tid2 = new long[1];
        CountDownLatch started2 = new CountDownLatch(1);
        Thread never = Thread.ofPlatform().start(() -> {
            tid2[0] = GetCurrentThreadId();
            started2.countDown();
            try {
                queued.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            Sleep(50);  // a wait, but not an alertable one
        });
        started2.await();
        HANDLE h2 = t.track(OpenThread(0, false, tid2[0]));
        assertTrue(QueueUserAPC(d -> ran.add("never"), h2, null));
        queued.countDown();
        never.join();
        Thread.sleep(100);
        assertEquals(List.of("arg@true"), ran, "discarded with the thread");
    }
}
