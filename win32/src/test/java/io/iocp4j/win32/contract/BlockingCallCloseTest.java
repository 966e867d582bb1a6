package io.iocp4j.win32.contract;

import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * CORE-7's blocking calls when another thread closes their socket: the call returns at once with WSAEINTR, as a
 * Winsock blocking call does, on platform threads (blocked in the kernel) and virtual threads (parked on the ring)
 * alike; a later call on the closed handle fails with WSAENOTSOCK.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockingCallCloseTest {
    private final SocketTestSupport t = new SocketTestSupport();

    @AfterEach
    void close() {
        t.close();
    }

    /** Runs {@code call} on a thread of the kind asked, lets it block, closes {@code s}, and returns {result, error}. */
    private static int[] closedWhileBlocked(boolean virtual, SOCKET s, IntSupplier call) throws Exception {
        CompletableFuture<int[]> result = new CompletableFuture<>();
        Runnable body = () -> {
            int r = call.getAsInt();
            result.complete(new int[] {r, WSAGetLastError()});
        };
        Thread th = virtual ? Thread.ofVirtual().start(body) : Thread.ofPlatform().start(body);
        Thread.sleep(300);
        assertFalse(result.isDone(), "the call blocks until the close");
        assertEquals(0, closesocket(s));
        int[] r = result.get(10, TimeUnit.SECONDS);
        th.join();
        return r;
    }

    @ParameterizedTest(name = "virtual thread: {0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("CORE-7 closesocket from another thread ends a blocking recv with WSAEINTR")
    void receiveCall(boolean virtual) throws Exception {
        SOCKET s = t.pair()[1];
        int[] r = closedWhileBlocked(virtual, s, () -> recv(s, t.buffer(16), 16, 0));
        assertEquals(SOCKET_ERROR, r[0]);
        assertEquals(WSAEINTR, r[1]);
        assertEquals(SOCKET_ERROR, recv(s, t.buffer(16), 16, 0));
        assertEquals(WSAENOTSOCK, WSAGetLastError());
    }

    @ParameterizedTest(name = "virtual thread: {0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("CORE-7 closesocket from another thread ends a blocking accept with WSAEINTR")
    void acceptCall(boolean virtual) throws Exception {
        SOCKET l = t.listener(new SOCKADDR_IN[1]);
        int[] r = closedWhileBlocked(virtual, l, () -> {
            SOCKET s = accept(l, null, null);
            return s == INVALID_SOCKET ? SOCKET_ERROR : closesocket(s);
        });
        assertEquals(SOCKET_ERROR, r[0]);
        assertEquals(WSAEINTR, r[1]);
    }
}
