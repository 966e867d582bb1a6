package io.iocp4j.win32.contract;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
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
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 4 for the blocking Winsock calls: accept, connect, recv, send and select, called on virtual threads, park
 * them without pinning their carrier (the library waits in the ring, not in the system call). Far more virtual
 * threads than carriers block in each call at once; if a call pinned its carrier, nothing else could run and the
 * test would fail on its first check. Then every call completes with the right data.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VirtualThreadSocketTest {
    /** More than the default scheduler's carriers (one per CPU) can hold pinned. */
    private static final int THREADS = 2 * Runtime.getRuntime().availableProcessors() + 2;
    private final SocketTestSupport t = new SocketTestSupport();
    private final Queue<SOCKET> opened = new ConcurrentLinkedQueue<>();

    @AfterEach
    void close() {
        for (SOCKET s; (s = opened.poll()) != null; ) {
            closesocket(s);
        }
        t.close();
    }

    /** Another virtual thread still gets a carrier while the others block. */
    private static void assertCarriersFree(String while_) throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        Thread.ofVirtual().start(ran::countDown);
        assertTrue(ran.await(10, TimeUnit.SECONDS), "a virtual thread could not run while others block in " + while_);
    }

    private static fd_set setOf(SOCKET s) {
        fd_set set = new fd_set();
        FD_ZERO(set);
        FD_SET(s, set);
        return set;
    }

    private SOCKET opened(SOCKET s) {
        assertNotEquals(INVALID_SOCKET, s, () -> "WSA error " + WSAGetLastError());
        opened.add(s);
        return s;
    }

    @Test
    @DisplayName("CORE-7 accept, recv, connect and select block virtual threads without pinning; all complete with their data")
    void acceptReceiveConnectSelect() throws Exception {
        SOCKADDR_IN[] address = new SOCKADDR_IN[1];
        SOCKET listener = t.listener(address);
        List<CompletableFuture<String>> servers = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            CompletableFuture<String> got = new CompletableFuture<>();
            servers.add(got);
            Thread.ofVirtual().start(() -> {
                try {
                    SOCKET s = opened(accept(listener, null, null));
                    String request = t.receiveText(s, 8);
                    t.sendText(s, request.toUpperCase());
                    got.complete(request);
                } catch (Throwable e) {
                    got.completeExceptionally(e);
                }
            });
        }
        Thread.sleep(200);
        assertCarriersFree("accept");

        List<SOCKET> clients = new ArrayList<>();
        List<CompletableFuture<String>> replies = new ArrayList<>();
        CountDownLatch connected = new CountDownLatch(THREADS);
        CountDownLatch speak = new CountDownLatch(1);
        for (int i = 0; i < THREADS; i++) {
            SOCKET c = opened(socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
            clients.add(c);
            String request = String.format("client%02d", i);
            CompletableFuture<String> reply = new CompletableFuture<>();
            replies.add(reply);
            Thread.ofVirtual().start(() -> {
                try {
                    assertEquals(0, connect(c, address[0], SOCKADDR_IN.SIZE), () -> "connect: " + WSAGetLastError());
                    connected.countDown();
                    speak.await();
                    t.sendText(c, request);
                    assertEquals(1, select(0, setOf(c), null, null, new timeval(30, 0)), "readable");
                    reply.complete(t.receiveText(c, 8));
                } catch (Throwable e) {
                    reply.completeExceptionally(e);
                }
            });
        }
        assertTrue(connected.await(20, TimeUnit.SECONDS), "every connect finished");
        Thread.sleep(200);
        assertCarriersFree("recv (servers waiting for requests)");
        speak.countDown();

        List<String> requests = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            assertEquals(String.format("CLIENT%02d", i), replies.get(i).get(20, TimeUnit.SECONDS));
            requests.add(servers.get(i).get(20, TimeUnit.SECONDS));
        }
        for (int i = 0; i < THREADS; i++) {
            assertTrue(requests.contains(String.format("client%02d", i)), "each request reached one server");
        }
    }

    @Test
    @DisplayName("CORE-7 a blocking send into a full connection parks its virtual thread and sends everything once drained")
    void sendWaitsForRoom() throws Exception {
        int size = 4 << 20;
        List<SOCKET[]> pairs = new ArrayList<>();
        List<CompletableFuture<Integer>> sent = new ArrayList<>();
        MemorySegment data = t.buffer(size);
        for (int i = 0; i < size; i++) {
            data.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + 7));
        }
        for (int i = 0; i < THREADS; i++) {
            SOCKET[] p = t.pair();
            pairs.add(p);
            CompletableFuture<Integer> n = new CompletableFuture<>();
            sent.add(n);
            Thread.ofVirtual().start(() -> n.complete(send(p[0], data, size, 0)));
        }
        Thread.sleep(300);
        for (CompletableFuture<Integer> n : sent) {
            assertFalse(n.isDone(), "4 MiB cannot fit in the socket buffers of an idle peer");
        }
        assertCarriersFree("send");
        MemorySegment in = t.buffer(size);
        for (int i = 0; i < THREADS; i++) {
            int got = 0;
            while (got < size) {
                int r = recv(pairs.get(i)[1], in.asSlice(got), size - got, 0);
                assertTrue(r > 0, () -> "recv: " + WSAGetLastError());
                got += r;
            }
            assertEquals(-1, in.mismatch(data), "the bytes arrive as sent");
            assertEquals(size, sent.get(i).get(20, TimeUnit.SECONDS));
        }
    }

    @Test
    @DisplayName("CORE-7 a blocking WSARecv on a virtual thread fills what has arrived and does not wait for the next buffer")
    void blockingScatterReceive() throws Exception {
        SOCKET[] p = t.pair();
        t.sendText(p[0], "exactly8");
        CompletableFuture<Integer> got = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            DWORDByReference received = new DWORDByReference();
            int r = WSARecv(p[1], SocketTestSupport.bufs(t.buffer(8), t.buffer(8)), 2, received,
                    new DWORDByReference(), null, null);
            got.complete(r == 0 ? received.value : -WSAGetLastError());
        });
        assertEquals(8, got.get(10, TimeUnit.SECONDS), "the first buffer's bytes, at once");
    }

    @Test
    @DisplayName("ERR-1 CORE-7 a blocking connect on a virtual thread to a port nobody listens on fails with WSAECONNREFUSED (10061)")
    void refusedConnect() throws Exception {
        SOCKET probe = t.tcp();
        SOCKADDR_IN free = t.bindLoopback(probe);  // a port that was free a moment ago; nothing listens on it
        closesocket(probe);
        SOCKET c = opened(socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
        CompletableFuture<Integer> error = new CompletableFuture<>();
        Thread.ofVirtual().start(() ->
                error.complete(connect(c, free, SOCKADDR_IN.SIZE) == 0 ? 0 : WSAGetLastError()));
        assertEquals(WSAECONNREFUSED, error.get(10, TimeUnit.SECONDS));
    }
}
