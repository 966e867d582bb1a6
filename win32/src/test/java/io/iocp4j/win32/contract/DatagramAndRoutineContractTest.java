package io.iocp4j.win32.contract;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.INTByReference;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.WSABUF;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.iocp4j.NtStatus.*;
import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;
import static org.junit.jupiter.api.Assertions.*;

/** Datagrams (section 8.4), completion routines and events on sockets (11), synchronous calls (CORE-7). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatagramAndRoutineContractTest {
    private final SocketTestSupport t = new SocketTestSupport();

    @AfterEach
    void close() {
        t.close();
    }

    private int sendTo(SOCKET from, SOCKADDR_IN to, String text) {
        WSABUF[] b = {new WSABUF(t.text(text), text.length())};
        OVERLAPPED ov = new OVERLAPPED();
        int r = WSASendTo(from, b, 1, null, 0, to, SOCKADDR_IN.SIZE, ov, null);
        if (r == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING) {
            DWORDByReference n = new DWORDByReference();
            assertTrue(WSAGetOverlappedResult(from, ov, n, true, new DWORDByReference()));
            return n.value;
        }
        return r;
    }

    @Test
    @DisplayName("DGRAM-1 DGRAM-2 LNX-11 a pending WSARecvFrom: sender's address at completion; truncation is 234 / "
            + "10040")
    void receiveFromAndTruncation() {
        HANDLE port = t.port();
        SOCKET rx = t.udp();
        SOCKADDR_IN rxAddr = t.bindLoopback(rx);
        SOCKET tx = t.udp();
        SOCKADDR_IN txAddr = t.bindLoopback(tx);
        CreateIoCompletionPort(rx, port, 1L, 0);
        SOCKADDR_IN from = new SOCKADDR_IN();
        INTByReference fromLen = new INTByReference(128);
        MemorySegment small = t.buffer(10);
        OVERLAPPED ov = new OVERLAPPED();
        int r = WSARecvFrom(rx, new WSABUF[] {new WSABUF(small, 10)}, 1, null, new DWORDByReference(), from, fromLen,
                ov, null);
        assertTrue(r == 0 || WSAGetLastError() == WSA_IO_PENDING);
        assertEquals(100, sendTo(tx, rxAddr, "x".repeat(100)));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(ERROR_MORE_DATA, GetLastError(), "GQCS-2 a truncated datagram");
        assertSame(ov, t.ov.value);
        assertEquals(10, t.bytes.value, "bytes = buffer size");
        assertEquals(STATUS_BUFFER_OVERFLOW, ov.Internal);
        assertEquals(16, fromLen.value);
        assertEquals(txAddr.toString(), from.toString());
        DWORDByReference n = new DWORDByReference();
        assertFalse(WSAGetOverlappedResult(rx, ov, n, false, new DWORDByReference()));
        assertEquals(WSAEMSGSIZE, WSAGetLastError());
    }

    /** A bound UDP receiver associated with {@code port} (key 1) that already holds a 100-byte datagram. */
    private SOCKET receiverHolding100Bytes(HANDLE port) {
        SOCKET rx = t.udp();
        SOCKADDR_IN rxAddr = t.bindLoopback(rx);
        CreateIoCompletionPort(rx, port, 1L, 0);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            text.append(i).append("abcdefghi");
        }
        assertEquals(100, sendTo(t.udp(), rxAddr, text.toString()));
        SocketTestSupport.awaitReadable(rx, 1);
        return rx;
    }

    @Test
    @DisplayName("RET-4 SUB-2 a truncating receive of a datagram already queued: WSAEMSGSIZE at once or pending, and "
            + "either way a packet FALSE/234 with 10 bytes")
    void warningStillQueues() {
        HANDLE port = t.port();
        SOCKET rx = receiverHolding100Bytes(port);
        MemorySegment small = t.buffer(10);
        OVERLAPPED ov = new OVERLAPPED();
        assertEquals(SOCKET_ERROR, WSARecvFrom(rx, new WSABUF[] {new WSABUF(small, 10)}, 1, null,
                new DWORDByReference(), null, null, ov, null));
        int err = WSAGetLastError();
        assertTrue(err == WSAEMSGSIZE || err == WSA_IO_PENDING, "error " + err);
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertSame(ov, t.ov.value, "a packet, not a timeout");
        assertEquals(ERROR_MORE_DATA, GetLastError());
        assertEquals(10, t.bytes.value);
        assertEquals(STATUS_BUFFER_OVERFLOW, ov.Internal);
        assertEquals("0abcdefghi", SocketTestSupport.text(small, 10));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 100), "exactly one packet");
        assertNull(t.ov.value);
    }

    @Test
    @DisplayName("SKIP-2 RET-7 under skip mode a truncating receive goes pending on Linux, so its FALSE/234 packet is "
            + "queued (Windows' immediate WSAEMSGSIZE would queue none)")
    void warningUnderSkipMode() {
        HANDLE port = t.port();
        SOCKET rx = receiverHolding100Bytes(port);
        assertTrue(SetFileCompletionNotificationModes(rx, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS));
        OVERLAPPED ov = new OVERLAPPED();
        assertEquals(SOCKET_ERROR, WSARecvFrom(rx, new WSABUF[] {new WSABUF(t.buffer(10), 10)}, 1, null,
                new DWORDByReference(), null, null, ov, null));
        assertEquals(WSA_IO_PENDING, WSAGetLastError(), "the Linux behaviour: nothing completes inline");
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertSame(ov, t.ov.value, "a pending operation queues its packet even in skip mode");
        assertEquals(ERROR_MORE_DATA, GetLastError());
        assertEquals(10, t.bytes.value);
        DWORDByReference n = new DWORDByReference();
        assertFalse(WSAGetOverlappedResult(rx, ov, n, false, new DWORDByReference()));
        assertEquals(WSAEMSGSIZE, WSAGetLastError());
    }

    @Test
    @DisplayName("DGRAM-4 a zero-byte receive on UDP takes the next datagram and reports it truncated")
    void zeroByteDatagramReceive() {
        HANDLE port = t.port();
        SOCKET rx = t.udp();
        SOCKADDR_IN rxAddr = t.bindLoopback(rx);
        SOCKET tx = t.udp();
        CreateIoCompletionPort(rx, port, 1L, 0);
        assertEquals(5, sendTo(tx, rxAddr, "first"));
        SocketTestSupport.awaitReadable(rx, 1);
        OVERLAPPED ov = new OVERLAPPED();
        int r = WSARecvFrom(rx, new WSABUF[] {new WSABUF(t.buffer(1), 0)}, 1, null, new DWORDByReference(), null,
                null, ov, null);
        assertEquals(SOCKET_ERROR, r);
        int err = WSAGetLastError();
        if (err == WSA_IO_PENDING) {
            assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
            assertSame(ov, t.ov.value);
            assertEquals(ERROR_MORE_DATA, GetLastError());
            assertEquals(0, t.bytes.value);
        } else {
            assertEquals(WSAEMSGSIZE, err);
        }
        MemorySegment next = t.buffer(16);
        OVERLAPPED ov2 = new OVERLAPPED();
        WSARecvFrom(rx, new WSABUF[] {new WSABUF(next, 16)}, 1, null, new DWORDByReference(), null, null, ov2, null);
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 200), "the first datagram was consumed");
        assertEquals(6, sendTo(tx, rxAddr, "second"));
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertSame(ov2, t.ov.value);
        assertEquals("second", SocketTestSupport.text(next, 6));
    }

    @Test
    @DisplayName("DGRAM-7 LNX-24 ICMP port unreachable: a connected UDP socket's receive fails with 1234 / 10054; "
            + "on Linux an unconnected socket is not told")
    void portUnreachable() {
        HANDLE port = t.port();
        SOCKET gone = t.udp();
        SOCKADDR_IN nobody = t.bindLoopback(gone);
        assertEquals(0, closesocket(gone));
        SOCKET u = t.udp();
        t.bindLoopback(u);
        CreateIoCompletionPort(u, port, 1L, 0);
        assertEquals(0, WSAIoctl(u, SIO_UDP_CONNRESET, Boolean.TRUE, 4, null, 0, new DWORDByReference(), null, null));
        assertEquals(0, connect(u, nobody, SOCKADDR_IN.SIZE));
        assertEquals(1, send(u, t.text("x"), 1, 0));
        OVERLAPPED ov = new OVERLAPPED();
        WSARecv(u, new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null, new DWORDByReference(), ov, null);
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertSame(ov, t.ov.value);
        assertEquals(ERROR_PORT_UNREACHABLE, GetLastError());
        assertEquals(STATUS_PORT_UNREACHABLE, ov.Internal);
        DWORDByReference n = new DWORDByReference();
        assertFalse(WSAGetOverlappedResult(u, ov, n, false, new DWORDByReference()));
        assertEquals(WSAECONNRESET, WSAGetLastError());

        SOCKET loose = t.udp();
        t.bindLoopback(loose);
        assertEquals(1, sendTo(loose, nobody, "y"));
        CreateIoCompletionPort(loose, port, 2L, 0);  // after the send, whose own packet would otherwise be queued
        OVERLAPPED ov2 = new OVERLAPPED();
        WSARecvFrom(loose, new WSABUF[] {new WSABUF(t.buffer(8), 8)}, 1, null, new DWORDByReference(), null, null,
                ov2, null);
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 300), "the Linux behaviour: no error");
        assertEquals(WAIT_TIMEOUT, GetLastError());
        assertTrue(CancelIoEx(loose, ov2), "the receive is still pending");
    }

    @Test
    @DisplayName("DGRAM-3 LNX-11 a zero-length datagram completes a receive with TRUE and 0 bytes")
    void emptyDatagram() {
        HANDLE port = t.port();
        SOCKET rx = t.udp();
        SOCKADDR_IN rxAddr = t.bindLoopback(rx);
        SOCKET tx = t.udp();
        CreateIoCompletionPort(rx, port, 1L, 0);
        WSARecvFrom(rx, new WSABUF[] {new WSABUF(t.buffer(10), 10)}, 1, null, new DWORDByReference(), null, null,
                new OVERLAPPED(), null);
        WSABUF[] empty = {new WSABUF(t.buffer(1), 0)};
        int r = WSASendTo(tx, empty, 1, null, 0, rxAddr, SOCKADDR_IN.SIZE, new OVERLAPPED(), null);
        assertTrue(r == 0 || WSAGetLastError() == WSA_IO_PENDING);
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000), () -> "error " + GetLastError());
        assertEquals(0, t.bytes.value);
    }

    @Test
    @DisplayName("DGRAM-5 DGRAM-6 LNX-12 unbound receive is WSAEINVAL; a 70,000-byte datagram is WSAEMSGSIZE; no "
            + "packets")
    void datagramErrors() {
        HANDLE port = t.port();
        SOCKET u = t.udp();
        CreateIoCompletionPort(u, port, 1L, 0);
        assertEquals(SOCKET_ERROR, WSARecvFrom(u, new WSABUF[] {new WSABUF(t.buffer(10), 10)}, 1, null,
                new DWORDByReference(), null, null, new OVERLAPPED(), null));
        assertEquals(WSAEINVAL, WSAGetLastError());
        MemorySegment big = t.buffer(70_000);
        assertEquals(SOCKET_ERROR, WSASendTo(u, new WSABUF[] {new WSABUF(big, 70_000)}, 1, null, 0,
                SocketTestSupport.loopback(9), SOCKADDR_IN.SIZE, new OVERLAPPED(), null));
        assertEquals(WSAEMSGSIZE, WSAGetLastError());
        assertEquals(SOCKET_ERROR, WSASend(u, new WSABUF[] {new WSABUF(t.buffer(1), 1)}, 1, null, 0,
                new OVERLAPPED(), null));
        assertEquals(WSAENOTCONN, WSAGetLastError());
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 100));
    }

    @Test
    @DisplayName("APC-4 CORE-3 a completion routine runs once, on the issuing thread, only inside SleepEx, with WSA "
            + "codes and the receive flags")
    void completionRoutine() throws InterruptedException {
        SOCKET[] p = t.pair();
        List<String> calls = new ArrayList<>();
        OVERLAPPED ov = new OVERLAPPED();
        Thread me = Thread.currentThread();
        int r = WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(16), 16)}, 1, null, new DWORDByReference(), ov,
                (err, n, o, flags) -> calls.add(err + "/" + n + "/" + (o == ov) + "/" + (Thread.currentThread() == me)
                        + "/" + flags));
        assertTrue(r == 0 || WSAGetLastError() == WSA_IO_PENDING);
        t.sendText(p[0], "hello");
        Thread.sleep(200);
        assertTrue(calls.isEmpty(), "routines never run outside alertable waits");
        assertEquals(WAIT_IO_COMPLETION, SleepEx(5000, true));
        assertEquals(List.of("0/5/true/true/0"), calls);
        OVERLAPPED ov2 = new OVERLAPPED();
        WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(16), 16)}, 1, null, new DWORDByReference(), ov2,
                (err, n, o, flags) -> calls.add("reset " + err));
        io.iocp4j.win32.LINGER hard = new io.iocp4j.win32.LINGER(1, 0);
        setsockopt(p[0], SOL_SOCKET, SO_LINGER, hard, 4);
        closesocket(p[0]);
        assertEquals(WAIT_IO_COMPLETION, SleepEx(5000, true));
        assertEquals("reset " + WSAECONNRESET, calls.get(1));
    }

    @Test
    @DisplayName("EVT LNX-1 an event-signalled WSARecv completes with no thread in GQCS; GetOverlappedResult reads it")
    void eventDriven() {
        SOCKET[] p = t.pair();
        HANDLE e = t.track(CreateEvent(null, true, false, null));
        OVERLAPPED ov = new OVERLAPPED();
        ov.hEvent = e;
        WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(16), 16)}, 1, null, new DWORDByReference(), ov, null);
        assertEquals(WAIT_TIMEOUT, WaitForSingleObject(e, 100));
        t.sendText(p[0], "abc");
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(e, 5000));
        DWORDByReference n = new DWORDByReference();
        DWORDByReference flags = new DWORDByReference(-1);
        assertTrue(WSAGetOverlappedResult(p[1], ov, n, false, flags));
        assertEquals(3, n.value);
        assertEquals(0, flags.value, "OVL-8 flags of a pending receive");
    }

    @Test
    @DisplayName("CORE-7 blocking connect, send, recv and shutdown on an associated socket queue nothing")
    void synchronousCallsQueueNothing() {
        HANDLE port = t.port();
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        SOCKET c = t.tcp();
        CreateIoCompletionPort(c, port, 1L, 0);
        assertEquals(0, connect(c, addr[0], SOCKADDR_IN.SIZE));
        SOCKET s = t.track(accept(l, null, null));
        t.sendText(c, "sync");
        assertEquals("sync", t.receiveText(s, 4));
        assertEquals(0, shutdown(c, SD_BOTH));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 0));
        assertEquals(WAIT_TIMEOUT, GetLastError());
    }

    @Test
    @DisplayName("NB-1 SOCK-3 FIONBIO: recv gives WSAEWOULDBLOCK, an overlapped WSARecv still pends and completes")
    void nonBlockingMode() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 1L, 0);
        assertEquals(0, ioctlsocket(p[1], FIONBIO, new DWORDByReference(1)));
        assertEquals(SOCKET_ERROR, recv(p[1], t.buffer(4), 4, 0));
        assertEquals(WSAEWOULDBLOCK, WSAGetLastError());
        int r = WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(4), 4)}, 1, null, new DWORDByReference(),
                new OVERLAPPED(), null);
        assertEquals(SOCKET_ERROR, r);
        assertEquals(WSA_IO_PENDING, WSAGetLastError());
        t.sendText(p[0], "nb!!");
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(4, t.bytes.value);
        t.sendText(p[0], "xy");
        assertEquals(2, SocketTestSupport.awaitReadable(p[1], 2));
    }

    @Test
    @DisplayName("CAN-3 CancelIo cancels only the calling thread's operations on the handle; it is TRUE with nothing "
            + "to cancel")
    void cancelIoIsPerThread() throws InterruptedException {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 1L, 0);
        OVERLAPPED mine = new OVERLAPPED();
        OVERLAPPED theirs = new OVERLAPPED();
        WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(4), 4)}, 1, null, new DWORDByReference(), mine, null);
        Thread other = Thread.ofPlatform().start(() -> WSASend(p[1], new WSABUF[] {new WSABUF(t.text("z"), 0)}, 1,
                null, 0, theirs, null));
        other.join();
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000), "the other thread's send completes");
        assertSame(theirs, t.ov.value);
        boolean[] otherCancel = new boolean[1];
        Thread canceller = Thread.ofPlatform().start(() -> otherCancel[0] = CancelIo(p[1]));
        canceller.join();
        assertTrue(otherCancel[0], "another thread's CancelIo is TRUE");
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 200), "and leaves this thread's receive");
        assertEquals(WAIT_TIMEOUT, GetLastError());
        assertTrue(CancelIo(p[1]));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(ERROR_OPERATION_ABORTED, GetLastError());
        assertSame(mine, t.ov.value);
        assertTrue(CancelIo(t.tcp()), "an idle socket");
    }
}
