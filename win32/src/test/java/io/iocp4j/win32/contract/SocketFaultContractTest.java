package io.iocp4j.win32.contract;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.INTByReference;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.OVERLAPPED_ENTRY;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKADDR_IN6;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.SockaddrByReference;
import io.iocp4j.win32.ULONGByReference;
import io.iocp4j.win32.WSABUF;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.iocp4j.NtStatus.*;
import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.MSWSock.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;
import static org.junit.jupiter.api.Assertions.*;

/** Faults from issue 3 and section 12: mass aborts, cancel races, thread exit, EMFILE, half-close, IPv6. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SocketFaultContractTest {
    private final SocketTestSupport t = new SocketTestSupport();

    @AfterEach
    void close() {
        t.close();
    }

    private List<OVERLAPPED> drain(HANDLE port, int n, int expectedError) {
        List<OVERLAPPED> got = new ArrayList<>();
        OVERLAPPED_ENTRY[] entries = OVERLAPPED_ENTRY.array(64);
        ULONGByReference removed = new ULONGByReference();
        while (got.size() < n) {
            assertTrue(GetQueuedCompletionStatusEx(port, entries, 64, removed, 10_000, false),
                    () -> "only " + got.size() + " of " + n + " packets");
            for (int i = 0; i < removed.value; i++) {
                if (expectedError != 0) {
                    assertEquals(expectedError, io.iocp4j.win32.ErrorMapping.toWin32((int) entries[i].Internal));
                }
                got.add(entries[i].lpOverlapped);
            }
        }
        return got;
    }

    @Test
    @DisplayName("CAN-6 issue 3: close with 1,000 pending receives gives 1,000 packets, all aborted, none lost or "
            + "doubled")
    void closeWithThousandPending() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 1L, 0);
        Set<OVERLAPPED> issued = new HashSet<>();
        MemorySegment buf = t.buffer(16);
        for (int i = 0; i < 1000; i++) {
            OVERLAPPED ov = new OVERLAPPED();
            issued.add(ov);
            int r = WSARecv(p[1], new WSABUF[] {new WSABUF(buf, 16)}, 1, null, new DWORDByReference(), ov, null);
            assertEquals(WSA_IO_PENDING, r == 0 ? WSA_IO_PENDING : WSAGetLastError());
        }
        assertEquals(0, closesocket(p[1]));
        List<OVERLAPPED> got = drain(port, 1000, ERROR_CONNECTION_ABORTED);
        assertEquals(issued, new HashSet<>(got));
        assertEquals(1000, got.size());
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 200), "nothing more");
    }

    @Test
    @DisplayName("CAN-2 CAN-5 CancelIoEx(h, NULL) races with arriving data: each receive completes exactly once")
    void cancelRaces() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 1L, 0);
        for (int round = 0; round < 200; round++) {
            OVERLAPPED a = new OVERLAPPED();
            OVERLAPPED b = new OVERLAPPED();
            WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(4), 4)}, 1, null, new DWORDByReference(), a, null);
            WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(4), 4)}, 1, null, new DWORDByReference(), b, null);
            t.sendText(p[0], "wxyz");
            CancelIoEx(p[1], null);
            List<OVERLAPPED> got = drain(port, 2, 0);
            assertEquals(Set.of(a, b), new HashSet<>(got), "round " + round);
            for (OVERLAPPED ov : got) {
                assertTrue(ov.Internal == STATUS_SUCCESS || ov.Internal == STATUS_CANCELLED, "round " + round);
            }
            long delivered = (a.Internal == STATUS_SUCCESS ? a.InternalHigh : 0)
                    + (b.Internal == STATUS_SUCCESS ? b.InternalHigh : 0);
            if (delivered < 4) {
                t.receiveText(p[1], (int) (4 - delivered));  // what the cancelled receives left in the socket
            }
        }
        assertFalse(CancelIoEx(p[1], null));
        assertEquals(ERROR_NOT_FOUND, GetLastError());
    }

    @Test
    @DisplayName("CAN-5 OVL-7 an OVERLAPPED whose receive was cancelled is reused: the new receive is not cancelled")
    void reuseAfterCancel() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 1L, 0);
        OVERLAPPED first = new OVERLAPPED();
        OVERLAPPED queued = new OVERLAPPED();
        MemorySegment buf = t.buffer(4);
        WSARecv(p[1], new WSABUF[] {new WSABUF(buf, 4)}, 1, null, new DWORDByReference(), first, null);
        WSARecv(p[1], new WSABUF[] {new WSABUF(t.buffer(4), 4)}, 1, null, new DWORDByReference(), queued, null);
        assertTrue(CancelIoEx(p[1], queued), "the second receive waits behind the first (SOCK-2)");
        t.sendText(p[0], "wxyz");
        List<OVERLAPPED> got = drain(port, 2, 0);
        assertEquals(Set.of(first, queued), new HashSet<>(got));
        assertEquals(STATUS_SUCCESS, first.Internal);
        assertEquals(STATUS_CANCELLED, queued.Internal);

        for (int round = 0; round < 3; round++) {
            int r = WSARecv(p[1], new WSABUF[] {new WSABUF(buf, 4)}, 1, null, new DWORDByReference(), queued, null);
            assertTrue(r == 0 || WSAGetLastError() == WSA_IO_PENDING, "RET-7");
            t.sendText(p[0], "abcd");
            assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 10_000), "round " + round + ": "
                    + GetLastError());
            assertSame(queued, t.ov.value);
            assertEquals(4, t.bytes.value);
            assertEquals("abcd", new String(buf.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                    java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    @Test
    @DisplayName("CAN-4 CancelIoEx on the accept socket does not find the AcceptEx; on the listener it does")
    void cancelTargetsListener() {
        HANDLE port = t.port();
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        SOCKET a = t.tcp();
        CreateIoCompletionPort(l, port, 1L, 0);
        OVERLAPPED ov = new OVERLAPPED();
        AcceptEx(l, a, t.buffer(64), 0, 32, 32, null, ov);
        assertFalse(CancelIoEx(a, ov));
        assertEquals(ERROR_NOT_FOUND, GetLastError());
        assertTrue(CancelIo(a));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 200), "still pending");
        assertTrue(CancelIoEx(l, ov));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(ERROR_OPERATION_ABORTED, GetLastError());
    }

    @Test
    @DisplayName("CAN-7 SUB-9 LNX-23 a receive on a port-associated socket issued by a thread that exits still "
            + "completes with its data")
    void issuerExit() throws InterruptedException {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 1L, 0);
        OVERLAPPED ov = new OVERLAPPED();
        MemorySegment buf = t.buffer(8);
        Thread issuer = Thread.ofPlatform().start(() ->
                WSARecv(p[1], new WSABUF[] {new WSABUF(buf, 8)}, 1, null, new DWORDByReference(), ov, null));
        issuer.join();
        Thread.sleep(100);
        t.sendText(p[0], "alive");
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(5, t.bytes.value);
        assertEquals("alive", SocketTestSupport.text(buf, 5));
    }

    @Test
    @DisplayName("NB-2 non-blocking connect: WSAEWOULDBLOCK, then WSAEALREADY or WSAEISCONN, and no packet")
    void nonBlockingConnect() throws InterruptedException {
        HANDLE port = t.port();
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        SOCKET c = t.tcp();
        CreateIoCompletionPort(c, port, 1L, 0);
        assertEquals(0, ioctlsocket(c, FIONBIO, new DWORDByReference(1)));
        assertEquals(SOCKET_ERROR, connect(c, addr[0], SOCKADDR_IN.SIZE));
        assertEquals(WSAEWOULDBLOCK, WSAGetLastError());
        int second = connect(c, addr[0], SOCKADDR_IN.SIZE);
        assertEquals(SOCKET_ERROR, second);
        assertTrue(WSAGetLastError() == WSAEALREADY || WSAGetLastError() == WSAEISCONN);
        t.track(accept(l, null, null));
        long deadline = System.nanoTime() + 5_000_000_000L;
        int err;
        do {
            connect(c, addr[0], SOCKADDR_IN.SIZE);
            err = WSAGetLastError();
            Thread.sleep(1);
        } while (err != WSAEISCONN && System.nanoTime() < deadline);
        assertEquals(WSAEISCONN, err);
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 100), "CORE-7 no packet");
    }

    @Test
    @DisplayName("issue 3: half-close: the client's SD_SEND reaches the server as 0 bytes, the server still answers")
    void halfClose() {
        SOCKET[] p = t.pair();
        t.sendText(p[0], "request");
        assertEquals(0, shutdown(p[0], SD_SEND));
        assertEquals("request", t.receiveText(p[1], 7));
        assertEquals(0, recv(p[1], t.buffer(4), 4, 0), "end of the request stream");
        t.sendText(p[1], "response");
        assertEquals("response", t.receiveText(p[0], 8));
    }

    @Test
    @DisplayName("ACC-3 AcceptEx over IPv6 (::1) with 44-byte blocks; GetAcceptExSockaddrs gives SOCKADDR_IN6")
    void acceptExIpv6() {
        HANDLE port = t.port();
        SOCKET l = t.track(socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP));
        SOCKADDR_IN6 any = new SOCKADDR_IN6();
        any.sin6_addr.u[15] = 1;
        assertEquals(0, bind(l, any, SOCKADDR_IN6.SIZE), () -> "bind ::1: " + WSAGetLastError());
        assertEquals(0, listen(l, 16));
        SOCKADDR_IN6 bound = new SOCKADDR_IN6();
        assertEquals(0, getsockname(l, bound, new INTByReference(SOCKADDR_IN6.SIZE)));
        SOCKET a = t.track(socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP));
        CreateIoCompletionPort(l, port, 6L, 0);
        MemorySegment out = t.buffer(2 * 44);
        AcceptEx(l, a, out, 0, 44, 44, null, new OVERLAPPED());
        SOCKET c = t.track(socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP));
        assertEquals(0, connect(c, bound, SOCKADDR_IN6.SIZE));
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000), () -> "error " + GetLastError());
        SockaddrByReference local = new SockaddrByReference();
        SockaddrByReference remote = new SockaddrByReference();
        INTByReference ll = new INTByReference();
        INTByReference rl = new INTByReference();
        GetAcceptExSockaddrs(out, 0, 44, 44, local, ll, remote, rl);
        assertEquals(28, ll.value);
        assertEquals(28, rl.value);
        assertInstanceOf(SOCKADDR_IN6.class, remote.value);
        assertEquals(bound.toString(), local.value.toString());
        assertTrue(local.value.toString().startsWith("[0:0:0:0:0:0:0:1]") || local.value.toString().startsWith("[::1]"));
    }

    @Test
    @DisplayName("ACC-4 address blocks too small: the AcceptEx fails with 122 and the connection stays in the backlog")
    void acceptBlocksTooSmall() {
        HANDLE port = t.port();
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        CreateIoCompletionPort(l, port, 1L, 0);
        OVERLAPPED ov = new OVERLAPPED();
        assertFalse(AcceptEx(l, t.tcp(), t.buffer(64), 0, 3, 32, null, ov));
        assertEquals(ERROR_IO_PENDING, WSAGetLastError());
        SOCKET c = t.tcp();
        assertEquals(0, connect(c, addr[0], SOCKADDR_IN.SIZE));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(ERROR_INSUFFICIENT_BUFFER, GetLastError());
        SOCKET s = t.track(accept(l, null, null));
        assertNotEquals(INVALID_SOCKET, s, "the connection was not consumed");
    }

    @Test
    @DisplayName("issue 3: out of descriptors: socket() fails with WSAEMFILE and existing connections keep working")
    void emfile() {
        SOCKET[] p = t.pair();
        List<SOCKET> hog = new ArrayList<>();
        try {
            SOCKET s;
            while ((s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)) != INVALID_SOCKET) {
                hog.add(s);
                assertTrue(hog.size() < 1_000_000, "no descriptor limit reached");
            }
            assertEquals(WSAEMFILE, WSAGetLastError());
            t.sendText(p[0], "still");
            assertEquals("still", t.receiveText(p[1], 5));
        } finally {
            hog.forEach(h -> closesocket(h));
        }
        assertNotEquals(INVALID_SOCKET, t.tcp(), "descriptors are back after closing");
    }

    /** An overlapped 64 MiB send from p[0] (key 1) that is stuck because p[1] never reads. */
    private OVERLAPPED stuckSend(HANDLE port, SOCKET[] p) {
        CreateIoCompletionPort(p[0], port, 1L, 0);
        int size = 64 << 20;
        OVERLAPPED ov = new OVERLAPPED();
        WSASend(p[0], new WSABUF[] {new WSABUF(t.buffer(size), size)}, 1, null, 0, ov, null);
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 300), "the send is stuck");
        return ov;
    }

    @Test
    @DisplayName("SEND-5 a pending send fails with its connection: a peer reset gives 64 / 10054, a local close 1236")
    void pendingSendFails() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        OVERLAPPED ov = stuckSend(port, p);
        assertEquals(0, setsockopt(p[1], SOL_SOCKET, SO_LINGER, new io.iocp4j.win32.LINGER(1, 0), 4));
        assertEquals(0, closesocket(p[1]));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 10_000));
        assertSame(ov, t.ov.value, () -> "a packet, error " + GetLastError());
        assertEquals(ERROR_NETNAME_DELETED, GetLastError());
        assertTrue(t.bytes.value >= 0 && t.bytes.value < 64 << 20, "bytes accepted before the failure");
        DWORDByReference n = new DWORDByReference();
        assertFalse(WSAGetOverlappedResult(p[0], ov, n, false, new DWORDByReference()));
        assertEquals(WSAECONNRESET, WSAGetLastError());

        SOCKET[] q = t.pair();
        OVERLAPPED closing = stuckSend(port, q);
        assertEquals(0, closesocket(q[0]));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 10_000));
        assertSame(closing, t.ov.value, () -> "a packet, error " + GetLastError());
        assertEquals(ERROR_CONNECTION_ABORTED, GetLastError());
        assertEquals(STATUS_CONNECTION_ABORTED, closing.Internal);
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 100), "one packet each");
    }

    @Test
    @DisplayName("NB-3 on Linux a non-blocking send takes what fits (a short count), then fails with WSAEWOULDBLOCK; "
            + "every byte it reported arrives")
    void nonBlockingSendShortCounts() throws InterruptedException {
        SOCKET[] p = t.pair();
        assertEquals(0, ioctlsocket(p[0], FIONBIO, new DWORDByReference(1)));
        int size = 50 << 20;
        MemorySegment big = t.buffer(size);
        long accepted = 0;
        int r = 0;
        for (int i = 0; i < 1000 && r != SOCKET_ERROR; i++) {
            r = send(p[0], big, size, 0);
            if (r != SOCKET_ERROR) {
                assertTrue(r > 0 && r <= size, "returned " + r);
                accepted += r;
            }
        }
        assertEquals(SOCKET_ERROR, r, "the peer does not read: the send buffer fills");
        assertEquals(WSAEWOULDBLOCK, WSAGetLastError());
        assertTrue(accepted > 0 && accepted < size, "a short count: " + accepted + " of " + size);
        assertEquals(0, shutdown(p[0], SD_SEND));
        MemorySegment in = t.buffer(1 << 16);
        long got = 0;
        int k;
        while ((k = recv(p[1], in, 1 << 16, 0)) > 0) {
            got += k;
        }
        assertEquals(0, k, () -> "recv error " + WSAGetLastError());
        assertEquals(accepted, got);
    }

    @Test
    @DisplayName("LNX-6 with FIONBIO on, 10,000 overlapped 64 KiB sends to a reader: every one completes in full, none "
            + "with WSAEWOULDBLOCK")
    void nonBlockingSocketStillWaitsInRing() throws InterruptedException {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[0], port, 1L, 0);
        assertEquals(0, ioctlsocket(p[0], FIONBIO, new DWORDByReference(1)));
        int n = 10_000;
        int size = 64 << 10;
        MemorySegment chunk = t.buffer(size);
        long[] received = new long[1];
        Thread reader = Thread.ofPlatform().start(() -> {
            MemorySegment in = t.buffer(size);
            int r;
            while ((r = recv(p[1], in, size, 0)) > 0) {
                received[0] += r;
            }
        });
        for (int i = 0; i < n; i++) {
            int r = WSASend(p[0], new WSABUF[] {new WSABUF(chunk, size)}, 1, null, 0, new OVERLAPPED(), null);
            assertTrue(r == 0 || WSAGetLastError() == WSA_IO_PENDING, () -> "send error " + WSAGetLastError());
        }
        OVERLAPPED_ENTRY[] entries = OVERLAPPED_ENTRY.array(64);
        ULONGByReference removed = new ULONGByReference();
        int done = 0;
        while (done < n) {
            assertTrue(GetQueuedCompletionStatusEx(port, entries, 64, removed, 30_000, false),
                    "only " + done + " of " + n + " sends completed");
            for (int i = 0; i < removed.value; i++) {
                assertEquals(STATUS_SUCCESS, entries[i].Internal,
                        "status 0x" + Long.toHexString(entries[i].Internal) + " after " + done);
                assertEquals(size, entries[i].dwNumberOfBytesTransferred);
                done++;
            }
        }
        assertEquals(0, shutdown(p[0], SD_SEND));
        reader.join();
        assertEquals((long) n * size, received[0]);
    }

    @Test
    @DisplayName("LNX-9 SUB-3 a cancelled receive's buffer is never written after its abort is reported")
    void cancelledBufferStaysUntouched() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 1L, 0);
        MemorySegment fresh = t.buffer(64);
        for (int round = 0; round < 200; round++) {
            MemorySegment old = t.buffer(64);
            old.fill((byte) 0x55);
            OVERLAPPED ov = new OVERLAPPED();
            WSARecv(p[1], new WSABUF[] {new WSABUF(old, 64)}, 1, null, new DWORDByReference(), ov, null);
            if (round % 2 == 1) {
                t.sendText(p[0], "r" + round);  // data racing with the cancel
            }
            CancelIoEx(p[1], ov);
            boolean ok = GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000);
            assertSame(ov, t.ov.value);
            int taken = ok ? t.bytes.value : 0;
            if (!ok) {
                assertEquals(ERROR_OPERATION_ABORTED, GetLastError());
                assertEquals(0, t.bytes.value);
            }
            String expected = round % 2 == 1 ? "r" + round : "";
            if (taken < expected.length()) {
                OVERLAPPED next = new OVERLAPPED();
                WSARecv(p[1], new WSABUF[] {new WSABUF(fresh, 64)}, 1, null, new DWORDByReference(), next, null);
                assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
                assertSame(next, t.ov.value);
                assertEquals(expected.length(), taken + t.bytes.value);
            }
            for (int i = taken; i < 64; i++) {
                assertEquals((byte) 0x55, old.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i),
                        "round " + round + ": byte " + i + " written after the completion");
            }
        }
    }
}
