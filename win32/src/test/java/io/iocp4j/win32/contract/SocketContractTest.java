package io.iocp4j.win32.contract;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.INTByReference;
import io.iocp4j.win32.LINGER;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.SockaddrByReference;
import io.iocp4j.win32.WSABUF;
import io.iocp4j.win32.ExtensionFunctions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.iocp4j.NtStatus.*;
import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.MSWSock.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;
import static org.junit.jupiter.api.Assertions.*;

/** Sockets on 127.0.0.1 through the Win32 facade: contract sections 1, 7, 8, 9 and 12. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketContractTest {
    private final SocketTestSupport t = new SocketTestSupport();

    @AfterEach
    void close() {
        t.close();
    }

    private boolean pendingOrDone(int wsaResult) {
        return wsaResult == 0 || WSAGetLastError() == WSA_IO_PENDING;
    }

    @Test
    @DisplayName("GQCS-1 RECV-2 a pending WSARecv completes with the bytes that arrived, the key and the OVERLAPPED")
    void receiveThroughPort() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        Object perHandle = new Object();
        assertSame(port, CreateIoCompletionPort(p[1], port, perHandle, 0));
        MemorySegment buf = t.buffer(65536);
        OVERLAPPED ov = new OVERLAPPED();
        ov.Internal = 0xDEADBEEFL;
        DWORDByReference flags = new DWORDByReference(0);
        DWORDByReference recvd = new DWORDByReference(0xDEADBEEF);
        int r = WSARecv(p[1], SocketTestSupport.bufs(buf), 1, recvd, flags, ov, null);
        assertTrue(pendingOrDone(r));
        if (r != 0) {
            assertEquals(STATUS_PENDING, ov.Internal, "OVL-2");
            assertEquals(0xDEADBEEF, recvd.value, "RECV-10 untouched when pending");
        }
        t.sendText(p[0], "hello, world");
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000), () -> "error " + GetLastError());
        assertEquals(12, t.bytes.value);
        assertSame(perHandle, t.key.value);
        assertSame(ov, t.ov.value);
        assertEquals(0, ov.Internal);
        assertEquals(12, ov.InternalHigh);
        assertEquals("hello, world", SocketTestSupport.text(buf, 12));
    }

    @Test
    @DisplayName("CORE-3 ERR-1 GQCS-2 RECV-8 SOCK-4 SUB-12 LNX-10 a reset: 64 from GQCS, 10054 from "
            + "WSAGetOverlappedResult, then latched")
    void resetMapsAndLatches() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 125L, 0);
        OVERLAPPED ov = new OVERLAPPED();
        assertTrue(pendingOrDone(WSARecv(p[1], SocketTestSupport.bufs(t.buffer(100)), 1, null,
                new DWORDByReference(), ov, null)));
        assertEquals(0, setsockopt(p[0], SOL_SOCKET, SO_LINGER, new LINGER(1, 0), 4));
        assertEquals(0, closesocket(p[0]));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(ERROR_NETNAME_DELETED, GetLastError());
        assertSame(ov, t.ov.value);
        assertEquals(125L, t.key.longValue());
        assertEquals(0, t.bytes.value);
        assertEquals(STATUS_CONNECTION_RESET, ov.Internal);
        DWORDByReference n = new DWORDByReference();
        assertFalse(WSAGetOverlappedResult(p[1], ov, n, false, new DWORDByReference()));
        assertEquals(WSAECONNRESET, WSAGetLastError());
        OVERLAPPED again = new OVERLAPPED();
        assertEquals(SOCKET_ERROR, WSARecv(p[1], SocketTestSupport.bufs(t.buffer(10)), 1, null,
                new DWORDByReference(), again, null));
        assertEquals(WSAECONNRESET, WSAGetLastError(), "SOCK-4 later receives fail at once");
        assertEquals(SOCKET_ERROR, send(p[1], t.text("x"), 1, 0));
        assertEquals(WSAECONNRESET, WSAGetLastError());
        INTByReference err = new INTByReference(-1);
        assertEquals(0, getsockopt(p[1], SOL_SOCKET, SO_ERROR, err, new INTByReference(4)));
        assertEquals(0, err.value);
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 100), "RET-6 no packet");
    }

    @Test
    @DisplayName("RECV-3 a graceful close completes a pending receive with TRUE and 0 bytes")
    void gracefulClose() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 1L, 0);
        OVERLAPPED ov = new OVERLAPPED();
        WSARecv(p[1], SocketTestSupport.bufs(t.buffer(100)), 1, null, new DWORDByReference(), ov, null);
        assertEquals(0, closesocket(p[0]));
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(0, t.bytes.value);
        assertSame(ov, t.ov.value);
    }

    @Test
    @DisplayName("RECV-9 CAN-6 SUB-4 closing a socket with a pending receive: one packet, 1236, the socket's key")
    void localCloseAborts() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 0x12345678L, 0);
        OVERLAPPED ov = new OVERLAPPED();
        WSARecv(p[1], SocketTestSupport.bufs(t.buffer(100)), 1, null, new DWORDByReference(), ov, null);
        assertEquals(0, closesocket(p[1]));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(ERROR_CONNECTION_ABORTED, GetLastError());
        assertEquals(0x12345678L, t.key.longValue());
        assertSame(ov, t.ov.value);
        assertEquals(STATUS_CONNECTION_ABORTED, ov.Internal);
        assertEquals(0, ov.InternalHigh);
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 200), "exactly one packet");
        assertEquals(0, t.receiveTextOrEof(p[0]), "LNX-7 the peer sees the connection end");
    }

    @Test
    @DisplayName("GQCSX-2 CAN-1 CancelIoEx aborts one receive with 995; again, or for an OVERLAPPED never used, "
            + "it is ERROR_NOT_FOUND")
    void cancelIoEx() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 1L, 0);
        OVERLAPPED ov = new OVERLAPPED();
        WSARecv(p[1], SocketTestSupport.bufs(t.buffer(100)), 1, null, new DWORDByReference(), ov, null);
        assertTrue(CancelIoEx(p[1], ov));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(ERROR_OPERATION_ABORTED, GetLastError());
        assertEquals(STATUS_CANCELLED, ov.Internal);
        DWORDByReference n = new DWORDByReference();
        assertFalse(GetOverlappedResult(p[1], ov, n, false));
        assertEquals(ERROR_OPERATION_ABORTED, GetLastError());
        assertFalse(CancelIoEx(p[1], ov));
        assertEquals(ERROR_NOT_FOUND, GetLastError());
        assertFalse(CancelIoEx(p[1], new OVERLAPPED()), "an OVERLAPPED never issued");
        assertEquals(ERROR_NOT_FOUND, GetLastError());
    }

    @Test
    @DisplayName("SOCK-2 SEND-3 SUB-11 LNX-3 two pending receives take the bytes in issue order; two large sends "
            + "never interleave")
    void issueOrder() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 1L, 0);
        MemorySegment a = t.buffer(16);
        MemorySegment b = t.buffer(16);
        OVERLAPPED oa = new OVERLAPPED();
        OVERLAPPED ob = new OVERLAPPED();
        WSARecv(p[1], SocketTestSupport.bufs(a), 1, null, new DWORDByReference(), oa, null);
        WSARecv(p[1], SocketTestSupport.bufs(b), 1, null, new DWORDByReference(), ob, null);
        t.sendText(p[0], "0123456789abcdefghijklmnopqrstuv");
        for (int i = 0; i < 2; i++) {
            assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        }
        assertEquals(16, oa.InternalHigh);
        assertEquals("0123456789abcdef", SocketTestSupport.text(a, 16));
        assertEquals("ghijklmnopqrstuv", SocketTestSupport.text(b, (int) ob.InternalHigh));

        int mib = 1 << 20;
        MemorySegment first = t.buffer(mib);
        first.fill((byte) 'A');
        MemorySegment second = t.buffer(mib);
        second.fill((byte) 'B');
        CreateIoCompletionPort(p[0], port, 2L, 0);
        WSASend(p[0], SocketTestSupport.bufs(first), 1, null, 0, new OVERLAPPED(), null);
        WSASend(p[0], SocketTestSupport.bufs(second), 1, null, 0, new OVERLAPPED(), null);
        MemorySegment in = t.buffer(65536);
        long got = 0;
        while (got < 2L * mib) {
            int r = recv(p[1], in, 65536, 0);
            assertTrue(r > 0);
            for (int i = 0; i < r; i++) {
                byte expected = got + i < mib ? (byte) 'A' : (byte) 'B';
                assertEquals(expected, in.get(ValueLayout.JAVA_BYTE, i), "byte " + (got + i));
            }
            got += r;
        }
        for (int i = 0; i < 2; i++) {
            assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
            assertEquals(mib, t.bytes.value, "SEND-2 a send completes in full");
        }
    }

    @Test
    @DisplayName("SEND-2 LNX-5 a 64 MiB send to a slow reader completes once, with every byte")
    void bigSendCompletesInFull() throws InterruptedException {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[0], port, 1L, 0);
        int size = 64 << 20;
        MemorySegment big = t.buffer(size);
        for (int i = 0; i < size; i += 4096) {
            big.set(ValueLayout.JAVA_INT_UNALIGNED, i, i);
        }
        WSASend(p[0], SocketTestSupport.bufs(big), 1, null, 0, new OVERLAPPED(), null);
        Thread reader = Thread.ofPlatform().start(() -> {
            MemorySegment in = t.buffer(1 << 16);
            long got = 0;
            while (got < size) {
                int r = recv(p[1], in, 1 << 16, 0);
                if (r <= 0) {
                    break;
                }
                got += r;
            }
        });
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 30000));
        assertEquals(size, t.bytes.value);
        reader.join();
    }

    @Test
    @DisplayName("RECV-1 SEND-1 scatter and gather")
    void scatterGather() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 1L, 0);
        MemorySegment b3 = t.buffer(3);
        MemorySegment b5 = t.buffer(5);
        MemorySegment b100 = t.buffer(100);
        WSARecv(p[1], SocketTestSupport.bufs(b3, b5, b100), 3, null, new DWORDByReference(), new OVERLAPPED(), null);
        WSABUF[] out = {new WSABUF(t.text("ab"), 2), new WSABUF(t.text("x"), 0), new WSABUF(t.text("cdefghij"), 8)};
        assertTrue(pendingOrDone(WSASend(p[0], out, 3, null, 0, new OVERLAPPED(), null)));
        out[0].len = 9999;  // OVL-6: the WSABUF array is the caller's again as soon as the call returns
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(10, t.bytes.value);
        assertEquals("abc", SocketTestSupport.text(b3, 3));
        assertEquals("defgh", SocketTestSupport.text(b5, 5));
        assertEquals("ij", SocketTestSupport.text(b100, 2));
        assertEquals(SOCKET_ERROR, WSARecv(p[1], null, 0, null, new DWORDByReference(), new OVERLAPPED(), null));
        assertEquals(WSAEINVAL, WSAGetLastError());
    }

    @Test
    @DisplayName("RECV-4 LNX-4 a zero-byte receive waits for data and consumes nothing")
    void zeroByteReceive() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 1L, 0);
        WSABUF[] zero = {new WSABUF(t.buffer(1), 0)};
        WSARecv(p[1], zero, 1, null, new DWORDByReference(), new OVERLAPPED(), null);
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 200), "pends while there is no data");
        t.sendText(p[0], "data\0");
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(0, t.bytes.value);
        assertEquals("data\0", t.receiveText(p[1], 5));
    }

    @Test
    @DisplayName("RET-6 SOCK-6 receive on a never-connected socket fails at once with WSAENOTCONN and no packet")
    void notConnected() {
        HANDLE port = t.port();
        SOCKET s = t.tcp();
        CreateIoCompletionPort(s, port, 1L, 0);
        OVERLAPPED ov = new OVERLAPPED();
        assertEquals(SOCKET_ERROR, WSARecv(s, SocketTestSupport.bufs(t.buffer(10)), 1, null,
                new DWORDByReference(), ov, null));
        assertEquals(WSAENOTCONN, WSAGetLastError());
        assertEquals(STATUS_PENDING, ov.Internal, "OVL-5 an immediate failure leaves Internal pending");
        assertFalse(HasOverlappedIoCompleted(ov));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 200));
    }

    @Test
    @DisplayName("SOCK-5 LNX-10 shutdown latches: SD_SEND -> sends WSAESHUTDOWN, peer reads 0, receives still work")
    void shutdownLatches() {
        SOCKET[] p = t.pair();
        assertEquals(0, shutdown(p[0], SD_SEND));
        assertEquals(SOCKET_ERROR, send(p[0], t.text("x"), 1, 0));
        assertEquals(WSAESHUTDOWN, WSAGetLastError());
        assertEquals(0, recv(p[1], t.buffer(10), 10, 0));
        t.sendText(p[1], "test\0");
        assertEquals("test\0", t.receiveText(p[0], 5));
        assertEquals(0, shutdown(p[0], SD_RECEIVE));
        assertEquals(SOCKET_ERROR, WSARecv(p[0], SocketTestSupport.bufs(t.buffer(10)), 1, null,
                new DWORDByReference(), new OVERLAPPED(), null));
        assertEquals(WSAESHUTDOWN, WSAGetLastError());
        assertEquals(SOCKET_ERROR, shutdown(t.tcp(), SD_BOTH));
        assertEquals(WSAENOTCONN, WSAGetLastError());
        assertEquals(SOCKET_ERROR, shutdown(p[1], 7));
        assertEquals(WSAEINVAL, WSAGetLastError());
    }

    @Test
    @DisplayName("ACC-3 ACC-5 ACC-7 LNX-21 AcceptEx: completes on the listener's key; GetAcceptExSockaddrs gives both "
            + "ends")
    void acceptEx() {
        HANDLE port = t.port();
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        SOCKET a = t.tcp();
        CreateIoCompletionPort(l, port, 125L, 0);
        CreateIoCompletionPort(a, port, 236L, 0);
        MemorySegment out = t.buffer(1000 + 64);
        OVERLAPPED ov = new OVERLAPPED();
        DWORDByReference received = new DWORDByReference(0xDEADBEEF);
        boolean r = AcceptEx(l, a, out, 0, 32, 32, received, ov);
        assertTrue(r || WSAGetLastError() == ERROR_IO_PENDING);
        if (!r) {
            assertEquals(0xDEADBEEF, received.value, "ACC-11");
        }
        SOCKET c = t.tcp();
        assertEquals(0, connect(c, addr[0], SOCKADDR_IN.SIZE));
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000), () -> "error " + GetLastError());
        assertEquals(125L, t.key.longValue(), "the listener's key");
        assertSame(ov, t.ov.value);
        assertEquals(0, t.bytes.value);
        assertEquals(0, setsockopt(a, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, l, 8));
        SockaddrByReference local = new SockaddrByReference();
        SockaddrByReference remote = new SockaddrByReference();
        INTByReference localLen = new INTByReference();
        INTByReference remoteLen = new INTByReference();
        GetAcceptExSockaddrs(out, 0, 32, 32, local, localLen, remote, remoteLen);
        assertEquals(16, localLen.value);
        assertEquals(16, remoteLen.value);
        SOCKADDR_IN clientName = new SOCKADDR_IN();
        getsockname(c, clientName, new INTByReference(16));
        assertEquals(addr[0].toString(), local.value.toString());
        assertEquals(clientName.toString(), remote.value.toString());
        t.sendText(c, "ping");
        assertEquals("ping", t.receiveText(a, 4), "the accept socket is the connection");
        WSARecv(a, SocketTestSupport.bufs(t.buffer(8)), 1, null, new DWORDByReference(), new OVERLAPPED(), null);
        t.sendText(c, "x");
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(236L, t.key.longValue(), "the accept socket keeps its own association");
    }

    @Test
    @DisplayName("ACC-6 LNX-21 AcceptEx with a receive length completes with the first data")
    void acceptExWithData() {
        HANDLE port = t.port();
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        SOCKET a = t.tcp();
        CreateIoCompletionPort(l, port, 1L, 0);
        MemorySegment out = t.buffer(2 + 64);
        AcceptEx(l, a, out, 2, 32, 32, null, new OVERLAPPED());
        SOCKET c = t.tcp();
        assertEquals(0, connect(c, addr[0], SOCKADDR_IN.SIZE));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 200), "waits for the first data");
        t.sendText(c, "z");
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(1, t.bytes.value);
        assertEquals("z", SocketTestSupport.text(out, 1));
    }

    @Test
    @DisplayName("ACC-1 ACC-2 AcceptEx argument and state errors are immediate")
    void acceptExErrors() {
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        MemorySegment out = t.buffer(64);
        SOCKET bound = t.tcp();
        t.bindLoopback(bound);
        OVERLAPPED ov = new OVERLAPPED();
        assertFalse(AcceptEx(l, bound, out, 0, 32, 32, null, ov));
        assertEquals(WSAEINVAL, WSAGetLastError());
        assertEquals(STATUS_PENDING, ov.Internal);
        assertFalse(AcceptEx(l, t.udp(), out, 0, 32, 32, null, new OVERLAPPED()));
        assertEquals(WSAEINVAL, WSAGetLastError());
        SOCKET a = t.tcp();
        assertFalse(AcceptEx(l, a, out, 0, 32, 32, null, null));
        assertEquals(ERROR_INVALID_PARAMETER, WSAGetLastError());
        assertFalse(AcceptEx(l, a, null, 0, 32, 32, null, new OVERLAPPED()));
        assertEquals(WSAEFAULT, WSAGetLastError());
        assertFalse(AcceptEx(l, a, out, 0, 32, 0, null, new OVERLAPPED()));
        assertEquals(WSAEFAULT, WSAGetLastError());
        assertFalse(AcceptEx(INVALID_SOCKET, a, out, 0, 32, 32, null, new OVERLAPPED()));
        assertEquals(WSAENOTSOCK, WSAGetLastError());
        SOCKET notListening = t.tcp();
        assertFalse(AcceptEx(notListening, a, out, 0, 32, 32, null, new OVERLAPPED()));
        assertEquals(WSAEINVAL, WSAGetLastError());
        assertFalse(AcceptEx(l, a, out, 0, 32, 32, null, new OVERLAPPED()));
        assertEquals(ERROR_IO_PENDING, WSAGetLastError(), "a valid AcceptEx claims the accept socket");
        assertFalse(AcceptEx(l, a, t.buffer(64), 0, 32, 32, null, new OVERLAPPED()), "second AcceptEx into it");
        assertEquals(WSAEINVAL, WSAGetLastError());
        assertEquals(SOCKET_ERROR, connect(a, addr[0], SOCKADDR_IN.SIZE));
        assertEquals(WSAEINVAL, WSAGetLastError());
    }

    @Test
    @DisplayName("ACC-10 closing the listener aborts every pending AcceptEx with 995, one packet each, and stops it listening at once")
    void closeListenerAbortsAccepts() {
        HANDLE port = t.port();
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        CreateIoCompletionPort(l, port, 7L, 0);
        int n = 8;
        for (int i = 0; i < n; i++) {
            AcceptEx(l, t.tcp(), t.buffer(64), 0, 32, 32, null, new OVERLAPPED());
        }
        assertEquals(0, closesocket(l));
        // Nothing has dequeued the aborted accepts yet: on Windows the socket is gone all the same.
        assertEquals(SOCKET_ERROR, connect(t.tcp(), addr[0], SOCKADDR_IN.SIZE), "a connect to the closed listener");
        assertEquals(WSAECONNREFUSED, WSAGetLastError());
        for (int i = 0; i < n; i++) {
            assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
            assertEquals(ERROR_OPERATION_ABORTED, GetLastError());
            assertEquals(7L, t.key.longValue());
            assertEquals(STATUS_CANCELLED, t.ov.value.Internal);
        }
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 200));
    }

    @Test
    @DisplayName("ACC-10 LNX-7 LNX-8 closing the accept socket of a pending AcceptEx never lets the accept land on a reused fd")
    void closeAcceptSocketThenConnect(@TempDir Path dir) throws Exception {
        HANDLE port = t.port();
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        CreateIoCompletionPort(l, port, 7L, 0);
        Path path = dir.resolve("bystander");
        Files.writeString(path, "bystander");
        for (int i = 0; i < 200; i++) {
            SOCKET a = t.tcp();
            OVERLAPPED ov = new OVERLAPPED();
            assertFalse(AcceptEx(l, a, t.buffer(64), 0, 32, 32, null, ov));
            assertEquals(ERROR_IO_PENDING, WSAGetLastError());
            SOCKET c = t.tcp();
            CountDownLatch go = new CountDownLatch(1);
            Thread connector = Thread.ofPlatform().start(() -> {
                go.countDown();
                connect(c, addr[0], SOCKADDR_IN.SIZE);  // races with the close and the cancel it starts
            });
            go.await();
            assertEquals(0, closesocket(a));
            // A file opened now takes the lowest free fd number, the accept socket's if the close let go of it;
            // a connection accepted before the cancel then lands on that number unless the fd is kept.
            HANDLE f = CreateFile(path.toString(), GENERIC_READ, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, null);
            assertNotEquals(INVALID_HANDLE_VALUE, f);
            connector.join();
            boolean accepted = GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000);
            assertSame(ov, t.ov.value, "iteration " + i);
            int error = accepted ? 0 : GetLastError();  // success: the connection was accepted before the close
            assertTrue(accepted || error == ERROR_OPERATION_ABORTED || error == ERROR_CONNECTION_ABORTED,
                    "iteration " + i + ": " + error);
            MemorySegment content = t.buffer(16);
            OVERLAPPED read = new OVERLAPPED();
            read.hEvent = t.track(CreateEvent(null, true, false, null));
            boolean done = ReadFile(f, content, 16, null, read);
            assertTrue(done || GetLastError() == ERROR_IO_PENDING, () -> "ReadFile: " + GetLastError());
            int iteration = i;
            assertEquals(WAIT_OBJECT_0, WaitForSingleObject((HANDLE) read.hEvent, 5000),
                    () -> "iteration " + iteration + ": the read never completed: the file's fd was taken over");
            assertTrue(GetOverlappedResult(f, read, t.bytes, false), () -> "ReadFile: " + GetLastError());
            assertEquals("bystander", SocketTestSupport.text(content, t.bytes.value), "iteration " + i);
            CloseHandle(f);
            closesocket(c);
            if (error != ERROR_OPERATION_ABORTED) {
                continue;  // that connection went with the accept socket
            }
            SOCKET taken = t.track(accept(l, null, null));  // the one the cancelled accept left in the backlog
            closesocket(taken);
        }
    }

    @Test
    @DisplayName("CONX-2 CONX-3 ConnectEx sends its first data; refused arrives as 1225")
    void connectEx() {
        HANDLE port = t.port();
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        SOCKET c = t.tcp();
        t.bindLoopback(c);
        CreateIoCompletionPort(c, port, 3L, 0);
        OVERLAPPED ov = new OVERLAPPED();
        boolean r = ConnectEx(c, addr[0], SOCKADDR_IN.SIZE, t.text("123"), 3, null, ov);
        assertTrue(r || WSAGetLastError() == ERROR_IO_PENDING);
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000), () -> "error " + GetLastError());
        assertEquals(3, t.bytes.value);
        assertEquals(0, setsockopt(c, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, null, 0));
        SOCKET s = t.track(accept(l, null, null));
        assertEquals("123", t.receiveText(s, 3));
        SOCKADDR_IN peer = new SOCKADDR_IN();
        assertEquals(0, getpeername(c, peer, new INTByReference(16)));
        assertEquals(addr[0].toString(), peer.toString());

        SOCKET refused = t.tcp();
        t.bindLoopback(refused);
        CreateIoCompletionPort(refused, port, 4L, 0);
        SOCKET closedPort = t.tcp();
        SOCKADDR_IN nobody = t.bindLoopback(closedPort);
        OVERLAPPED ov2 = new OVERLAPPED();
        ConnectEx(refused, nobody, SOCKADDR_IN.SIZE, null, 0, null, ov2);
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(ERROR_CONNECTION_REFUSED, GetLastError());
        assertSame(ov2, t.ov.value);
        assertEquals(STATUS_CONNECTION_REFUSED, ov2.Internal);
    }

    @Test
    @DisplayName("CONX-1 RET-3 ConnectEx preconditions")
    void connectExErrors() {
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        t.listener(addr);
        SOCKET unbound = t.tcp();
        assertFalse(ConnectEx(unbound, addr[0], SOCKADDR_IN.SIZE, null, 0, null, new OVERLAPPED()));
        assertEquals(WSAEINVAL, WSAGetLastError());
        SOCKET bound = t.tcp();
        t.bindLoopback(bound);
        assertFalse(ConnectEx(bound, addr[0], SOCKADDR_IN.SIZE, null, 0, null, null));
        assertEquals(ERROR_INVALID_PARAMETER, WSAGetLastError());
        SOCKET[] p = t.pair();
        assertFalse(ConnectEx(p[0], addr[0], SOCKADDR_IN.SIZE, null, 0, null, new OVERLAPPED()));
        assertEquals(WSAEISCONN, WSAGetLastError());
    }

    @Test
    @DisplayName("DISC-1 DISC-2 DisconnectEx: synchronous twice, then sends fail and the peer reads 0")
    void disconnectEx() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[0], port, 1L, 0);
        assertFalse(DisconnectEx(t.tcp(), new OVERLAPPED(), 0, 0));
        assertEquals(WSAENOTCONN, WSAGetLastError());
        assertTrue(DisconnectEx(p[0], null, 0, 0));
        assertTrue(DisconnectEx(p[0], null, 0, 0));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 100));
        assertEquals(SOCKET_ERROR, send(p[0], t.text("x"), 1, 0));
        assertEquals(WSAESHUTDOWN, WSAGetLastError());
        assertEquals(0, recv(p[1], t.buffer(4), 4, 0));
        t.sendText(p[1], "test\0");
        assertEquals("test\0", t.receiveText(p[0], 5));
    }

    @Test
    @DisplayName("EXT-1 extension functions by GUID; an unknown GUID is WSAEINVAL")
    void extensionPointers() {
        SOCKET s = t.tcp();
        ExtensionFunctions.FunctionByReference fn = new ExtensionFunctions.FunctionByReference();
        DWORDByReference n = new DWORDByReference();
        assertEquals(0, WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_ACCEPTEX, 16, fn, 8, n, null, null));
        assertInstanceOf(ExtensionFunctions.LPFN_ACCEPTEX.class, fn.value);
        assertEquals(8, n.value);
        assertEquals(0, WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_CONNECTEX, 16, fn, 8, n, null, null));
        assertInstanceOf(ExtensionFunctions.LPFN_CONNECTEX.class, fn.value);
        assertEquals(0, WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_DISCONNECTEX, 16, fn, 8, n, null, null));
        assertInstanceOf(ExtensionFunctions.LPFN_DISCONNECTEX.class, fn.value);
        assertEquals(0, WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_GETACCEPTEXSOCKADDRS, 16, fn, 8, n,
                null, null));
        assertInstanceOf(ExtensionFunctions.LPFN_GETACCEPTEXSOCKADDRS.class, fn.value);
        assertEquals(SOCKET_ERROR, WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER,
                new io.iocp4j.win32.GUID(UUID.randomUUID()), 16, fn, 8, n, null, null));
        assertEquals(WSAEINVAL, WSAGetLastError());
    }

    @Test
    @DisplayName("ERR-2 SOCK-1 bad handles give WSAENOTSOCK first; a non-overlapped socket cannot be associated")
    void badHandles() {
        assertEquals(SOCKET_ERROR, getpeername(INVALID_SOCKET, null, null));
        assertEquals(WSAENOTSOCK, WSAGetLastError());
        SOCKET s = t.tcp();
        assertEquals(0, closesocket(s));
        assertEquals(SOCKET_ERROR, closesocket(s));
        assertEquals(WSAENOTSOCK, WSAGetLastError());
        SOCKET sync = t.track(WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, 0));
        assertNull(CreateIoCompletionPort(sync, t.port(), 1L, 0));
        assertEquals(ERROR_INVALID_PARAMETER, GetLastError());
    }

    @Test
    @DisplayName("LNX-8 CICP-10 SUB-5 a closed socket's pending receive aborts exactly once while 1000 new sockets "
            + "appear")
    void fdReuseNeverConfuses() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 5L, 0);
        OVERLAPPED ov = new OVERLAPPED();
        WSARecv(p[1], SocketTestSupport.bufs(t.buffer(10)), 1, null, new DWORDByReference(), ov, null);
        closesocket(p[1]);
        for (int i = 0; i < 1000; i++) {
            SOCKET fresh = socket(AF_INET, SOCK_STREAM, 0);
            assertNotEquals(INVALID_SOCKET, fresh);
            assertNotEquals(p[1].value(), fresh.value(), "handle values are never reused");
            closesocket(fresh);
        }
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertSame(ov, t.ov.value);
        assertEquals(5L, t.key.longValue());
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 200), "exactly once");
    }

    @Test
    @DisplayName("RET-2 Winsock calls return 0, or SOCKET_ERROR with WSA_IO_PENDING when pending and another code "
            + "when they fail at once")
    void winsockReturnConvention() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 1L, 0);
        CreateIoCompletionPort(p[0], port, 2L, 0);
        SOCKET rx = t.udp();
        SOCKADDR_IN rxAddr = t.bindLoopback(rx);
        SOCKET tx = t.udp();
        t.bindLoopback(tx);
        CreateIoCompletionPort(rx, port, 3L, 0);
        CreateIoCompletionPort(tx, port, 4L, 0);
        int[] results = {
            WSARecv(p[1], SocketTestSupport.bufs(t.buffer(8)), 1, null, new DWORDByReference(), new OVERLAPPED(),
                    null),
            WSASend(p[0], SocketTestSupport.bufs(t.text("stream")), 1, null, 0, new OVERLAPPED(), null),
            WSARecvFrom(rx, SocketTestSupport.bufs(t.buffer(8)), 1, null, new DWORDByReference(), null, null,
                    new OVERLAPPED(), null),
            WSASendTo(tx, SocketTestSupport.bufs(t.text("dgram")), 1, null, 0, rxAddr, SOCKADDR_IN.SIZE,
                    new OVERLAPPED(), null),
        };
        for (int r : results) {
            assertTrue(r == 0 || r == SOCKET_ERROR, "returned " + r);
        }
        for (int i = 0; i < results.length; i++) {
            assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000), () -> "error " + GetLastError());
        }
        assertEquals(0, WSAIoctl(rx, SIO_UDP_CONNRESET, Boolean.FALSE, 4, null, 0, new DWORDByReference(), null,
                null), "an immediate success is 0");
        assertEquals(SOCKET_ERROR, WSAIoctl(rx, 0x12345678, null, 0, null, 0, new DWORDByReference(), null, null));
        assertEquals(WSAEINVAL, WSAGetLastError());
        assertEquals(SOCKET_ERROR, WSARecv(p[1], SocketTestSupport.bufs(t.buffer(8)), 1, null, null,
                new OVERLAPPED(), null));
        assertEquals(WSAEFAULT, WSAGetLastError());
        assertEquals(SOCKET_ERROR, WSASend(t.tcp(), SocketTestSupport.bufs(t.text("x")), 1, null, 0,
                new OVERLAPPED(), null));
        assertEquals(WSAENOTCONN, WSAGetLastError());
        assertEquals(SOCKET_ERROR, WSASendTo(tx, SocketTestSupport.bufs(t.buffer(70_000)), 1, null, 0, rxAddr,
                SOCKADDR_IN.SIZE, new OVERLAPPED(), null));
        assertEquals(WSAEMSGSIZE, WSAGetLastError());
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 100), "immediate failures queue nothing");
    }

    @Test
    @DisplayName("ACC-8 eight pending AcceptEx on one (non-blocking) listener, eight clients: eight completions, "
            + "eight distinct connections")
    void manyPendingAccepts() {
        HANDLE port = t.port();
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        assertEquals(0, ioctlsocket(l, FIONBIO, new DWORDByReference(1)), "blocking mode is irrelevant");
        CreateIoCompletionPort(l, port, 9L, 0);
        int n = 8;
        java.util.Map<OVERLAPPED, SOCKET> acceptors = new java.util.IdentityHashMap<>();
        for (int i = 0; i < n; i++) {
            SOCKET a = t.tcp();
            OVERLAPPED ov = new OVERLAPPED();
            boolean r = AcceptEx(l, a, t.buffer(64), 0, 32, 32, null, ov);
            assertTrue(r || WSAGetLastError() == ERROR_IO_PENDING);
            acceptors.put(ov, a);
        }
        SOCKET[] clients = new SOCKET[n];
        for (int i = 0; i < n; i++) {
            clients[i] = t.tcp();
            assertEquals(0, connect(clients[i], addr[0], SOCKADDR_IN.SIZE), () -> "connect: " + WSAGetLastError());
        }
        java.util.Set<OVERLAPPED> completed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < n; i++) {
            assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000), () -> "error " + GetLastError());
            assertEquals(9L, t.key.longValue());
            assertTrue(acceptors.containsKey(t.ov.value));
            assertTrue(completed.add(t.ov.value), "each AcceptEx completes once");
        }
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 100));
        for (int i = 0; i < n; i++) {
            t.sendText(clients[i], "c" + i);
        }
        java.util.Set<String> heard = new java.util.HashSet<>();
        for (SOCKET a : acceptors.values()) {
            heard.add(t.receiveText(a, 2));
        }
        assertEquals(n, heard.size(), "every acceptor holds a different client: " + heard);
    }

    @Test
    @DisplayName("ACC-9 CONX-4 SUB-10 SO_UPDATE_ACCEPT_CONTEXT and SO_UPDATE_CONNECT_CONTEXT validate their argument; "
            + "on Linux getsockname, getpeername and shutdown work without them")
    void updateContextOptions() {
        HANDLE port = t.port();
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        CreateIoCompletionPort(l, port, 1L, 0);
        SOCKET a = t.tcp();
        AcceptEx(l, a, t.buffer(64), 0, 32, 32, null, new OVERLAPPED());
        SOCKET c = t.tcp();
        assertEquals(0, connect(c, addr[0], SOCKADDR_IN.SIZE));
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        SOCKADDR_IN clientName = new SOCKADDR_IN();
        assertEquals(0, getsockname(c, clientName, new INTByReference(16)));
        SOCKADDR_IN name = new SOCKADDR_IN();
        INTByReference len = new INTByReference(16);
        assertEquals(0, getsockname(a, name, len), "lenient: before the option");
        assertEquals(addr[0].toString(), name.toString());
        SOCKADDR_IN peer = new SOCKADDR_IN();
        assertEquals(0, getpeername(a, peer, new INTByReference(16)), "lenient: before the option");
        assertEquals(clientName.toString(), peer.toString());
        assertEquals(SOCKET_ERROR, setsockopt(a, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, c, 8));
        assertEquals(WSAEINVAL, WSAGetLastError(), "the value must be a listening socket");
        assertEquals(0, setsockopt(a, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, l, 8));
        len.value = 16;
        assertEquals(0, getsockname(a, name, len));
        assertEquals(16, len.value);
        assertEquals(0, shutdown(a, SD_SEND));
        assertEquals(0, recv(c, t.buffer(1), 1, 0), "the shutdown reached the client");

        SOCKET cx = t.tcp();
        t.bindLoopback(cx);
        CreateIoCompletionPort(cx, port, 2L, 0);
        assertEquals(SOCKET_ERROR, setsockopt(cx, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, null, 0));
        assertEquals(WSAENOTCONN, WSAGetLastError(), "not connected yet");
        ConnectEx(cx, addr[0], SOCKADDR_IN.SIZE, null, 0, null, new OVERLAPPED());
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000), () -> "error " + GetLastError());
        assertEquals(0, getpeername(cx, peer, new INTByReference(16)), "lenient: before the option");
        assertEquals(addr[0].toString(), peer.toString());
        assertEquals(0, setsockopt(cx, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, null, 0));
        assertEquals(0, getpeername(cx, peer, new INTByReference(16)));
        assertEquals(addr[0].toString(), peer.toString());
        assertEquals(0, shutdown(cx, SD_BOTH));
    }

    @Test
    @DisplayName("CONX-5 CORE-7 a ConnectEx that goes pending queues its packet even in skip mode; connect queues none")
    void connectExPackets() {
        HANDLE port = t.port();
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        t.listener(addr);
        SOCKET c = t.tcp();
        t.bindLoopback(c);
        CreateIoCompletionPort(c, port, 5L, 0);
        assertTrue(SetFileCompletionNotificationModes(c, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS));
        OVERLAPPED ov = new OVERLAPPED();
        boolean r = ConnectEx(c, addr[0], SOCKADDR_IN.SIZE, null, 0, null, ov);
        boolean packet = GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000);
        if (r) {
            assertFalse(packet, "an immediate success in skip mode queues nothing");
        } else {
            assertEquals(ERROR_IO_PENDING, WSAGetLastError());
            assertTrue(packet, () -> "a pending ConnectEx always queues; error " + GetLastError());
            assertSame(ov, t.ov.value);
            assertEquals(5L, t.key.longValue());
            assertEquals(0, t.bytes.value);
        }
        SOCKET plain = t.tcp();
        CreateIoCompletionPort(plain, port, 6L, 0);
        assertEquals(0, connect(plain, addr[0], SOCKADDR_IN.SIZE));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 100), "connect never queues");
        assertEquals(WAIT_TIMEOUT, GetLastError());
    }

    @Test
    @DisplayName("DISC-3 LNX-22 after DisconnectEx(TF_REUSE_SOCKET) the same handle accepts a new client and keeps "
            + "its association and key")
    void disconnectAndReuse() {
        HANDLE port = t.port();
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        CreateIoCompletionPort(l, port, 125L, 0);
        SOCKET a = t.tcp();
        CreateIoCompletionPort(a, port, 236L, 0);
        OVERLAPPED first = new OVERLAPPED();
        AcceptEx(l, a, t.buffer(64), 0, 32, 32, null, first);
        SOCKET c1 = t.tcp();
        assertEquals(0, connect(c1, addr[0], SOCKADDR_IN.SIZE));
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertSame(first, t.ov.value);
        OVERLAPPED disc = new OVERLAPPED();
        boolean r = DisconnectEx(a, disc, TF_REUSE_SOCKET, 0);
        assertTrue(r || WSAGetLastError() == ERROR_IO_PENDING, () -> "error " + WSAGetLastError());
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 10_000), () -> "error " + GetLastError());
        assertSame(disc, t.ov.value);
        assertEquals(236L, t.key.longValue());
        assertEquals(0, t.bytes.value);
        assertEquals(0, t.receiveTextOrEof(c1), "the first client sees the end");

        OVERLAPPED second = new OVERLAPPED();
        MemorySegment out = t.buffer(64);
        boolean again = AcceptEx(l, a, out, 0, 32, 32, null, second);
        assertTrue(again || WSAGetLastError() == ERROR_IO_PENDING, () -> "reuse: error " + WSAGetLastError());
        SOCKET c2 = t.tcp();
        assertEquals(0, connect(c2, addr[0], SOCKADDR_IN.SIZE));
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000), () -> "error " + GetLastError());
        assertSame(second, t.ov.value);
        assertEquals(125L, t.key.longValue(), "ACC-7 the listener's key");
        MemorySegment in = t.buffer(8);
        OVERLAPPED rx = new OVERLAPPED();
        WSARecv(a, SocketTestSupport.bufs(in), 1, null, new DWORDByReference(), rx, null);
        t.sendText(c2, "hi");
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertSame(rx, t.ov.value);
        assertEquals(236L, t.key.longValue(), "the reused handle keeps its key");
        assertEquals("hi", SocketTestSupport.text(in, 2));
    }

    @Test
    @DisplayName("GAS-1 GetAcceptExSockaddrs only parses the buffer: it works with every socket closed and reads the "
            + "buffer as it is now; on Linux it returns decoded copies, not pointers")
    void acceptExSockaddrsIsAParser() {
        HANDLE port = t.port();
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        CreateIoCompletionPort(l, port, 1L, 0);
        SOCKET a = t.tcp();
        MemorySegment out = t.buffer(10 + 64);
        AcceptEx(l, a, out, 0, 32, 32, null, new OVERLAPPED());
        SOCKET c = t.tcp();
        assertEquals(0, connect(c, addr[0], SOCKADDR_IN.SIZE));
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        SOCKADDR_IN clientName = new SOCKADDR_IN();
        assertEquals(0, getsockname(c, clientName, new INTByReference(16)));
        for (SOCKET s : new SOCKET[] {c, a, l}) {
            assertEquals(0, closesocket(s));
        }
        io.iocp4j.win32.SockaddrByReference local = new io.iocp4j.win32.SockaddrByReference();
        io.iocp4j.win32.SockaddrByReference remote = new io.iocp4j.win32.SockaddrByReference();
        INTByReference localLen = new INTByReference();
        INTByReference remoteLen = new INTByReference();
        GetAcceptExSockaddrs(out, 0, 32, 32, local, localLen, remote, remoteLen);
        assertEquals(addr[0].toString(), local.value.toString());
        assertEquals(clientName.toString(), remote.value.toString());
        assertEquals(16, localLen.value);
        assertEquals(16, remoteLen.value);
        io.iocp4j.win32.sockaddr firstLocal = local.value;
        MemorySegment.copy(out, 32, out, 0, 32);  // the remote block over the local one
        GetAcceptExSockaddrs(out, 0, 32, 32, local, localLen, remote, remoteLen);
        assertEquals(clientName.toString(), local.value.toString(), "it reads what the buffer holds now");
        assertEquals(addr[0].toString(), firstLocal.toString(), "the Linux behaviour: earlier results are copies");
    }

    @Test
    @DisplayName("RECV-5 OVL-8 lpFlags: NULL is WSAEFAULT; an immediate receive writes 0 back; a pending one never "
            + "writes it, WSAGetOverlappedResult gives the flags (0)")
    void receiveFlags() {
        SOCKET[] p = t.pair();
        assertEquals(SOCKET_ERROR, WSARecv(p[1], SocketTestSupport.bufs(t.buffer(8)), 1, null, null,
                new OVERLAPPED(), null));
        assertEquals(WSAEFAULT, WSAGetLastError());
        t.sendText(p[0], "now");
        DWORDByReference flags = new DWORDByReference(0);
        DWORDByReference n = new DWORDByReference();
        assertEquals(0, WSARecv(p[1], SocketTestSupport.bufs(t.buffer(8)), 1, n, flags, null, null));
        assertEquals(3, n.value);
        assertEquals(0, flags.value);

        HANDLE e = t.track(CreateEvent(null, true, false, null));
        OVERLAPPED ov = new OVERLAPPED();
        ov.hEvent = e;
        DWORDByReference later = new DWORDByReference(0);
        assertEquals(SOCKET_ERROR, WSARecv(p[1], SocketTestSupport.bufs(t.buffer(8)), 1, null, later, ov, null));
        assertEquals(WSA_IO_PENDING, WSAGetLastError());
        later.value = 0x5A5A;
        t.sendText(p[0], "later");
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(e, 5000));
        assertEquals(0x5A5A, later.value, "a pending receive's lpFlags is not written at completion");
        DWORDByReference resultFlags = new DWORDByReference(-1);
        assertTrue(WSAGetOverlappedResult(p[1], ov, n, false, resultFlags));
        assertEquals(5, n.value);
        assertEquals(0, resultFlags.value);
    }

    @Test
    @DisplayName("RECV-6 an overlapped MSG_PEEK receive copies the data and leaves it queued")
    void peek() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 1L, 0);
        MemorySegment buf = t.buffer(16);
        WSARecv(p[1], SocketTestSupport.bufs(buf), 1, null, new DWORDByReference(MSG_PEEK), new OVERLAPPED(), null);
        t.sendText(p[0], "abc");
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(3, t.bytes.value);
        assertEquals("abc", SocketTestSupport.text(buf, 3));
        assertEquals("abc", t.receiveText(p[1], 3), "the next receive returns the data again");
    }

    @Test
    @DisplayName("RECV-7 MSG_WAITALL completes once the buffer is full (60 + 40 bytes) or at a graceful close; "
            + "with MSG_PEEK or on UDP it is WSAEOPNOTSUPP")
    void waitAll() throws InterruptedException {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[1], port, 1L, 0);
        MemorySegment buf = t.buffer(100);
        OVERLAPPED ov = new OVERLAPPED();
        WSARecv(p[1], SocketTestSupport.bufs(buf), 1, null, new DWORDByReference(MSG_WAITALL), ov, null);
        t.sendText(p[0], "a".repeat(60));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 100), "60 of 100 bytes: still pending");
        t.sendText(p[0], "b".repeat(40));
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertSame(ov, t.ov.value);
        assertEquals(100, t.bytes.value);
        assertEquals("a".repeat(60) + "b".repeat(40), SocketTestSupport.text(buf, 100));

        OVERLAPPED partial = new OVERLAPPED();
        WSARecv(p[1], SocketTestSupport.bufs(buf), 1, null, new DWORDByReference(MSG_WAITALL), partial, null);
        t.sendText(p[0], "tail");
        assertEquals(0, shutdown(p[0], SD_SEND));
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000), () -> "error " + GetLastError());
        assertSame(partial, t.ov.value);
        assertEquals(4, t.bytes.value, "a graceful close completes with the partial count");

        assertEquals(SOCKET_ERROR, WSARecv(p[1], SocketTestSupport.bufs(buf), 1, null,
                new DWORDByReference(MSG_WAITALL | MSG_PEEK), new OVERLAPPED(), null));
        assertEquals(WSAEOPNOTSUPP, WSAGetLastError());
        SOCKET u = t.udp();
        t.bindLoopback(u);
        assertEquals(SOCKET_ERROR, WSARecvFrom(u, SocketTestSupport.bufs(buf), 1, null,
                new DWORDByReference(MSG_WAITALL), null, null, new OVERLAPPED(), null));
        assertEquals(WSAEOPNOTSUPP, WSAGetLastError());
    }

    @Test
    @DisplayName("SEND-4 an overlapped WSASend fails at once with no packet: WSAENOTCONN, WSAESHUTDOWN after SD_SEND, "
            + "WSAECONNRESET after a reset")
    void immediateSendErrors() {
        HANDLE port = t.port();
        SOCKET never = t.tcp();
        CreateIoCompletionPort(never, port, 1L, 0);
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[0], port, 2L, 0);
        assertEquals(0, shutdown(p[0], SD_SEND));
        SOCKET[] q = t.pair();
        CreateIoCompletionPort(q[1], port, 3L, 0);
        assertEquals(0, setsockopt(q[0], SOL_SOCKET, SO_LINGER, new LINGER(1, 0), 4));
        assertEquals(0, closesocket(q[0]));
        assertEquals(SOCKET_ERROR, recv(q[1], t.buffer(4), 4, 0), "the reset has arrived");
        assertEquals(WSAECONNRESET, WSAGetLastError());
        Object[][] cases = {{never, WSAENOTCONN}, {p[0], WSAESHUTDOWN}, {q[1], WSAECONNRESET}};
        for (Object[] c : cases) {
            OVERLAPPED ov = new OVERLAPPED();
            assertEquals(SOCKET_ERROR, WSASend((SOCKET) c[0], SocketTestSupport.bufs(t.text("x")), 1, null, 0, ov,
                    null));
            assertEquals((int) c[1], WSAGetLastError());
            assertEquals(STATUS_PENDING, ov.Internal);
        }
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 200), "no packets");
        assertEquals(WAIT_TIMEOUT, GetLastError());
    }

    @Test
    @DisplayName("SEND-6 SUB-6 a zero-length WSASend completes TRUE with 0 bytes and does not complete the peer's "
            + "pending receive")
    void zeroLengthSend() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[0], port, 1L, 0);
        CreateIoCompletionPort(p[1], port, 2L, 0);
        OVERLAPPED rx = new OVERLAPPED();
        WSARecv(p[1], SocketTestSupport.bufs(t.buffer(8)), 1, null, new DWORDByReference(), rx, null);
        OVERLAPPED tx = new OVERLAPPED();
        WSASend(p[0], new WSABUF[] {new WSABUF(t.buffer(1), 0)}, 1, null, 0, tx, null);
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000), () -> "error " + GetLastError());
        assertSame(tx, t.ov.value);
        assertEquals(0, t.bytes.value);
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 200), "the peer received nothing");
        t.sendText(p[0], "z");
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertSame(rx, t.ov.value);
        assertEquals(1, t.bytes.value);
    }

    @Test
    @DisplayName("SEND-7 LNX-13 MSG_DONTROUTE behaves like 0; sending to a peer that reset never raises SIGPIPE and "
            + "gives WSAECONNRESET")
    void sendFlagsAndNoSigpipe() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[0], port, 1L, 0);
        WSASend(p[0], SocketTestSupport.bufs(t.text("route")), 1, null, MSG_DONTROUTE, new OVERLAPPED(), null);
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000), () -> "error " + GetLastError());
        assertEquals(5, t.bytes.value);
        assertEquals("route", t.receiveText(p[1], 5));
        assertEquals(0, setsockopt(p[1], SOL_SOCKET, SO_LINGER, new LINGER(1, 0), 4));
        assertEquals(0, closesocket(p[1]));
        int r = 0;
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (r != SOCKET_ERROR && System.nanoTime() < deadline) {
            r = send(p[0], t.text("x"), 1, 0);
        }
        assertEquals(SOCKET_ERROR, r, "a send fails once the reset is in");
        assertEquals(WSAECONNRESET, WSAGetLastError());
        for (int i = 0; i < 3; i++) {
            assertEquals(SOCKET_ERROR, send(p[0], t.text("x"), 1, 0), "and keeps failing, without a signal");
            assertEquals(WSAECONNRESET, WSAGetLastError());
        }
    }

    @Test
    @DisplayName("LNX-14 Windows constants and layouts at the API: AF_INET6 23, SOL_SOCKET 0xFFFF, SO_REUSEADDR 4, "
            + "SO_RCVBUF 0x1002, INVALID_SOCKET ~0, SOCKADDR_IN 16 and SOCKADDR_IN6 28 bytes, translated for Linux")
    void windowsNumbers() {
        assertEquals(23, AF_INET6);
        assertEquals(2, AF_INET);
        assertEquals(0xFFFF, SOL_SOCKET);
        assertEquals(4, SO_REUSEADDR);
        assertEquals(0x1002, SO_RCVBUF);
        assertEquals(~0L, INVALID_SOCKET.value());
        assertEquals(16, SOCKADDR_IN.SIZE);
        assertEquals(28, io.iocp4j.win32.SOCKADDR_IN6.SIZE);
        SOCKET s = t.tcp();
        assertEquals(0, setsockopt(s, SOL_SOCKET, SO_RCVBUF, 100_000, 4), () -> "error " + WSAGetLastError());
        INTByReference v = new INTByReference();
        assertEquals(0, getsockopt(s, SOL_SOCKET, SO_RCVBUF, v, new INTByReference(4)));
        assertTrue(v.value >= 100_000, "SO_RCVBUF reached Linux: " + v.value);
        assertEquals(0, setsockopt(s, SOL_SOCKET, SO_REUSEADDR, 1, 4));
        assertEquals(0, getsockopt(s, SOL_SOCKET, SO_REUSEADDR, v, new INTByReference(4)));
        assertNotEquals(0, v.value);
        SOCKET six = t.track(socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP));
        io.iocp4j.win32.SOCKADDR_IN6 loop6 = new io.iocp4j.win32.SOCKADDR_IN6();
        loop6.sin6_addr.u[15] = 1;
        assertEquals(0, bind(six, loop6, io.iocp4j.win32.SOCKADDR_IN6.SIZE), () -> "bind ::1: " + WSAGetLastError());
        io.iocp4j.win32.SOCKADDR_IN6 name = new io.iocp4j.win32.SOCKADDR_IN6();
        name.sin6_family = 0;
        INTByReference len = new INTByReference(io.iocp4j.win32.SOCKADDR_IN6.SIZE);
        assertEquals(0, getsockname(six, name, len));
        assertEquals(23, name.sin6_family, "Linux's AF_INET6 (10) comes back as Windows' 23");
        assertEquals(28, len.value);
        assertEquals(1, name.sin6_addr.u[15]);
        assertNotEquals(0, name.sin6_port);
    }
}
