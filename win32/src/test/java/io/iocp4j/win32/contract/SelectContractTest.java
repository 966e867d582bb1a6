package io.iocp4j.win32.contract;

import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.INTByReference;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.WSANETWORKEVENTS;
import io.iocp4j.win32.fd_set;
import io.iocp4j.win32.timeval;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;
import static org.junit.jupiter.api.Assertions.*;

/** select() on real loopback sockets: the read, write and except sets as Windows fills them (NB-2, NB-4). */
class SelectContractTest {
    private static final timeval FIVE_SECONDS = new timeval(5, 0);
    private static final timeval SHORT = new timeval(0, 150_000);

    private final SocketTestSupport t = new SocketTestSupport();

    @AfterEach
    void tearDown() {
        t.close();
    }

    private static fd_set setOf(SOCKET... sockets) {
        fd_set set = new fd_set();
        FD_ZERO(set);
        for (SOCKET s : sockets) {
            FD_SET(s, set);
        }
        return set;
    }

    @Test
    @DisplayName("NB-2 readable when data arrives, not before; the set keeps only ready sockets; timeout gives 0")
    void readSet() {
        SOCKET[] p = t.pair();
        SOCKET[] q = t.pair();
        fd_set read = setOf(p[1], q[1]);
        long start = System.nanoTime();
        assertEquals(0, select(0, read, null, null, SHORT));
        assertTrue(System.nanoTime() - start >= 140_000_000L, "returned before the timeout");
        assertEquals(0, read.fd_count);

        t.sendText(q[0], "q");
        read = setOf(p[1], q[1]);
        assertEquals(1, select(0, read, null, null, FIVE_SECONDS));
        assertEquals(1, read.fd_count);
        assertTrue(FD_ISSET(q[1], read));
        assertFalse(FD_ISSET(p[1], read));
        assertEquals("q", t.receiveText(q[1], 1));
    }

    @Test
    @DisplayName("NB-2 a listener is readable when a connection waits; a fresh socket is never writable; a connected "
            + "one at once, in both sets when asked twice")
    void listenAndWrite() {
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        SOCKET fresh = t.tcp();
        assertEquals(0, select(0, setOf(l), setOf(fresh), null, SHORT));
        SOCKET c = t.tcp();
        assertEquals(0, connect(c, addr[0], SOCKADDR_IN.SIZE));
        fd_set read = setOf(l);
        assertEquals(1, select(0, read, null, null, FIVE_SECONDS));
        assertTrue(FD_ISSET(l, read));
        SOCKET a = t.track(accept(l, null, null));
        fd_set both = setOf(a);
        fd_set write = setOf(a, c);
        t.sendText(c, "x");
        assertEquals(3, select(0, both, write, null, FIVE_SECONDS));
        assertTrue(FD_ISSET(a, both) && FD_ISSET(a, write) && FD_ISSET(c, write));
    }

    @Test
    @DisplayName("NB-2 non-blocking connect: writable on success, in the except set when refused (SO_ERROR says why)")
    void nonBlockingConnect() {
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = t.listener(addr);
        SOCKET c = t.tcp();
        assertEquals(0, ioctlsocket(c, FIONBIO, new io.iocp4j.win32.DWORDByReference(1)));
        assertEquals(SOCKET_ERROR, connect(c, addr[0], SOCKADDR_IN.SIZE));
        assertEquals(WSAEWOULDBLOCK, WSAGetLastError());
        fd_set write = setOf(c);
        fd_set except = setOf(c);
        assertEquals(1, select(0, null, write, except, FIVE_SECONDS));
        assertTrue(FD_ISSET(c, write));
        assertEquals(0, except.fd_count);
        t.sendText(c, "now");  // writable means connected: the send goes through
        t.track(accept(l, null, null));

        SOCKET gone = t.tcp();
        SOCKADDR_IN nobody = t.bindLoopback(gone);
        assertEquals(0, closesocket(gone));
        SOCKET refused = t.tcp();
        assertEquals(0, ioctlsocket(refused, FIONBIO, new io.iocp4j.win32.DWORDByReference(1)));
        assertEquals(SOCKET_ERROR, connect(refused, nobody, SOCKADDR_IN.SIZE));
        write = setOf(refused);
        except = setOf(refused);
        assertEquals(1, select(0, null, write, except, FIVE_SECONDS));
        assertTrue(FD_ISSET(refused, except));
        assertEquals(0, write.fd_count);
        INTByReference error = new INTByReference();
        assertEquals(0, getsockopt(refused, SOL_SOCKET, SO_ERROR, error, new INTByReference(4)));
        assertEquals(WSAECONNREFUSED, error.value);
    }

    @Test
    @DisplayName("NB-2 a graceful close or a reset makes the socket readable; recv then says 0 or WSAECONNRESET")
    void closeIsReadable() {
        SOCKET[] p = t.pair();
        assertEquals(0, closesocket(p[0]));
        fd_set read = setOf(p[1]);
        assertEquals(1, select(0, read, null, null, FIVE_SECONDS));
        assertEquals(0, recv(p[1], t.buffer(1), 1, 0));

        SOCKET[] q = t.pair();
        assertEquals(0, setsockopt(q[0], SOL_SOCKET, SO_LINGER, new io.iocp4j.win32.LINGER(1, 0), 4));
        assertEquals(0, closesocket(q[0]));
        assertEquals(1, select(0, setOf(q[1]), null, null, FIVE_SECONDS));
        assertEquals(SOCKET_ERROR, recv(q[1], t.buffer(1), 1, 0));
        assertEquals(WSAECONNRESET, WSAGetLastError());
        assertEquals(1, select(0, setOf(q[1]), null, null, new timeval(0, 0)), "the reset stays readable");
    }

    @Test
    @DisplayName("NB-4 select neither consumes nor re-records WSAEventSelect's events")
    void selectLeavesEventRecordsAlone() {
        SOCKET[] p = t.pair();
        HANDLE e = t.track(WSACreateEvent());
        assertEquals(0, WSAEventSelect(p[1], e, FD_READ));
        t.sendText(p[0], "data");
        assertEquals(1, select(0, setOf(p[1]), null, null, FIVE_SECONDS));
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(e, 5000));
        WSANETWORKEVENTS ne = new WSANETWORKEVENTS();
        assertEquals(0, WSAEnumNetworkEvents(p[1], e, ne));
        assertEquals(FD_READ, ne.lNetworkEvents);
        assertEquals(1, select(0, setOf(p[1]), null, null, FIVE_SECONDS));  // still readable
        assertEquals(WAIT_TIMEOUT, WaitForSingleObject(e, 150), "select re-recorded FD_READ");
    }

    @Test
    @DisplayName("NB-2 bad input: no sets or only empty ones and negative timeouts are WSAEINVAL, a closed socket "
            + "WSAENOTSOCK; FD_CLR keeps the others")
    void badInput() {
        assertEquals(SOCKET_ERROR, select(0, null, null, null, SHORT));
        assertEquals(WSAEINVAL, WSAGetLastError());
        assertEquals(SOCKET_ERROR, select(0, new fd_set(), new fd_set(), null, SHORT));
        assertEquals(WSAEINVAL, WSAGetLastError());
        SOCKET[] p = t.pair();
        assertEquals(SOCKET_ERROR, select(0, setOf(p[1]), null, null, new timeval(-1, 0)));
        assertEquals(WSAEINVAL, WSAGetLastError());
        SOCKET closed = t.tcp();
        assertEquals(0, closesocket(closed));
        assertEquals(SOCKET_ERROR, select(0, setOf(p[1], closed), null, null, SHORT));
        assertEquals(WSAENOTSOCK, WSAGetLastError());

        fd_set set = setOf(p[0], closed, p[1]);
        FD_CLR(closed, set);
        assertEquals(2, set.fd_count);
        assertTrue(FD_ISSET(p[0], set) && FD_ISSET(p[1], set) && !FD_ISSET(closed, set));
    }
}
