package io.iocp4j.win32.contract;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.INTByReference;
import io.iocp4j.win32.OVERLAPPEDByReference;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.ULONG_PTRByReference;
import io.iocp4j.win32.WSABUF;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinSock2.*;
import static org.junit.jupiter.api.Assertions.*;

/** Loopback sockets, native buffers and out-parameters for the socket contract tests; closes what it made. */
class SocketTestSupport implements AutoCloseable {
    /** GC-managed: an operation aborted at teardown keeps its buffer alive until the kernel gives it back. */
    final Arena arena = Arena.ofAuto();
    private final List<HANDLE> handles = new ArrayList<>();
    final DWORDByReference bytes = new DWORDByReference();
    final ULONG_PTRByReference key = new ULONG_PTRByReference();
    final OVERLAPPEDByReference ov = new OVERLAPPEDByReference();

    <T extends HANDLE> T track(T h) {
        assertNotNull(h);
        assertNotEquals(INVALID_SOCKET, h, () -> "INVALID_SOCKET, WSA error " + WSAGetLastError());
        handles.add(h);
        return h;
    }

    HANDLE port() {
        return track(CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0));
    }

    SOCKET tcp() {
        return track(socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
    }

    SOCKET udp() {
        return track(socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP));
    }

    static SOCKADDR_IN loopback(int port) {
        SOCKADDR_IN a = new SOCKADDR_IN();
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return a;
    }

    /** Binds to 127.0.0.1 on an ephemeral port and returns the bound address. */
    SOCKADDR_IN bindLoopback(SOCKET s) {
        assertEquals(0, bind(s, loopback(0), SOCKADDR_IN.SIZE), () -> "bind: " + WSAGetLastError());
        SOCKADDR_IN bound = new SOCKADDR_IN();
        INTByReference len = new INTByReference(SOCKADDR_IN.SIZE);
        assertEquals(0, getsockname(s, bound, len));
        return bound;
    }

    /** A listening socket on 127.0.0.1 and its address. */
    SOCKET listener(SOCKADDR_IN[] address) {
        SOCKET l = tcp();
        address[0] = bindLoopback(l);
        assertEquals(0, listen(l, SOMAXCONN));
        return l;
    }

    /** A connected pair {client, server} over loopback, made with blocking connect/accept. */
    SOCKET[] pair() {
        SOCKADDR_IN[] addr = new SOCKADDR_IN[1];
        SOCKET l = listener(addr);
        SOCKET c = tcp();
        assertEquals(0, connect(c, addr[0], SOCKADDR_IN.SIZE), () -> "connect: " + WSAGetLastError());
        SOCKET s = track(accept(l, null, null));
        return new SOCKET[] {c, s};
    }

    MemorySegment buffer(int n) {
        return arena.allocate(n, 16);
    }

    MemorySegment text(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        MemorySegment m = buffer(Math.max(1, b.length));
        MemorySegment.copy(b, 0, m, ValueLayout.JAVA_BYTE, 0, b.length);
        return m;
    }

    static String text(MemorySegment m, int n) {
        byte[] b = new byte[n];
        MemorySegment.copy(m, ValueLayout.JAVA_BYTE, 0, b, 0, n);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static WSABUF[] bufs(MemorySegment... segments) {
        WSABUF[] b = new WSABUF[segments.length];
        for (int i = 0; i < segments.length; i++) {
            b[i] = new WSABUF(segments[i], (int) segments[i].byteSize());
        }
        return b;
    }

    /** Blocking send of all of {@code s}. */
    void sendText(SOCKET sock, String s) {
        MemorySegment m = text(s);
        assertEquals(s.length(), send(sock, m, s.length(), 0), () -> "send: " + WSAGetLastError());
    }

    /** Blocking receive of exactly n bytes. */
    String receiveText(SOCKET sock, int n) {
        MemorySegment m = buffer(n);
        int got = 0;
        StringBuilder sb = new StringBuilder();
        while (got < n) {
            int r = recv(sock, m, n - got, 0);
            assertTrue(r > 0, () -> "recv: " + r + " / " + WSAGetLastError());
            sb.append(text(m, r));
            got += r;
        }
        return sb.toString();
    }

    /** Waits (up to 5 s) until FIONREAD reports at least {@code atLeast} bytes (for UDP: the next datagram's size). */
    static int awaitReadable(SOCKET sock, int atLeast) {
        DWORDByReference avail = new DWORDByReference();
        long deadline = System.nanoTime() + 5_000_000_000L;
        do {
            assertEquals(0, ioctlsocket(sock, FIONREAD, avail));
        } while (avail.value < atLeast && System.nanoTime() < deadline);
        assertTrue(avail.value >= atLeast, () -> "readable: " + avail.value + " of " + atLeast);
        return avail.value;
    }

    /** Bytes readable until EOF, with a bounded wait: 0 means the peer's end closed. */
    int receiveTextOrEof(SOCKET sock) {
        MemorySegment m = buffer(256);
        int r;
        int total = 0;
        while ((r = recv(sock, m, 256, 0)) > 0) {
            total += r;
        }
        assertTrue(r == 0 || WSAGetLastError() == io.iocp4j.win32.WinError.WSAECONNRESET,
                () -> "recv: " + WSAGetLastError());
        return total;
    }

    @Override
    public void close() {
        for (int i = handles.size() - 1; i >= 0; i--) {
            CloseHandle(handles.get(i));
        }
    }
}
