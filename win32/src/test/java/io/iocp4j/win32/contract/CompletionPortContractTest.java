package io.iocp4j.win32.contract;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.OVERLAPPEDByReference;
import io.iocp4j.win32.OVERLAPPED_ENTRY;
import io.iocp4j.win32.ULONGByReference;
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

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static org.junit.jupiter.api.Assertions.*;

/** Contract sections 2-5 through the Win32 facade: return values, out-parameters and error numbers. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CompletionPortContractTest {
    private final List<HANDLE> ports = new ArrayList<>();
    private final DWORDByReference bytes = new DWORDByReference();
    private final ULONG_PTRByReference key = new ULONG_PTRByReference();
    private final OVERLAPPEDByReference ov = new OVERLAPPEDByReference();

    private HANDLE newPort(int concurrency) {
        HANDLE p = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, concurrency);
        assertNotNull(p, () -> "CreateIoCompletionPort failed: " + GetLastError());
        ports.add(p);
        return p;
    }

    @AfterEach
    void closePorts() {
        ports.forEach(p -> CloseHandle(p));
    }

    @Test
    @DisplayName("CICP-1 a bare port is created and is empty")
    void barePort() {
        HANDLE p = newPort(0);
        assertNotEquals(INVALID_HANDLE_VALUE, p);
        assertEquals(0, p.value() & 3, "handle values are multiples of 4 (LNX-15)");
        assertFalse(GetQueuedCompletionStatus(p, bytes, key, ov, 0));
        assertEquals(WAIT_TIMEOUT, GetLastError());
        assertNull(ov.value);
    }

    @Test
    @DisplayName("CICP-4 SUB-14 a closed port handle is invalid, and closing it twice fails with ERROR_INVALID_HANDLE")
    void closeTwice() {
        HANDLE p = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0);
        assertTrue(CloseHandle(p));
        assertFalse(GetQueuedCompletionStatus(p, bytes, key, ov, 0));
        assertEquals(ERROR_INVALID_HANDLE, GetLastError());
        assertFalse(CloseHandle(p));
        assertEquals(ERROR_INVALID_HANDLE, GetLastError());
    }

    @Test
    @DisplayName("CICP-5 INVALID_HANDLE_VALUE with an existing port is ERROR_INVALID_PARAMETER")
    void invalidWithExisting() {
        HANDLE p = newPort(0);
        assertNull(CreateIoCompletionPort(INVALID_HANDLE_VALUE, p, 0, 0));
        assertEquals(ERROR_INVALID_PARAMETER, GetLastError());
    }

    @Test
    @DisplayName("CICP-8 a garbage file handle and a non-port existing handle are ERROR_INVALID_HANDLE")
    void invalidHandles() {
        HANDLE p = newPort(0);
        assertNull(CreateIoCompletionPort(HANDLE.of(0x7FFF_FFF0L), p, 1, 0));
        assertEquals(ERROR_INVALID_HANDLE, GetLastError());
        HANDLE closed = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0);
        CloseHandle(closed);
        assertNull(CreateIoCompletionPort(closed, p, 1, 0));
        assertEquals(ERROR_INVALID_HANDLE, GetLastError());
        assertFalse(PostQueuedCompletionStatus(HANDLE.of(p.value() + 0x10000), 0, 0, null));
        assertEquals(ERROR_INVALID_HANDLE, GetLastError());
    }

    @Test
    @DisplayName("CICP-9 PQCS-1 keys and values come back verbatim, 64 bits")
    void opaqueValues() {
        HANDLE p = newPort(0);
        OVERLAPPED marker = new OVERLAPPED();
        marker.Internal = 0xDEADBEEFL;
        assertTrue(PostQueuedCompletionStatus(p, 0xFFFFFFFF, 0xFFFF_FFFF_FFFF_FFF0L, marker));
        assertTrue(GetQueuedCompletionStatus(p, bytes, key, ov, 0));
        assertEquals(0xFFFFFFFF, bytes.value);
        assertEquals(0xFFFF_FFFF_FFFF_FFF0L, key.longValue());
        assertSame(marker, ov.value);
        assertEquals(0xDEADBEEFL, marker.Internal, "a posted OVERLAPPED is never written (GQCS-19)");
    }

    @Test
    @DisplayName("GQCS-3 SUB-7 timeout: FALSE, WAIT_TIMEOUT, NULL overlapped, bytes and key untouched")
    void timeoutLeavesOutputs() {
        HANDLE p = newPort(0);
        bytes.value = 0xDEADBEEF;
        key.value = 0xDEADBEEFL;
        ov.value = new OVERLAPPED();
        long t0 = System.nanoTime();
        assertFalse(GetQueuedCompletionStatus(p, bytes, key, ov, 100));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(WAIT_TIMEOUT, GetLastError());
        assertNull(ov.value);
        assertEquals(0xDEADBEEF, bytes.value);
        assertEquals(0xDEADBEEFL, key.value);
        assertTrue(ms >= 95, "waited " + ms + " ms");
    }

    @Test
    @DisplayName("GQCS-4 timeout 0 never blocks; a finite timeout is a deadline; INFINITE waits for a late packet")
    void timeoutValues() throws InterruptedException {
        HANDLE p = newPort(0);
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            long t0 = System.nanoTime();
            assertFalse(GetQueuedCompletionStatus(p, bytes, key, ov, 0));
            fastest = Math.min(fastest, System.nanoTime() - t0);
            assertEquals(WAIT_TIMEOUT, GetLastError());
        }
        assertTrue(fastest < 1_000_000, "a zero timeout returned after " + fastest / 1000 + " us at best");
        assertTrue(PostQueuedCompletionStatus(p, 1, 2L, null));
        assertTrue(GetQueuedCompletionStatus(p, bytes, key, ov, 0), "timeout 0 takes a packet that is there");

        long t0 = System.nanoTime();
        assertFalse(GetQueuedCompletionStatus(p, bytes, key, ov, 250));
        long waited = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(WAIT_TIMEOUT, GetLastError());
        assertTrue(waited >= 245 && waited < 2000, "a 250 ms timeout waited " + waited + " ms");

        Thread poster = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            PostQueuedCompletionStatus(p, 7, 8L, null);
        });
        t0 = System.nanoTime();
        assertTrue(GetQueuedCompletionStatus(p, bytes, key, ov, INFINITE), () -> "error " + GetLastError());
        waited = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(waited >= 1990, "INFINITE returned after " + waited + " ms, before the post");
        assertEquals(7, bytes.value);
        assertEquals(8L, key.longValue());
        poster.join();
    }

    @Test
    @DisplayName("GQCS-5 a posted packet with NULL overlapped returns TRUE")
    void postedNullOverlapped() {
        HANDLE p = newPort(0);
        assertTrue(PostQueuedCompletionStatus(p, 0, 0L, null));
        ov.value = new OVERLAPPED();
        assertTrue(GetQueuedCompletionStatus(p, bytes, key, ov, INFINITE));
        assertEquals(0, bytes.value);
        assertEquals(0L, key.longValue());
        assertNull(ov.value);
    }

    @Test
    @DisplayName("GQCS-6 GQCS(INFINITE) on a closed port returns at once with ERROR_INVALID_HANDLE")
    void closedPortInfinite() {
        HANDLE p = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0);
        CloseHandle(p);
        ov.value = new OVERLAPPED();
        assertFalse(GetQueuedCompletionStatus(p, bytes, key, ov, INFINITE));
        assertEquals(ERROR_INVALID_HANDLE, GetLastError());
        assertNull(ov.value);
    }

    @Test
    @DisplayName("GQCS-7 E2E-4 closing the port releases every waiter with ERROR_ABANDONED_WAIT_0")
    void closeReleasesWaiters() throws InterruptedException {
        HANDLE p = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 2);
        int n = 8;
        CountDownLatch started = new CountDownLatch(n);
        List<Integer> errors = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                DWORDByReference b = new DWORDByReference();
                ULONG_PTRByReference k = new ULONG_PTRByReference();
                OVERLAPPEDByReference o = new OVERLAPPEDByReference(new OVERLAPPED());
                started.countDown();
                boolean ok = GetQueuedCompletionStatus(p, b, k, o, INFINITE);
                errors.add(ok ? -1 : o.value == null ? GetLastError() : -2);
            }));
        }
        started.await();
        Thread.sleep(100);
        long t0 = System.nanoTime();
        assertTrue(CloseHandle(p));
        for (Thread t : threads) {
            t.join(5000);
        }
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 2000);
        assertEquals(Collections.nCopies(n, ERROR_ABANDONED_WAIT_0), errors);
    }

    @Test
    @DisplayName("GQCS-8 PQCS-6 packets are FIFO; a long queue is fine")
    void fifo() {
        HANDLE p = newPort(0);
        for (long i = 1; i <= 100_000; i++) {
            assertTrue(PostQueuedCompletionStatus(p, (int) i, i, null));
        }
        for (long i = 1; i <= 100_000; i++) {
            assertTrue(GetQueuedCompletionStatus(p, bytes, key, ov, 0));
            assertEquals(i, key.longValue());
        }
        assertFalse(GetQueuedCompletionStatus(p, bytes, key, ov, 0));
    }

    @Test
    @DisplayName("GQCS-9 SUB-8 waiters are released LIFO (packets stay FIFO, GQCS-8)")
    void lifoWaiters() throws InterruptedException {
        HANDLE p = newPort(0);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (String name : List.of("T1", "T2", "T3")) {
            threads.add(Thread.ofPlatform().start(() -> {
                DWORDByReference b = new DWORDByReference();
                ULONG_PTRByReference k = new ULONG_PTRByReference();
                OVERLAPPEDByReference o = new OVERLAPPEDByReference();
                if (GetQueuedCompletionStatus(p, b, k, o, INFINITE)) {
                    order.add(name);
                }
            }));
            Thread.sleep(50);
        }
        for (int i = 0; i < 3; i++) {
            PostQueuedCompletionStatus(p, 0, (long) i, null);
            Thread.sleep(100);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of("T3", "T2", "T1"), order);
    }

    @Test
    @DisplayName("GQCS-10 a packet is handed to a blocked waiter, never seen by a later caller")
    void directHandOff() throws InterruptedException {
        HANDLE p = newPort(0);
        CountDownLatch got = new CountDownLatch(1);
        Thread waiter = Thread.ofPlatform().start(() -> {
            if (GetQueuedCompletionStatus(p, new DWORDByReference(), new ULONG_PTRByReference(),
                    new OVERLAPPEDByReference(), INFINITE)) {
                got.countDown();
            }
        });
        Thread.sleep(100);
        PostQueuedCompletionStatus(p, 0, 1L, null);
        assertFalse(GetQueuedCompletionStatus(p, bytes, key, ov, 0));
        assertEquals(WAIT_TIMEOUT, GetLastError());
        assertTrue(got.await(5, TimeUnit.SECONDS));
        waiter.join();
    }

    @Test
    @DisplayName("GQCS-13 one thread looping with timeout 0 on a limit-1 port takes every packet")
    void reentryGivesSlotBack() {
        HANDLE p = newPort(1);
        for (int i = 0; i < 100; i++) {
            PostQueuedCompletionStatus(p, i, 0L, null);
        }
        for (int i = 0; i < 100; i++) {
            assertTrue(GetQueuedCompletionStatus(p, bytes, key, ov, 0), "packet " + i);
        }
        assertFalse(GetQueuedCompletionStatus(p, bytes, key, ov, 0));
        assertEquals(WAIT_TIMEOUT, GetLastError());
    }

    @Test
    @DisplayName("GQCS-14 Sleep gives the port slot back: a second worker is released at once")
    void sleepFreesSlot() throws InterruptedException {
        HANDLE p = newPort(1);
        CountDownLatch aHasPacket = new CountDownLatch(1);
        Thread a = Thread.ofPlatform().start(() -> {
            if (GetQueuedCompletionStatus(p, new DWORDByReference(), new ULONG_PTRByReference(),
                    new OVERLAPPEDByReference(), INFINITE)) {
                aHasPacket.countDown();
                Sleep(3000);
            }
        });
        PostQueuedCompletionStatus(p, 0, 1L, null);
        assertTrue(aHasPacket.await(5, TimeUnit.SECONDS));
        AtomicInteger bGot = new AtomicInteger();
        Thread b = Thread.ofPlatform().start(() -> {
            if (GetQueuedCompletionStatus(p, new DWORDByReference(), new ULONG_PTRByReference(),
                    new OVERLAPPEDByReference(), INFINITE)) {
                bGot.set(1);
            }
        });
        Thread.sleep(100);
        long t0 = System.nanoTime();
        PostQueuedCompletionStatus(p, 0, 2L, null);
        b.join(2000);
        assertEquals(1, bGot.get(), "worker B was not released while A slept");
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 2000);
        a.join();
    }

    @Test
    @DisplayName("GQCS-18 GQCS never runs APCs; SleepEx(0, TRUE) does")
    void gqcsNotAlertable() {
        HANDLE p = newPort(0);
        AtomicInteger ran = new AtomicInteger();
        assertTrue(QueueUserAPC(data -> ran.incrementAndGet(), GetCurrentThread(), 7L));
        assertFalse(GetQueuedCompletionStatus(p, bytes, key, ov, 100));
        assertEquals(WAIT_TIMEOUT, GetLastError());
        assertEquals(0, ran.get());
        assertEquals(WAIT_IO_COMPLETION, SleepEx(0, true));
        assertEquals(1, ran.get());
    }

    @Test
    @DisplayName("GQCSX-1 GQCSX-7 batches take what is queued, FIFO, posted entries have Internal 0")
    void batches() {
        HANDLE p = newPort(0);
        OVERLAPPED_ENTRY[] entries = OVERLAPPED_ENTRY.array(10);
        ULONGByReference removed = new ULONGByReference();
        OVERLAPPED seven = new OVERLAPPED();
        PostQueuedCompletionStatus(p, 5, 6L, seven);
        PostQueuedCompletionStatus(p, 1, 2L, null);
        PostQueuedCompletionStatus(p, 3, 4L, null);
        assertTrue(GetQueuedCompletionStatusEx(p, entries, 10, removed, 0, false));
        assertEquals(3, removed.value);
        assertEquals(6L, entries[0].lpCompletionKey);
        assertSame(seven, entries[0].lpOverlapped);
        assertEquals(0L, entries[0].Internal);
        assertEquals(5, entries[0].dwNumberOfBytesTransferred);
        assertEquals(2L, entries[1].lpCompletionKey);
        assertEquals(4L, entries[2].lpCompletionKey);
        for (int i = 0; i < 20; i++) {
            PostQueuedCompletionStatus(p, i, (long) i, null);
        }
        int[] sizes = new int[3];
        for (int call = 0; call < 3; call++) {
            assertTrue(GetQueuedCompletionStatusEx(p, entries, 8, removed, 0, false));
            sizes[call] = removed.value;
        }
        assertArrayEquals(new int[] {8, 8, 4}, sizes);
    }

    @Test
    @DisplayName("GQCSX-3 GQCSX-5 timeout, zero count, invalid port")
    void batchErrors() {
        HANDLE p = newPort(0);
        OVERLAPPED_ENTRY[] entries = OVERLAPPED_ENTRY.array(4);
        ULONGByReference removed = new ULONGByReference(99);
        assertFalse(GetQueuedCompletionStatusEx(p, entries, 4, removed, 50, false));
        assertEquals(WAIT_TIMEOUT, GetLastError());
        assertEquals(0, removed.value);
        assertFalse(GetQueuedCompletionStatusEx(p, entries, 0, removed, 0, false));
        assertEquals(ERROR_INVALID_PARAMETER, GetLastError());
        HANDLE closed = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0);
        CloseHandle(closed);
        assertFalse(GetQueuedCompletionStatusEx(closed, entries, 4, removed, 0, false));
        assertEquals(ERROR_INVALID_HANDLE, GetLastError());
    }

    @Test
    @DisplayName("GQCSX-4 an APC queued during an alertable wait runs there and the call returns WAIT_IO_COMPLETION")
    void alertableWait() throws InterruptedException {
        HANDLE p = newPort(0);
        AtomicInteger ranOn = new AtomicInteger();
        CountDownLatch ready = new CountDownLatch(1);
        long[] tid = new long[1];
        int[] result = new int[2];
        Thread waiter = Thread.ofPlatform().start(() -> {
            tid[0] = GetCurrentThreadId();
            ready.countDown();
            ULONGByReference removed = new ULONGByReference(5);
            boolean ok = GetQueuedCompletionStatusEx(p, OVERLAPPED_ENTRY.array(1), 1, removed, INFINITE, true);
            result[0] = ok ? -1 : GetLastError();
            result[1] = removed.value;
        });
        ready.await();
        Thread.sleep(100);
        HANDLE thread = OpenThread(0, false, tid[0]);
        assertNotNull(thread);
        assertTrue(QueueUserAPC(data -> ranOn.set(Thread.currentThread() == waiter ? 1 : 2), thread, null));
        waiter.join(5000);
        assertEquals(1, ranOn.get(), "the APC ran on the waiting thread");
        assertEquals(WAIT_IO_COMPLETION, result[0]);
        assertEquals(0, result[1]);
        CloseHandle(thread);
    }

    @Test
    @DisplayName("GQCSX-4b a queued packet wins over a queued APC")
    void packetBeatsApc() {
        HANDLE p = newPort(0);
        AtomicInteger ran = new AtomicInteger();
        QueueUserAPC(data -> ran.incrementAndGet(), GetCurrentThread(), null);
        PostQueuedCompletionStatus(p, 1, 1L, null);
        ULONGByReference removed = new ULONGByReference();
        assertTrue(GetQueuedCompletionStatusEx(p, OVERLAPPED_ENTRY.array(4), 4, removed, INFINITE, true));
        assertEquals(1, removed.value);
        assertEquals(0, ran.get());
        assertEquals(WAIT_IO_COMPLETION, SleepEx(0, true));
        assertEquals(1, ran.get());
    }

    @Test
    @DisplayName("PQCS-3 posting to a closed port fails with ERROR_INVALID_HANDLE")
    void postClosed() {
        HANDLE p = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0);
        CloseHandle(p);
        assertFalse(PostQueuedCompletionStatus(p, 0, 0L, null));
        assertEquals(ERROR_INVALID_HANDLE, GetLastError());
    }

    @Test
    @DisplayName("PQCS-4 sentinels stop a worker pool only after the work queued before them")
    void shutdownIdiom() throws InterruptedException {
        // Concurrency 1: a worker only gets the next packet once the previous one's worker is back in GQCS, so
        // "processed" is exact when a sentinel arrives (with more running threads, a worker could hold its last
        // work packet, dequeued in FIFO order but not yet counted, while another takes a sentinel).
        HANDLE p = newPort(1);
        Object sentinel = new Object();
        AtomicInteger processed = new AtomicInteger();
        AtomicInteger exitedEarly = new AtomicInteger();
        AtomicInteger exits = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            PostQueuedCompletionStatus(p, i, "work", null);
        }
        for (int i = 0; i < 4; i++) {
            PostQueuedCompletionStatus(p, 0, sentinel, null);
        }
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            workers.add(Thread.ofPlatform().start(() -> {
                DWORDByReference b = new DWORDByReference();
                ULONG_PTRByReference k = new ULONG_PTRByReference();
                OVERLAPPEDByReference o = new OVERLAPPEDByReference();
                while (GetQueuedCompletionStatus(p, b, k, o, INFINITE)) {
                    if (k.value == sentinel) {
                        if (processed.get() < 100) {
                            exitedEarly.incrementAndGet();
                        }
                        exits.incrementAndGet();
                        return;
                    }
                    processed.incrementAndGet();
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        assertEquals(100, processed.get());
        assertEquals(4, exits.get());
        assertEquals(0, exitedEarly.get());
    }

    @Test
    @DisplayName("CORE-8 a successful dequeue leaves the last error alone")
    void lastErrorUntouched() {
        HANDLE p = newPort(0);
        PostQueuedCompletionStatus(p, 0, 0L, null);
        SetLastError(0xDEADBEEF);
        assertTrue(GetQueuedCompletionStatus(p, bytes, key, ov, 0));
        assertEquals(0xDEADBEEF, GetLastError());
    }

    @Test
    @DisplayName("OVL-1 OVERLAPPED and OVERLAPPED_ENTRY layouts are 32 bytes with the x64 offsets")
    void layouts() {
        assertEquals(32, OVERLAPPED.LAYOUT.byteSize());
        assertEquals(0, OVERLAPPED.LAYOUT.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("Internal")));
        assertEquals(8, OVERLAPPED.LAYOUT.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("InternalHigh")));
        assertEquals(16, OVERLAPPED.LAYOUT.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("Offset")));
        assertEquals(20, OVERLAPPED.LAYOUT.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("OffsetHigh")));
        assertEquals(24, OVERLAPPED.LAYOUT.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("hEvent")));
        assertEquals(32, OVERLAPPED_ENTRY.LAYOUT.byteSize());
        assertEquals(8, OVERLAPPED_ENTRY.LAYOUT.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("lpOverlapped")));
        assertEquals(16, OVERLAPPED_ENTRY.LAYOUT.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("Internal")));
        assertEquals(24, OVERLAPPED_ENTRY.LAYOUT.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("dwNumberOfBytesTransferred")));
    }
}
