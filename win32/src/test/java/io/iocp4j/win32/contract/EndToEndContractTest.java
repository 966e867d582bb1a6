package io.iocp4j.win32.contract;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.LINGER;
import io.iocp4j.win32.LPWSAOVERLAPPED_COMPLETION_ROUTINE;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.iocp4j.NtStatus.*;
import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Section 18's scenarios that cross every part of the facade: the accounting invariant under a random mix of
 * socket calls (E2E-1) and three notification channels served by one thread (E2E-5). E2E-2, the echo server under
 * a thousand clients, is {@link EchoServerScenarioTest}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EndToEndContractTest {
    private final SocketTestSupport t = new SocketTestSupport();

    @AfterEach
    void close() {
        t.close();
    }

    /** How a socket's overlapped calls are notified; fixed per socket, as a port association is. */
    private enum Channel { PORT, ROUTINE, EVENT }

    private static final class Sock {
        final SOCKET s;
        final Channel channel;
        final long key;
        final SOCKADDR_IN address;  // UDP: where datagrams to it go; TCP: null
        boolean closed;

        Sock(SOCKET s, Channel channel, long key, SOCKADDR_IN address) {
            this.s = s;
            this.channel = channel;
            this.key = key;
            this.address = address;
        }

        boolean udp() {
            return address != null;
        }
    }

    /** One overlapped call and what was seen of it. */
    private static final class Call {
        final int id;
        final Sock sock;
        final boolean send;
        final int length;
        final OVERLAPPED ov = new OVERLAPPED();
        final MemorySegment buffer;  // reachable until the end: the kernel may write into it until the call ends
        int failedAtOnce;  // the WSA error of an immediate failure, 0 otherwise
        int notifications;
        String seen = "";

        Call(int id, Sock sock, boolean send, int length, MemorySegment buffer) {
            this.id = id;
            this.sock = sock;
            this.send = send;
            this.length = length;
            this.buffer = buffer;
        }

        @Override
        public String toString() {
            return "call " + id + " (" + (send ? "send " : "recv ") + length + " B, " + (sock.udp() ? "UDP" : "TCP")
                    + ", " + sock.channel + ", failed at once: " + failedAtOnce + ", seen: " + seen + ")";
        }
    }

    /** The calls of one scenario, found again by their OVERLAPPED as a C program finds its per-I/O data. */
    private final Map<OVERLAPPED, Call> calls = new IdentityHashMap<>();
    private final List<Sock> sockets = new ArrayList<>();
    private HANDLE port;
    private long seed;

    private final LPWSAOVERLAPPED_COMPLETION_ROUTINE routine =
            (error, transferred, ov, flags) -> notified(ov, Channel.ROUTINE, error, transferred, "routine " + error);

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    @DisplayName("E2E-1 every overlapped call fails at once without notice or is notified exactly once, through its own channel")
    void accountingInvariant(long seed) {
        this.seed = seed;
        Random random = new Random(seed);
        port = t.port();
        for (int i = 0; i < 6; i++) {
            addPair(random);
        }
        for (int i = 0; i < 4; i++) {
            SOCKET u = t.udp();
            SOCKADDR_IN at = t.bindLoopback(u);
            sockets.add(associate(new Sock(u, Channel.values()[random.nextInt(3)], 100 + sockets.size(), at)));
        }
        for (int step = 0; step < 1500; step++) {
            if (sockets.stream().filter(s -> !s.closed).count() < 12) {
                addPair(random);  // calls on closed handles are part of the mix, but most should meet live sockets
            }
            Sock s = sockets.get(random.nextInt(sockets.size()));
            int action = random.nextInt(100);
            if (action < 30) {
                issue(s, false, 1 + random.nextInt(random.nextBoolean() ? 64 : 65536));
            } else if (action < 60) {
                issue(s, true, 1 + random.nextInt(random.nextBoolean() ? 64 : s.udp() ? 8192 : 262144));
            } else if (action < 70) {
                cancelSome(s, random);
            } else if (action < 73) {
                closeSocket(s, false);
            } else if (action < 75) {
                closeSocket(s, !s.udp());
            } else if (action < 80) {
                shutdown(s.s, random.nextInt(3));  // SD_RECEIVE, SD_SEND or SD_BOTH; may fail, which is fine
            } else {
                if (action < 85) {
                    SleepEx(1, true);  // a program waits now and then: completions then also come mid-run
                }
                drain();
            }
        }
        for (Sock s : sockets) {
            closeSocket(s, false);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!allAccounted() && System.nanoTime() < deadline) {
            drain();
            SleepEx(1, true);
        }
        SleepEx(200, true);  // a late duplicate would come now
        drain();
        for (Channel channel : Channel.values()) {  // the mix reached every channel, with success and failure
            assertTrue(calls.values().stream().anyMatch(c -> c.sock.channel == channel && c.failedAtOnce == 0
                    && c.ov.Internal == STATUS_SUCCESS), () -> "seed " + seed + ": no success through " + channel);
            assertTrue(calls.values().stream().anyMatch(c -> c.sock.channel == channel && c.failedAtOnce == 0
                    && c.ov.Internal != STATUS_SUCCESS), () -> "seed " + seed + ": no failure through " + channel);
        }
        for (Call c : calls.values()) {
            if (c.failedAtOnce != 0) {
                assertEquals(0, c.notifications, () -> "seed " + seed + ": notified after failing at once: " + c);
                if (c.sock.channel == Channel.EVENT) {
                    assertEquals(WAIT_TIMEOUT, WaitForSingleObject((HANDLE) c.ov.hEvent, 0),
                            () -> "seed " + seed + ": event set for a call that failed at once: " + c);
                }
            } else if (c.sock.channel == Channel.EVENT) {
                assertNotEquals(STATUS_PENDING, c.ov.Internal, () -> "seed " + seed + ": never completed: " + c);
                assertEquals(WAIT_OBJECT_0, WaitForSingleObject((HANDLE) c.ov.hEvent, 0),
                        () -> "seed " + seed + ": completed without its event: " + c);
            } else {
                assertEquals(1, c.notifications, () -> "seed " + seed + ": " + c);
            }
        }
    }

    private void addPair(Random random) {
        for (SOCKET s : t.pair()) {
            sockets.add(associate(new Sock(s, Channel.values()[random.nextInt(3)], 100 + sockets.size(), null)));
        }
    }

    private Sock associate(Sock s) {
        if (s.channel == Channel.PORT) {
            assertSame(port, CreateIoCompletionPort(s.s, port, s.key, 0));
        }
        return s;
    }

    private void issue(Sock s, boolean send, int length) {
        MemorySegment buffer = t.buffer(length);
        Call c = new Call(calls.size(), s, send, length, buffer);
        if (s.channel == Channel.EVENT) {
            c.ov.hEvent = t.track(CreateEvent(null, true, false, null));
        }
        calls.put(c.ov, c);
        WSABUF[] bufs = SocketTestSupport.bufs(buffer);
        LPWSAOVERLAPPED_COMPLETION_ROUTINE r = s.channel == Channel.ROUTINE ? routine : null;
        DWORDByReference done = new DWORDByReference();
        int result;
        if (!send) {
            result = WSARecv(s.s, bufs, 1, done, new DWORDByReference(0), c.ov, r);
        } else if (s.udp()) {
            Sock to = sockets.get((int) (length % sockets.size()));
            SOCKADDR_IN target = to.udp() ? to.address : s.address;
            result = WSASendTo(s.s, bufs, 1, done, 0, target, SOCKADDR_IN.SIZE, c.ov, r);
        } else {
            result = WSASend(s.s, bufs, 1, done, 0, c.ov, r);
        }
        int error = WSAGetLastError();
        if (result == SOCKET_ERROR && error != WSA_IO_PENDING) {
            c.failedAtOnce = error;
        }
    }

    private void cancelSome(Sock s, Random random) {
        List<Call> mine = calls.values().stream().filter(c -> c.sock == s && c.failedAtOnce == 0).toList();
        OVERLAPPED which = mine.isEmpty() || random.nextBoolean() ? null : mine.get(random.nextInt(mine.size())).ov;
        CancelIoEx(s.s, which);  // FALSE/ERROR_NOT_FOUND when nothing matches: fine
    }

    private void closeSocket(Sock s, boolean reset) {
        if (s.closed) {
            return;
        }
        if (reset) {
            setsockopt(s.s, SOL_SOCKET, SO_LINGER, new LINGER(1, 0), 4);
        }
        assertEquals(0, closesocket(s.s), () -> "closesocket: " + WSAGetLastError());
        s.closed = true;
    }

    /** Everything queued now: packets (FALSE with an OVERLAPPED for a failed call, GQCS-3) and routines. */
    private void drain() {
        for (;;) {
            boolean ok = GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 0);
            OVERLAPPED ov = t.ov.value;
            if (ov == null) {
                assertFalse(ok, "TRUE without an OVERLAPPED: nothing was posted");
                assertEquals(WAIT_TIMEOUT, GetLastError());
                break;
            }
            Call c = calls.get(ov);
            assertNotNull(c, () -> "seed " + seed + ": a packet for an OVERLAPPED nobody issued");
            assertEquals(c.sock.key, t.key.longValue(), () -> "seed " + seed + ": key of " + c);
            assertEquals(ok, ov.Internal == STATUS_SUCCESS, () -> "seed " + seed + ": GQCS " + ok + " with Internal 0x"
                    + Long.toHexString(ov.Internal) + " for " + c);
            notified(ov, Channel.PORT, ok ? 0 : GetLastError(), t.bytes.value, ok ? "packet ok" : "packet " + GetLastError());
        }
        SleepEx(0, true);
    }

    private void notified(OVERLAPPED ov, Channel channel, int error, int transferred, String what) {
        Call c = calls.get(ov);
        assertNotNull(c, () -> "seed " + seed + ": " + what + " for an OVERLAPPED nobody issued");
        c.notifications++;
        c.seen += what + "; ";
        assertEquals(c.sock.channel, channel, () -> "seed " + seed + ": wrong channel for " + c);
        assertEquals(0, c.failedAtOnce, () -> "seed " + seed + ": notified after failing at once: " + c);
        assertEquals(1, c.notifications, () -> "seed " + seed + ": notified twice: " + c);
        if (error == 0 && c.send && !c.sock.udp()) {
            assertEquals(c.length, transferred, () -> "seed " + seed + ": a send that succeeded in part: " + c);
        }
        assertTrue(transferred >= 0 && transferred <= c.length, () -> "seed " + seed + ": " + transferred + " B for " + c);
    }

    private boolean allAccounted() {
        for (Call c : calls.values()) {
            if (c.failedAtOnce != 0) {
                continue;
            }
            boolean done = c.sock.channel == Channel.EVENT ? c.ov.Internal != STATUS_PENDING : c.notifications > 0;
            if (!done) {
                return false;
            }
        }
        return true;
    }

    @Test
    @DisplayName("E2E-5 one thread alternating alertable waits sees each completion once, through its own channel")
    void mixedNotificationOnOneThread() {
        port = t.port();
        SOCKET[] evented = t.pair();
        SOCKET[] routined = t.pair();
        SOCKET[] ported = t.pair();
        assertSame(port, CreateIoCompletionPort(evented[1], port, 1L, 0));  // associated, but its calls say event|1
        assertSame(port, CreateIoCompletionPort(ported[1], port, 3L, 0));
        HANDLE event = t.track(CreateEvent(null, true, false, null));
        List<String> seen = new ArrayList<>();
        LPWSAOVERLAPPED_COMPLETION_ROUTINE onRoutine = (error, n, ov, flags) -> seen.add("routine " + error + "/" + n);
        OVERLAPPED_ENTRY[] entries = OVERLAPPED_ENTRY.array(4);
        ULONGByReference removed = new ULONGByReference();
        Random random = new Random(5);
        for (int round = 0; round < 100; round++) {
            seen.clear();
            OVERLAPPED byEvent = new OVERLAPPED();
            byEvent.hEvent = event.withTag(1);
            OVERLAPPED byRoutine = new OVERLAPPED();
            OVERLAPPED byPort = new OVERLAPPED();
            MemorySegment[] in = {t.buffer(64), t.buffer(64), t.buffer(64)};
            assertPending(WSARecv(evented[1], SocketTestSupport.bufs(in[0]), 1, null, new DWORDByReference(), byEvent, null));
            assertPending(WSARecv(routined[1], SocketTestSupport.bufs(in[1]), 1, null, new DWORDByReference(), byRoutine,
                    onRoutine));
            assertPending(WSARecv(ported[1], SocketTestSupport.bufs(in[2]), 1, null, new DWORDByReference(), byPort, null));
            SOCKET[] senders = {evented[0], routined[0], ported[0]};
            List<Integer> order = new ArrayList<>(List.of(0, 1, 2));
            java.util.Collections.shuffle(order, random);  // the peers answer in a random order
            for (int k : order) {
                t.sendText(senders[k], "m" + k + "-" + round);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (int turn = round; seen.size() < 3 && System.nanoTime() < deadline; turn++) {
                // Both waits are alertable, so the routine may run in either. The port is skipped once its packet
                // came (a second one would be caught after the round); the event, reset when seen, is waited on
                // again when only the routine is missing, so a second setting is caught too.
                boolean portSeen = seen.stream().anyMatch(x -> x.startsWith("port"));
                boolean eventSeen = seen.stream().anyMatch(x -> x.startsWith("event"));
                if (portSeen || (turn % 2 == 0 && !eventSeen)) {
                    waitForEvent(event, byEvent, seen);
                } else {
                    waitOnPort(entries, removed, byPort, seen);
                }
            }
            String tail = "-" + round;
            List<String> expected = List.of("event " + ("m0" + tail).length(), "port " + ("m2" + tail).length(),
                    "routine 0/" + ("m1" + tail).length());
            assertEquals(expected, seen.stream().sorted().toList(), "round " + round);
            assertEquals(WAIT_TIMEOUT, WaitForSingleObjectEx(event, 0, true), "round " + round + ": nothing more");
            assertFalse(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 0), "round " + round + ": no more packets");
        }
    }

    private static void assertPending(int wsaResult) {
        assertEquals(SOCKET_ERROR, wsaResult, "the peer has sent nothing yet");
        assertEquals(WSA_IO_PENDING, WSAGetLastError());
    }

    /** One alertable wait on the event. */
    private void waitForEvent(HANDLE event, OVERLAPPED byEvent, List<String> seen) {
        int r = WaitForMultipleObjectsEx(1, new HANDLE[] {event}, false, 20, true);
        if (r == WAIT_OBJECT_0) {
            assertEquals(STATUS_SUCCESS, byEvent.Internal);
            seen.add("event " + byEvent.InternalHigh);
            assertTrue(ResetEvent(event));
        } else {
            assertTrue(r == WAIT_IO_COMPLETION || r == WAIT_TIMEOUT, () -> "WaitForMultipleObjectsEx: " + r);
        }
    }

    /** One alertable GetQueuedCompletionStatusEx. */
    private void waitOnPort(OVERLAPPED_ENTRY[] entries, ULONGByReference removed, OVERLAPPED byPort,
                               List<String> seen) {
        if (GetQueuedCompletionStatusEx(port, entries, entries.length, removed, 20, true)) {
            for (int i = 0; i < removed.value; i++) {
                assertSame(byPort, entries[i].lpOverlapped, "only the port-notified call may come as a packet");
                assertEquals(3L, ((Number) entries[i].lpCompletionKey).longValue());
                seen.add("port " + entries[i].dwNumberOfBytesTransferred);
            }
        } else {
            assertTrue(GetLastError() == WAIT_IO_COMPLETION || GetLastError() == WAIT_TIMEOUT, "GQCSEx: " + GetLastError());
        }
    }
}
