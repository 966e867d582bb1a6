package io.iocp4j.win32.contract;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.LINGER;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.WSABUF;
import io.iocp4j.win32.fd_set;
import io.iocp4j.win32.timeval;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.iocp4j.NtStatus.*;
import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;
import static io.iocp4j.win32.contract.SocketTestSupport.bufs;
import static org.junit.jupiter.api.Assertions.*;

/**
 * RET-7's other outcome: a receive or send the socket can do at once completes inside WSARecv / WSASend (0 and
 * the count, RET-2), and notifies as any immediate success does (RET-5, SKIP-1, APC-4); what must wait goes pending
 * through the ring. Each test here fails when transfers are never tried at once
 * ({@code -Diocp4j.socket.transfersInline=false}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InlineTransferContractTest {
    private final SocketTestSupport t = new SocketTestSupport();

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    @DisplayName("RET-2 RET-5 CORE-2 a send the socket takes at once returns 0 with the count, has set its event, "
            + "and still queues exactly one packet")
    void sendDoneAtOnce() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[0], port, 7L, 0);
        HANDLE e = t.track(CreateEvent(null, true, false, null));
        OVERLAPPED ov = new OVERLAPPED();
        ov.hEvent = e;
        DWORDByReference n = new DWORDByReference(0xDEAD);
        assertEquals(0, WSASend(p[0], bufs(t.text("hello")), 1, n, 0, ov, null), () -> "error " + WSAGetLastError());
        assertEquals(5, n.value);
        assertEquals(STATUS_SUCCESS, ov.Internal);
        assertEquals(5, ov.InternalHigh);
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(e, 0), "the event is set before the call returns");
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000), () -> "error " + GetLastError());
        assertSame(ov, t.ov.value);
        assertEquals(7L, t.key.longValue());
        assertEquals(5, t.bytes.value);
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 100), "exactly one packet");
        assertEquals("hello", t.receiveText(p[1], 5));
    }

    @Test
    @DisplayName("SKIP-1 SEND-2 SOCK-2 in skip mode a send done at once queues no packet; a send the socket takes "
            + "only in part goes on through the ring, queues its packet, and a later send waits behind it")
    void skipModeAndPartialSend() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[0], port, 1L, 0);
        assertTrue(SetFileCompletionNotificationModes(p[0], FILE_SKIP_COMPLETION_PORT_ON_SUCCESS));
        OVERLAPPED small = new OVERLAPPED();
        assertEquals(0, WSASend(p[0], bufs(t.text("abc")), 1, null, 0, small, null));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 200), "skip mode: no packet");
        assertEquals(WAIT_TIMEOUT, GetLastError());

        int size = 16 << 20;  // more than loopback's socket buffers hold
        MemorySegment data = t.buffer(size);
        for (int i = 0; i < size; i++) {
            data.set(ValueLayout.JAVA_BYTE, i, (byte) (i % 251));
        }
        OVERLAPPED large = new OVERLAPPED();
        assertEquals(SOCKET_ERROR, WSASend(p[0], bufs(data), 1, null, 0, large, null));
        assertEquals(WSA_IO_PENDING, WSAGetLastError(), "the socket cannot take 16 MiB at once");
        OVERLAPPED last = new OVERLAPPED();
        assertEquals(SOCKET_ERROR, WSASend(p[0], bufs(t.text("z")), 1, null, 0, last, null));
        assertEquals(WSA_IO_PENDING, WSAGetLastError(), "SOCK-2 waits behind the large send");

        assertEquals("abc", t.receiveText(p[1], 3));
        MemorySegment got = t.buffer(size);
        long have = 0;
        while (have < size) {
            int r = recv(p[1], got.asSlice(have), (int) Math.min(1 << 20, size - have), 0);
            assertTrue(r > 0, () -> "recv " + WSAGetLastError());
            have += r;
        }
        assertEquals(-1, data.mismatch(got), "every byte, in order");
        assertEquals("z", t.receiveText(p[1], 1));
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertSame(large, t.ov.value, "a pending send queues its packet in skip mode");
        assertEquals(size, t.bytes.value, "SEND-2 all of it");
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertSame(last, t.ov.value);
    }

    @Test
    @DisplayName("RET-7 RET-2 RET-5 a receive issued while the last one left data in the socket completes at once "
            + "with it; a receive that would wait goes pending")
    void receiveDoneAtOnce() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 3L, 0);
        t.sendText(p[0], "abcdefgh");
        SocketTestSupport.awaitReadable(p[1], 8);
        MemorySegment buf = t.buffer(4);
        OVERLAPPED first = new OVERLAPPED();
        int r = WSARecv(p[1], bufs(buf), 1, null, new DWORDByReference(), first, null);
        assertTrue(r == 0 || WSAGetLastError() == WSA_IO_PENDING, "either, for the first receive");
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertSame(first, t.ov.value);
        assertEquals("abcd", SocketTestSupport.text(buf, 4));

        OVERLAPPED second = new OVERLAPPED();
        DWORDByReference n = new DWORDByReference();
        DWORDByReference flags = new DWORDByReference();
        assertEquals(0, WSARecv(p[1], bufs(buf), 1, n, flags, second, null), "the first receive left 4 bytes");
        assertEquals(4, n.value);
        assertEquals(0, flags.value);
        assertEquals("efgh", SocketTestSupport.text(buf, 4));
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000), "RET-5 its packet");
        assertSame(second, t.ov.value);
        assertEquals(4, t.bytes.value);

        OVERLAPPED third = new OVERLAPPED();
        assertEquals(SOCKET_ERROR, WSARecv(p[1], bufs(buf), 1, null, new DWORDByReference(), third, null));
        assertEquals(WSA_IO_PENDING, WSAGetLastError(), "nothing left: it waits");
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 100));
        t.sendText(p[0], "ij");
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertSame(third, t.ov.value);
        assertEquals("ij", SocketTestSupport.text(buf, 2));
    }

    @Test
    @DisplayName("RECV-4 RET-7 after a zero-byte receive reports data, the receive that follows completes at once")
    void zeroByteReceiveThenData() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 3L, 0);
        OVERLAPPED zero = new OVERLAPPED();
        assertEquals(SOCKET_ERROR, WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(1), 0)}, 1, null,
                new DWORDByReference(), zero, null));
        assertEquals(WSA_IO_PENDING, WSAGetLastError());
        t.sendText(p[0], "xyz");
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertSame(zero, t.ov.value);
        assertEquals(0, t.bytes.value);

        MemorySegment buf = t.buffer(16);
        OVERLAPPED ov = new OVERLAPPED();
        DWORDByReference n = new DWORDByReference();
        assertEquals(0, WSARecv(p[1], bufs(buf), 1, n, new DWORDByReference(), ov, null));
        assertEquals(3, n.value);
        assertEquals("xyz", SocketTestSupport.text(buf, 3));
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertSame(ov, t.ov.value);
        assertEquals(3, t.bytes.value);
    }

    @Test
    @DisplayName("APC-4 RET-5 a send done at once with a completion routine returns 0; the routine runs once, at "
            + "the next alertable wait, on the issuing thread")
    void routineAfterSendDoneAtOnce() {
        SOCKET[] p = t.pair();
        List<String> calls = new ArrayList<>();
        Thread me = Thread.currentThread();
        OVERLAPPED ov = new OVERLAPPED();
        assertEquals(0, WSASend(p[0], bufs(t.text("ok")), 1, new DWORDByReference(), 0, ov,
                (err, bytes, o, flags) -> calls.add(err + "/" + bytes + "/" + (o == ov) + "/"
                        + (Thread.currentThread() == me))));
        assertTrue(calls.isEmpty(), "not inside the call");
        assertEquals(WAIT_IO_COMPLETION, SleepEx(5000, true));
        assertEquals(List.of("0/2/true/true"), calls);
        assertEquals(0, SleepEx(50, true), "once");
        assertEquals("ok", t.receiveText(p[1], 2));
    }

    @Test
    @DisplayName("RET-6 SOCK-4 CORE-3 a send that meets a reset not yet reported goes pending and dequeues FALSE "
            + "with its OVERLAPPED; the reset is latched for the next send")
    void sendMeetingResetFailsThroughThePort() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 5L, 0);
        assertEquals(0, setsockopt(p[0], SOL_SOCKET, SO_LINGER, new LINGER(1, 0), 4));
        assertEquals(0, closesocket(p[0]));
        fd_set readable = new fd_set();
        FD_ZERO(readable);
        FD_SET(p[1], readable);
        assertEquals(1, select(0, readable, null, null, new timeval(5, 0)), "the reset has arrived");
        OVERLAPPED ov = new OVERLAPPED();
        assertEquals(SOCKET_ERROR, WSASend(p[1], bufs(t.text("late")), 1, null, 0, ov, null));
        assertEquals(WSA_IO_PENDING, WSAGetLastError(), "an I/O outcome, not a state known before the call");
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertSame(ov, t.ov.value);
        assertEquals(ERROR_NETNAME_DELETED, GetLastError());
        assertEquals(SOCKET_ERROR, WSASend(p[1], bufs(t.text("again")), 1, null, 0, new OVERLAPPED(), null));
        assertEquals(WSAECONNRESET, WSAGetLastError(), "SOCK-4 latched");
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 100), "RET-6 no packet");
    }
}
