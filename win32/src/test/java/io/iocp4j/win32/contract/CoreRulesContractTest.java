package io.iocp4j.win32.contract;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.OVERLAPPED_ENTRY;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.ULONGByReference;
import io.iocp4j.win32.WSABUF;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.iocp4j.NtStatus.*;
import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.MSWSock.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;
import static org.junit.jupiter.api.Assertions.*;

/** Section 1-7 rules that need real I/O and more than one mechanism at once. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CoreRulesContractTest {
    private final SocketTestSupport t = new SocketTestSupport();

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    @DisplayName("CORE-6 SUB-13 an AcceptEx issued before association still completes on the port it is associated "
            + "with later")
    void associationReadAtCompletion() {
        HANDLE port = t.port();
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        OVERLAPPED ov = new OVERLAPPED();
        AcceptEx(l, t.tcp(), t.buffer(64), 0, 32, 32, null, ov);
        assertSame(port, CreateIoCompletionPort(l, port, 125L, 0));
        assertEquals(0, closesocket(l));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(ERROR_OPERATION_ABORTED, GetLastError());
        assertEquals(125L, t.key.longValue());
        assertSame(ov, t.ov.value);
    }

    @Test
    @DisplayName("CICP-11 closing the port with a receive pending: data later completes it, its event fires, nothing "
            + "crashes")
    void portClosedUnderPendingIo() {
        HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0);
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 1L, 0);
        HANDLE e = t.track(CreateEvent(null, true, false, null));
        OVERLAPPED ov = new OVERLAPPED();
        ov.hEvent = e;
        WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null, new DWORDByReference(), ov, null);
        assertTrue(CloseHandle(port));
        t.sendText(p[0], "late");
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(e, 5000));
        assertEquals(4, ov.InternalHigh);
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 0));
        assertEquals(ERROR_INVALID_HANDLE, GetLastError());
    }

    @Test
    @DisplayName("CICP-12 a port is signalled while a packet is queued; the wait does not dequeue it")
    void portIsWaitable() {
        HANDLE port = t.port();
        assertEquals(WAIT_TIMEOUT, WaitForSingleObject(port, 50));
        PostQueuedCompletionStatus(port, 1, 2L, null);
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(port, 0));
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 0));
        assertEquals(2L, t.key.longValue());
    }

    @Test
    @DisplayName("GQCSX-6 limit 1: one GetQueuedCompletionStatusEx takes all 64 queued packets; a second waiter stays "
            + "blocked")
    void batchCountsAsOneThread() throws InterruptedException {
        HANDLE port = t.track(CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 1));
        for (int i = 0; i < 64; i++) {
            PostQueuedCompletionStatus(port, i, (long) i, null);
        }
        ULONGByReference removed = new ULONGByReference();
        OVERLAPPED_ENTRY[] entries = OVERLAPPED_ENTRY.array(64);
        assertTrue(GetQueuedCompletionStatusEx(port, entries, 64, removed, 0, false));
        assertEquals(64, removed.value);
        AtomicInteger second = new AtomicInteger();
        Thread other = Thread.ofPlatform().start(() -> {
            if (GetQueuedCompletionStatus(port, new DWORDByReference(), new io.iocp4j.win32.ULONG_PTRByReference(),
                    new io.iocp4j.win32.OVERLAPPEDByReference(), 2000)) {
                second.incrementAndGet();
            }
        });
        Thread.sleep(200);
        PostQueuedCompletionStatus(port, 0, 0L, null);
        Thread.sleep(200);
        assertEquals(0, second.get(), "this thread still holds the only slot");
        assertTrue(GetQueuedCompletionStatusEx(port, entries, 64, removed, 0, false), "re-entry takes it");
        other.join();
    }

    @Test
    @DisplayName("PQCS-2 I/O completions and posted packets interleave in FIFO order")
    void ioAndPostsInterleave() throws InterruptedException {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, "io", 0);
        OVERLAPPED a = new OVERLAPPED();
        WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(1), 1)}, 1, null, new DWORDByReference(), a, null);
        t.sendText(p[0], "A");
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(port, 5000), "packet A is queued");
        PostQueuedCompletionStatus(port, 0, "B", null);
        OVERLAPPED c = new OVERLAPPED();
        WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(1), 1)}, 1, null, new DWORDByReference(), c, null);
        t.sendText(p[0], "C");
        Thread.sleep(200);
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 1000));
        assertSame(a, t.ov.value);
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 1000));
        assertEquals("B", t.key.value);
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 1000));
        assertSame(c, t.ov.value);
    }

    @Test
    @DisplayName("SKIP-1 SKIP-4 SUB-1 skip mode is sticky; an operation that goes pending still queues its packet")
    void skipModes() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 1L, 0);
        assertTrue(SetFileCompletionNotificationModes(p[1], FILE_SKIP_COMPLETION_PORT_ON_SUCCESS));
        assertTrue(SetFileCompletionNotificationModes(p[1], FILE_SKIP_SET_EVENT_ON_HANDLE));
        assertTrue(SetFileCompletionNotificationModes(p[1], 0));
        assertFalse(SetFileCompletionNotificationModes(p[1], 0x100));
        assertEquals(ERROR_INVALID_PARAMETER, GetLastError());
        t.sendText(p[0], "data");
        OVERLAPPED ov = new OVERLAPPED();
        int r = WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null, new DWORDByReference(), ov, null);
        boolean packet = GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 2000);
        if (r == 0) {
            assertFalse(packet, "immediate success under skip mode queues nothing");
        } else {
            assertEquals(WSA_IO_PENDING, WSAGetLastError());
            assertTrue(packet, "a pending operation always queues its packet");
            assertSame(ov, t.ov.value);
        }
    }

    @Test
    @DisplayName("CORE-2 the notification matrix: a pending call sets its event and queues its packet at completion, "
            + "whatever the status; an immediate failure does neither; bit 0 of hEvent keeps the packet away")
    void notificationMatrix() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 2L, 0);
        HANDLE e = t.track(CreateEvent(null, true, true, null));
        OVERLAPPED ov = new OVERLAPPED();
        ov.hEvent = e;
        assertEquals(SOCKET_ERROR, WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null,
                new DWORDByReference(), ov, null));
        assertEquals(WSA_IO_PENDING, WSAGetLastError());
        assertEquals(STATUS_PENDING, ov.Internal, "pending: Internal is STATUS_PENDING until completion");
        assertEquals(WAIT_TIMEOUT, WaitForSingleObject(e, 0), "pending: the event is reset at issue");
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 0), "no packet before completion");
        t.sendText(p[0], "abc");
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000), () -> "error " + GetLastError());
        assertSame(ov, t.ov.value);
        assertEquals(3, t.bytes.value);
        assertEquals(STATUS_SUCCESS, ov.Internal);
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(e, 0), "pending: the event is set at completion");

        OVERLAPPED failing = new OVERLAPPED();
        failing.hEvent = e;
        WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null, new DWORDByReference(), failing, null);
        assertTrue(CancelIoEx(p[1], failing));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000), "a failed pending call queues too");
        assertSame(failing, t.ov.value);
        assertEquals(ERROR_OPERATION_ABORTED, GetLastError());
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(e, 0), "and sets its event");

        OVERLAPPED tagged = new OVERLAPPED();
        tagged.hEvent = e.withTag(1);
        WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null, new DWORDByReference(), tagged, null);
        t.sendText(p[0], "de");
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(e, 5000));
        DWORDByReference n = new DWORDByReference();
        assertTrue(GetOverlappedResult(p[1], tagged, n, true));
        assertEquals(2, n.value);
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 100), "bit 0 of hEvent: no packet");

        assertEquals(0, shutdown(p[1], SD_RECEIVE));
        assertTrue(ResetEvent(e));
        OVERLAPPED refused = new OVERLAPPED();
        refused.hEvent = e;
        assertEquals(SOCKET_ERROR, WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null,
                new DWORDByReference(), refused, null));
        assertEquals(WSAESHUTDOWN, WSAGetLastError());
        assertEquals(STATUS_PENDING, refused.Internal, "immediate failure: Internal keeps STATUS_PENDING");
        assertEquals(WAIT_TIMEOUT, WaitForSingleObject(e, 100), "immediate failure: the event is not signalled");
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 200), "immediate failure: no packet");
        assertEquals(WAIT_TIMEOUT, GetLastError());
    }

    @Test
    @DisplayName("RET-5 SUB-1 RET-7 with the data already there a receive returns 0 or goes pending, and either "
            + "way queues one packet with the bytes; a FIN already received gives a 0-byte packet")
    void immediateSuccessStillQueues() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        MemorySegment data = t.buffer(1024);
        data.fill((byte) 'r');
        assertEquals(1024, send(p[0], data, 1024, 0));
        assertEquals(1024, SocketTestSupport.awaitReadable(p[1], 1024), "readable before the receive is issued");
        CreateIoCompletionPort(p[1], port, 125L, 0);
        for (int expected : new int[] {1024, 0}) {
            if (expected == 0) {
                assertEquals(0, closesocket(p[0]));
                assertEquals(0, recv(p[1], t.buffer(1), 1, MSG_PEEK), "the FIN has arrived");
            }
            OVERLAPPED ov = new OVERLAPPED();
            DWORDByReference n = new DWORDByReference(0xDEADBEEF);
            int r = WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(1024), 1024)}, 1, n, new DWORDByReference(), ov,
                    null);
            if (r == 0) {
                assertEquals(expected, n.value, "immediate success reports the count");
            } else {
                assertEquals(SOCKET_ERROR, r);
                assertEquals(WSA_IO_PENDING, WSAGetLastError());
            }
            assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000), () -> "error " + GetLastError());
            assertEquals(125L, t.key.longValue());
            assertEquals(expected, t.bytes.value);
            assertSame(ov, t.ov.value);
            assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 100), "exactly one packet");
        }
    }

    @Test
    @DisplayName("RET-7 LNX-2 on Linux every I/O goes pending even when it could complete at once; deterministic "
            + "argument and state errors still fail immediately, with no packet")
    void alwaysPending() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 1L, 0);
        CreateIoCompletionPort(p[0], port, 2L, 0);
        t.sendText(p[0], "ready");
        assertEquals(5, recv(p[1], t.buffer(5), 5, MSG_PEEK), "data is buffered");
        OVERLAPPED rx = new OVERLAPPED();
        assertEquals(SOCKET_ERROR, WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null,
                new DWORDByReference(), rx, null));
        assertEquals(WSA_IO_PENDING, WSAGetLastError(), "a receive with data buffered still goes pending");
        OVERLAPPED tx = new OVERLAPPED();
        assertEquals(SOCKET_ERROR, WSASend(p[0], new WSABUF[] {new WSABUF(t.text("x"), 1)}, 1, null, 0, tx, null));
        assertEquals(WSA_IO_PENDING, WSAGetLastError(), "a small send into an empty buffer still goes pending");
        for (int i = 0; i < 2; i++) {
            assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        }

        SOCKET closed = t.tcp();
        assertEquals(0, closesocket(closed));
        SOCKET never = t.tcp();
        CreateIoCompletionPort(never, port, 3L, 0);
        SOCKET bound = t.tcp();
        t.bindLoopback(bound);
        CreateIoCompletionPort(bound, port, 4L, 0);
        assertEquals(0, shutdown(p[1], SD_RECEIVE));
        Object[][] cases = {
            {closed, WSAENOTSOCK}, {never, WSAENOTCONN}, {p[1], WSAESHUTDOWN}
        };
        for (Object[] c : cases) {
            OVERLAPPED ov = new OVERLAPPED();
            assertEquals(SOCKET_ERROR, WSARecv((SOCKET) c[0], new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null,
                    new DWORDByReference(), ov, null));
            assertEquals((int) c[1], WSAGetLastError());
            assertEquals(STATUS_PENDING, ov.Internal);
        }
        OVERLAPPED inval = new OVERLAPPED();
        assertEquals(SOCKET_ERROR, WSARecv(p[0], null, 0, null, new DWORDByReference(), inval, null));
        assertEquals(WSAEINVAL, WSAGetLastError());
        assertFalse(ConnectEx(bound, SocketTestSupport.loopback(9), SOCKADDR_IN.SIZE, null, 0, null, null));
        assertEquals(ERROR_INVALID_PARAMETER, WSAGetLastError());
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 200), "none of them queued a packet");
        assertEquals(WAIT_TIMEOUT, GetLastError());
    }

    @Test
    @DisplayName("CORE-4 LNX-26 a thread spinning on Internal sees InternalHigh and the data consistent, every time")
    void publicationOrder() {
        SOCKET[] p = t.pair();
        MemorySegment buf = t.buffer(8);
        MemorySegment out = t.buffer(8);
        for (int i = 0; i < 2_000; i++) {
            buf.fill((byte) 0);
            OVERLAPPED ov = new OVERLAPPED();
            WSARecv(p[1], new WSABUF[] {new WSABUF(buf, 8)}, 1, null, new DWORDByReference(), ov, null);
            out.set(ValueLayout.JAVA_LONG, 0, 0x0101010101010101L * ((i % 250) + 1));
            assertEquals(8, send(p[0], out, 8, 0));
            while (!HasOverlappedIoCompleted(ov)) {
                Thread.onSpinWait();
            }
            assertEquals(STATUS_SUCCESS, ov.Internal);
            long n = ov.InternalHigh;
            assertTrue(n > 0 && n <= 8);
            for (int b = 0; b < n; b++) {
                assertEquals((byte) ((i % 250) + 1), buf.get(ValueLayout.JAVA_BYTE, b), "iteration " + i);
            }
            if (n < 8) {
                t.receiveText(p[1], (int) (8 - n));
            }
        }
    }

    @Test
    @DisplayName("CORE-1 CICP-6 closing one of two handles aborts nothing; closing the last aborts the AcceptEx once")
    void duplicatedHandles() {
        HANDLE port = t.port();
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        CreateIoCompletionPort(l, port, 125L, 0);
        io.iocp4j.win32.HANDLEByReference dup = new io.iocp4j.win32.HANDLEByReference();
        assertTrue(DuplicateHandle(GetCurrentProcess(), l, GetCurrentProcess(), dup, 0, false, DUPLICATE_SAME_ACCESS));
        SOCKET d = (SOCKET) dup.value;
        assertNotEquals(l.value(), d.value());
        assertNull(CreateIoCompletionPort(d, t.port(), 3L, 0), "duplicates share the object's association");
        assertEquals(ERROR_INVALID_PARAMETER, GetLastError());
        OVERLAPPED ov = new OVERLAPPED();
        AcceptEx(d, t.tcp(), t.buffer(64), 0, 32, 32, null, ov);
        assertEquals(0, closesocket(l));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 200));
        assertEquals(WAIT_TIMEOUT, GetLastError(), "closing one handle cancels nothing");
        assertEquals(0, closesocket(d));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(ERROR_OPERATION_ABORTED, GetLastError());
        assertEquals(125L, t.key.longValue());
        assertSame(ov, t.ov.value);
        assertEquals(STATUS_CANCELLED, ov.Internal);
    }

    @Test
    @DisplayName("OVL-7 SUB-3 with -Diocp4j.debug=true, reusing an in-flight OVERLAPPED fails fast")
    void reuseInFlightDiagnosed() {
        SOCKET[] p = t.pair();
        OVERLAPPED ov = new OVERLAPPED();
        WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null, new DWORDByReference(), ov, null);
        System.setProperty("iocp4j.debug", "true");
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> WSARecv(p[1],
                    new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null, new DWORDByReference(), ov, null));
            assertTrue(e.getMessage().contains("OVL-7"));
        } finally {
            System.clearProperty("iocp4j.debug");
        }
        CancelIoEx(p[1], ov);
    }
}
