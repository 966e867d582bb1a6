package io.iocp4j.win32.contract;

import io.iocp4j.engine.IoEngine;
import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.INTByReference;
import io.iocp4j.win32.LINGER;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.WSANETWORKEVENTS;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * WSAEventSelect / WSAEnumNetworkEvents (NB-4) on real loopback sockets: events are recorded once until their
 * re-enabling call, the event object is set when one is recorded, FD_CLOSE and FD_CONNECT carry their errors.
 */
class NetworkEventsContractTest {
    /** How long "nothing is recorded" is watched for: long enough for loopback data to have arrived many times over. */
    private static final int QUIET_MS = 200;

    private final SocketTestSupport t = new SocketTestSupport();

    @AfterEach
    void tearDown() {
        t.close();
    }

    private HANDLE event() {
        return t.track(WSACreateEvent());
    }

    private static void awaitSignalled(HANDLE e) {
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(e, 5000), "the event was not set");
    }

    private static void assertQuiet(HANDLE e) {
        assertEquals(WAIT_TIMEOUT, WaitForSingleObject(e, QUIET_MS), "the event was set");
    }

    private static WSANETWORKEVENTS enumerate(SOCKET s, HANDLE e) {
        WSANETWORKEVENTS ne = new WSANETWORKEVENTS();
        assertEquals(0, WSAEnumNetworkEvents(s, e, ne), () -> "WSAEnumNetworkEvents: " + WSAGetLastError());
        return ne;
    }

    /**
     * Waits until {@code bits} have all been recorded on {@code s} and returns what was enumerated meanwhile. It
     * enumerates after every wake-up or 50 ms, since sockets sharing one event (an accepted socket inherits its
     * listener's) reset it for each other.
     */
    private static WSANETWORKEVENTS awaitEvents(SOCKET s, HANDLE e, int bits) {
        WSANETWORKEVENTS all = new WSANETWORKEVENTS();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while ((all.lNetworkEvents & bits) != bits) {
            assertTrue(System.nanoTime() < deadline, () -> "recorded 0x" + Integer.toHexString(all.lNetworkEvents)
                    + ", wanted 0x" + Integer.toHexString(bits));
            WaitForSingleObject(e, 50);
            WSANETWORKEVENTS ne = enumerate(s, e);
            all.lNetworkEvents |= ne.lNetworkEvents;
            for (int i = 0; i < FD_MAX_EVENTS; i++) {
                if ((ne.lNetworkEvents & (1 << i)) != 0) {
                    all.iErrorCode[i] = ne.iErrorCode[i];
                }
            }
        }
        return all;
    }

    /** Nothing is recorded on {@code s} for a while (the event may be shared, so the record is what counts). */
    private static void assertNothingRecorded(SOCKET s, HANDLE e) {
        WaitForSingleObject(e, QUIET_MS);
        int bits = enumerate(s, null).lNetworkEvents;
        assertEquals(0, bits, () -> "recorded 0x" + Integer.toHexString(bits));
    }

    @Test
    @DisplayName("NB-4 FD_READ is recorded when data arrives, not again for more data until recv, again after recv")
    void readIsRecordedOnceUntilRecv() {
        SOCKET[] p = t.pair();
        HANDLE e = event();
        assertEquals(0, WSAEventSelect(p[1], e, FD_READ));
        assertQuiet(e);
        t.sendText(p[0], "abc");
        awaitSignalled(e);
        WSANETWORKEVENTS ne = enumerate(p[1], e);
        assertEquals(FD_READ, ne.lNetworkEvents);
        assertEquals(0, ne.iErrorCode[FD_READ_BIT]);
        assertQuiet(e);  // WSAEnumNetworkEvents reset it

        t.sendText(p[0], "def");
        SocketTestSupport.awaitReadable(p[1], 6);
        assertQuiet(e);
        assertEquals(0, enumerate(p[1], e).lNetworkEvents, "FD_READ recorded again without a recv");

        MemorySegment buf = t.buffer(2);
        assertEquals(2, recv(p[1], buf, 2, 0));
        awaitSignalled(e);  // 4 bytes remain: the recv re-enabled FD_READ and the condition still holds
        assertEquals(FD_READ, enumerate(p[1], e).lNetworkEvents);
        assertEquals("cdef", t.receiveText(p[1], 4));
    }

    @Test
    @DisplayName("NB-4 the socket is forced non-blocking; FIONBIO back to blocking is WSAEINVAL until the selection "
            + "is cancelled with lNetworkEvents = 0")
    void forcesNonBlocking() {
        SOCKET[] p = t.pair();
        HANDLE e = event();
        assertEquals(0, WSAEventSelect(p[1], e, FD_READ | FD_CLOSE));
        assertEquals(SOCKET_ERROR, recv(p[1], t.buffer(4), 4, 0));
        assertEquals(WSAEWOULDBLOCK, WSAGetLastError());
        assertEquals(SOCKET_ERROR, ioctlsocket(p[1], FIONBIO, new DWORDByReference(0)));
        assertEquals(WSAEINVAL, WSAGetLastError());
        assertEquals(0, ioctlsocket(p[1], FIONBIO, new DWORDByReference(1)));

        assertEquals(0, WSAEventSelect(p[1], null, 0));
        t.sendText(p[0], "x");
        assertQuiet(e);  // no longer selected: nothing recorded
        assertEquals(0, ioctlsocket(p[1], FIONBIO, new DWORDByReference(0)));
        assertEquals("x", t.receiveText(p[1], 1));
    }

    @Test
    @DisplayName("NB-4 bad input: a handle that is not an event is WSAEINVAL, a closed socket WSAENOTSOCK, a NULL "
            + "WSANETWORKEVENTS WSAEFAULT; the socket keeps working")
    void badInput() {
        SOCKET[] p = t.pair();
        HANDLE port = t.port();
        assertEquals(SOCKET_ERROR, WSAEventSelect(p[1], port, FD_READ));
        assertEquals(WSAEINVAL, WSAGetLastError());
        assertEquals(SOCKET_ERROR, WSAEventSelect(p[1], null, FD_READ));
        assertEquals(WSAEINVAL, WSAGetLastError());
        HANDLE e = event();
        assertEquals(SOCKET_ERROR, WSAEnumNetworkEvents(p[1], e, null));
        assertEquals(WSAEFAULT, WSAGetLastError());
        assertEquals(SOCKET_ERROR, WSAEnumNetworkEvents(p[1], port, new WSANETWORKEVENTS()));
        assertEquals(WSAEINVAL, WSAGetLastError());
        SOCKET closed = t.tcp();
        assertEquals(0, closesocket(closed));
        assertEquals(SOCKET_ERROR, WSAEventSelect(closed, e, FD_READ));
        assertEquals(WSAENOTSOCK, WSAGetLastError());
        assertEquals(SOCKET_ERROR, WSAEnumNetworkEvents(closed, e, new WSANETWORKEVENTS()));
        assertEquals(WSAENOTSOCK, WSAGetLastError());

        assertEquals(0, WSAEventSelect(p[1], e, FD_READ));
        t.sendText(p[0], "ok");
        awaitSignalled(e);
        assertEquals("ok", t.receiveText(p[1], 2));
    }

    @Test
    @DisplayName("NB-4 FD_ACCEPT is re-enabled by accept; accepted sockets inherit the selection (FD_WRITE at once, "
            + "FD_READ on data)")
    void acceptAndInheritance() {
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        HANDLE e = event();
        assertEquals(0, WSAEventSelect(l, e, FD_ACCEPT | FD_READ | FD_WRITE));
        assertQuiet(e);
        SOCKET c1 = t.tcp();
        SOCKET c2 = t.tcp();
        assertEquals(0, connect(c1, addr[0], SOCKADDR_IN.SIZE));
        awaitSignalled(e);
        assertEquals(FD_ACCEPT, enumerate(l, e).lNetworkEvents);
        assertEquals(0, connect(c2, addr[0], SOCKADDR_IN.SIZE));
        assertQuiet(e);  // recorded once until accept

        SOCKET a1 = t.track(accept(l, null, null));
        assertEquals(FD_ACCEPT, awaitEvents(l, e, FD_ACCEPT).lNetworkEvents);  // the second connection still waits
        SOCKET a2 = t.track(accept(l, null, null));
        assertNothingRecorded(l, e);
        assertEquals(INVALID_SOCKET, accept(l, null, null));  // forced non-blocking
        assertEquals(WSAEWOULDBLOCK, WSAGetLastError());

        // a1 shares the listener's event: FD_WRITE comes at once for a connected socket, FD_READ with data.
        assertEquals(FD_WRITE, awaitEvents(a1, e, FD_WRITE).lNetworkEvents & (FD_READ | FD_WRITE));
        t.sendText(c1, "hi");
        awaitEvents(a1, e, FD_READ);
        assertEquals("hi", t.receiveText(a1, 2));
        assertEquals(SOCKET_ERROR, recv(a2, t.buffer(1), 1, 0));  // inherited non-blocking mode
        assertEquals(WSAEWOULDBLOCK, WSAGetLastError());
    }

    @Test
    @DisplayName("NB-4 NB-2 FD_CONNECT after a non-blocking connect: error 0 with FD_WRITE, WSAECONNREFUSED when refused "
            + "(also in SO_ERROR, once)")
    void connectEvents() {
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        SOCKET c = t.tcp();
        HANDLE e = event();
        assertEquals(0, WSAEventSelect(c, e, FD_CONNECT | FD_WRITE | FD_READ));
        assertEquals(SOCKET_ERROR, connect(c, addr[0], SOCKADDR_IN.SIZE));
        assertEquals(WSAEWOULDBLOCK, WSAGetLastError());
        WSANETWORKEVENTS ne = awaitEvents(c, e, FD_CONNECT | FD_WRITE);
        assertEquals(0, ne.iErrorCode[FD_CONNECT_BIT]);
        assertEquals(0, ne.lNetworkEvents & FD_READ);
        t.track(accept(l, null, null));

        SOCKET closedPort = t.tcp();
        SOCKADDR_IN unused = t.bindLoopback(closedPort);
        assertEquals(0, closesocket(closedPort));  // nothing listens there now
        SOCKET refused = t.tcp();
        HANDLE e2 = event();
        assertEquals(0, WSAEventSelect(refused, e2, FD_CONNECT | FD_WRITE));
        assertEquals(SOCKET_ERROR, connect(refused, unused, SOCKADDR_IN.SIZE));
        assertEquals(WSAEWOULDBLOCK, WSAGetLastError());
        WSANETWORKEVENTS failed = awaitEvents(refused, e2, FD_CONNECT);
        assertEquals(WSAECONNREFUSED, failed.iErrorCode[FD_CONNECT_BIT]);
        INTByReference soError = new INTByReference();
        assertEquals(0, getsockopt(refused, SOL_SOCKET, SO_ERROR, soError, new INTByReference(4)));
        assertEquals(WSAECONNREFUSED, soError.value, "NB-2 SO_ERROR after a failed non-blocking connect");
        assertEquals(0, getsockopt(refused, SOL_SOCKET, SO_ERROR, soError, new INTByReference(4)));
        assertEquals(0, soError.value, "SO_ERROR is cleared by reading it");
        assertQuiet(e2);
        assertEquals(0, enumerate(refused, e2).lNetworkEvents & FD_WRITE, "FD_WRITE on a socket that never connected");
    }

    @Test
    @DisplayName("NB-4 graceful close: FD_READ for the data before the FIN, FD_CLOSE with error 0 once it is read")
    void gracefulClose() {
        SOCKET[] p = t.pair();
        HANDLE e = event();
        assertEquals(0, WSAEventSelect(p[1], e, FD_READ | FD_CLOSE));
        t.sendText(p[0], "bye");
        assertEquals(0, shutdown(p[0], SD_SEND));
        assertEquals(FD_READ, awaitEvents(p[1], e, FD_READ).lNetworkEvents);
        assertQuiet(e);  // FD_CLOSE waits for the data to be read
        assertEquals("bye", t.receiveText(p[1], 3));
        WSANETWORKEVENTS ne = awaitEvents(p[1], e, FD_CLOSE);
        assertEquals(0, ne.iErrorCode[FD_CLOSE_BIT]);
        assertEquals(0, recv(p[1], t.buffer(1), 1, 0));
        assertQuiet(e);  // FD_CLOSE is recorded once
    }

    @Test
    @DisplayName("NB-4 reset: FD_CLOSE with WSAECONNRESET, and recv reports the reset too (SOCK-4)")
    void resetClose() {
        SOCKET[] p = t.pair();
        HANDLE e = event();
        assertEquals(0, WSAEventSelect(p[1], e, FD_CLOSE));
        assertEquals(0, setsockopt(p[0], SOL_SOCKET, SO_LINGER, new LINGER(1, 0), 4));
        assertEquals(0, closesocket(p[0]));
        WSANETWORKEVENTS ne = awaitEvents(p[1], e, FD_CLOSE);
        assertEquals(WSAECONNRESET, ne.iErrorCode[FD_CLOSE_BIT]);
        assertEquals(SOCKET_ERROR, recv(p[1], t.buffer(1), 1, 0));
        assertEquals(WSAECONNRESET, WSAGetLastError());
    }

    @Test
    @DisplayName("NB-4 a reset is recorded as FD_CLOSE even while FD_READ waits for its recv")
    void resetWhileReadIsPending() {
        SOCKET[] p = t.pair();
        HANDLE e = event();
        assertEquals(0, WSAEventSelect(p[1], e, FD_READ | FD_CLOSE));
        t.sendText(p[0], "unread");
        assertEquals(FD_READ, awaitEvents(p[1], e, FD_READ).lNetworkEvents);
        assertEquals(0, setsockopt(p[0], SOL_SOCKET, SO_LINGER, new LINGER(1, 0), 4));
        assertEquals(0, closesocket(p[0]));
        assertEquals(WSAECONNRESET, awaitEvents(p[1], e, FD_CLOSE).iErrorCode[FD_CLOSE_BIT]);
    }

    @Test
    @DisplayName("NB-4 FD_WRITE comes at once, again only after a send failed with WSAEWOULDBLOCK and space returned; "
            + "also after the peer's FIN, without the ring spinning")
    void writeAfterWouldBlock() {
        SOCKET[] p = t.pair();
        HANDLE e = event();
        assertEquals(0, setsockopt(p[1], SOL_SOCKET, SO_SNDBUF, 16384, 4));
        assertEquals(0, setsockopt(p[0], SOL_SOCKET, SO_RCVBUF, 16384, 4));
        assertEquals(0, WSAEventSelect(p[1], e, FD_WRITE | FD_CLOSE));
        assertEquals(FD_WRITE, awaitEvents(p[1], e, FD_WRITE).lNetworkEvents);
        assertEquals(0, shutdown(p[0], SD_SEND));  // the peer half-closes: its FIN stays pending from now on
        assertEquals(0, awaitEvents(p[1], e, FD_CLOSE).iErrorCode[FD_CLOSE_BIT]);

        long idleStart = IoEngine.shared().completedCount();
        assertNothingRecorded(p[1], e);
        long idleCompletions = IoEngine.shared().completedCount() - idleStart;
        assertTrue(idleCompletions < 20, () -> idleCompletions + " ring completions while nothing happened");

        // Fill until WSAEWOULDBLOCK, again each time space comes back (loopback keeps moving data to the peer's
        // receive buffer for a while), until the connection is full and FD_WRITE stays away.
        int chunk = 65536;
        MemorySegment block = t.buffer(chunk);
        long queued = 0;
        int rounds = 0;
        do {
            int r;
            while ((r = send(p[1], block, chunk, 0)) > 0) {
                queued += r;
                assertTrue(queued < (256L << 20), "send never reported WSAEWOULDBLOCK");
            }
            assertEquals(WSAEWOULDBLOCK, WSAGetLastError());
            assertTrue(++rounds < 50, "space kept coming back with nobody reading");
        } while (WaitForSingleObject(e, QUIET_MS) == WAIT_OBJECT_0
                && enumerate(p[1], e).lNetworkEvents == FD_WRITE);
        assertEquals(0, enumerate(p[1], e).lNetworkEvents);

        MemorySegment sink = t.buffer(chunk);
        long drained = 0;
        while (drained < queued) {
            int n = recv(p[0], sink, chunk, 0);
            assertTrue(n > 0, () -> "peer recv: " + WSAGetLastError());
            drained += n;
        }
        assertEquals(FD_WRITE, awaitEvents(p[1], e, FD_WRITE).lNetworkEvents);
    }

    @Test
    @DisplayName("NB-4 datagrams: FD_READ per recv, FD_WRITE at once")
    void datagramEvents() {
        SOCKET a = t.udp();
        SOCKET b = t.udp();
        SOCKADDR_IN bAddr = t.bindLoopback(b);
        HANDLE e = event();
        assertEquals(0, WSAEventSelect(b, e, FD_READ | FD_WRITE));
        assertEquals(FD_WRITE, awaitEvents(b, e, FD_WRITE).lNetworkEvents);
        MemorySegment msg = t.text("one");
        assertEquals(0, connect(a, bAddr, SOCKADDR_IN.SIZE));
        assertEquals(3, send(a, msg, 3, 0));
        assertEquals(3, send(a, msg, 3, 0));
        assertEquals(FD_READ, awaitEvents(b, e, FD_READ).lNetworkEvents);
        assertEquals(3, recv(b, t.buffer(8), 8, 0));
        assertEquals(FD_READ, awaitEvents(b, e, FD_READ).lNetworkEvents);  // the second datagram
        assertEquals(3, recv(b, t.buffer(8), 8, 0));
        assertQuiet(e);
    }

    @Test
    @DisplayName("NB-4 CORE-7 the polls are internal: an associated socket with a selection posts no packet, and "
            + "closing it while a poll is armed loses nothing")
    void pollsNeverReachThePort() {
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        assertEquals(port, CreateIoCompletionPort(p[1], port, 7L, 0));
        HANDLE e = event();
        assertEquals(0, WSAEventSelect(p[1], e, FD_READ | FD_WRITE | FD_CLOSE));
        t.sendText(p[0], "x");
        awaitEvents(p[1], e, FD_READ | FD_WRITE);
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, QUIET_MS));
        assertEquals(WAIT_TIMEOUT, GetLastError());
        assertEquals(0, closesocket(p[1]));
        assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, QUIET_MS));
        assertEquals(WAIT_TIMEOUT, GetLastError());
        assertQuiet(e);
    }

    private static long openFds() throws java.io.IOException {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    @DisplayName("NB-4 sockets closed with WSAEventSelect's poll in the ring give their fds back once the poll ends (LNX-7)")
    void closeWithSelectionReleasesFd() throws Exception {
        HANDLE e = t.track(WSACreateEvent());
        t.pair();  // the engine and the first sockets: open before the count starts
        long before = openFds();
        for (int i = 0; i < 200; i++) {
            SOCKET l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
            SOCKADDR_IN[] address = {t.bindLoopback(l)};
            assertEquals(0, listen(l, 1));
            SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
            assertEquals(0, connect(c, address[0], SOCKADDR_IN.SIZE));
            SOCKET s = accept(l, null, null);
            assertEquals(0, WSAEventSelect(s, e, FD_READ | FD_WRITE | FD_CLOSE));
            assertEquals(0, closesocket(s));
            assertEquals(0, closesocket(c));
            assertEquals(0, closesocket(l));
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        long now = openFds();
        while (now > before + 5 && System.nanoTime() < deadline) {
            Thread.sleep(10);
            now = openFds();
        }
        assertTrue(now <= before + 5, "fds open before " + before + ", after 600 sockets closed " + now);
    }
}
