package io.iocp4j.bench.startup;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.INTByReference;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.OVERLAPPEDByReference;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.ULONG_PTRByReference;
import io.iocp4j.win32.WSABUF;
import io.iocp4j.win32.WSADATA;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;

/**
 * The child of {@link StartupCost}: in a fresh JVM, makes a program's first calls once each and prints how long
 * each step took, as one line {@code steps port=NS socket=NS ...}. The steps run in the order a typical program
 * makes them, so each pays for what the ones before it left unloaded and unlinked.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar io.iocp4j.bench.startup.FirstCalls FILE</pre>
 * FILE: an existing file of at least {@link #READ_SIZE} bytes, created by the parent so that no file API of the JDK
 * is loaded here before the steps.
 */
public final class FirstCalls {
    static final int READ_SIZE = 4096;
    private static final int MESSAGE = 64;
    private static final int TIMEOUT_MS = 5_000;

    private final Map<String, Long> steps = new LinkedHashMap<>();
    private final Arena arena = Arena.ofShared();
    private final SOCKADDR_IN address = new SOCKADDR_IN();
    private HANDLE port;
    private SOCKET listener;
    private ConnectedPair pair;

    private FirstCalls() {
    }

    public static void main(String[] args) {
        FirstCalls f = new FirstCalls();
        f.step("port", f::createPort);
        f.step("socket", f::socketAndBind);
        f.step("connect", f::connectPair);
        f.step("roundtrip", f::roundTrip);
        f.step("file", () -> f.readFile(args[0]));
        StringBuilder line = new StringBuilder("steps");
        f.steps.forEach((name, nanos) -> line.append(' ').append(name).append('=').append(nanos));
        System.out.println(line);
    }

    private void step(String name, Runnable body) {
        long start = System.nanoTime();
        body.run();
        steps.put(name, System.nanoTime() - start);
    }

    /** The first CreateIoCompletionPort: io_uring checks, ring setup, driver thread. */
    private void createPort() {
        port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0);
        check(port != null, "CreateIoCompletionPort");
    }

    /** WSAStartup, the first WSASocket and its bind to 127.0.0.1. */
    private void socketAndBind() {
        WSAStartup(0x0202, new WSADATA());
        listener = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
        check(listener != INVALID_SOCKET, "WSASocket");
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        check(bind(listener, address, SOCKADDR_IN.SIZE) == 0, "bind");
    }

    /** listen, a connected pair through accept, both associated with the port. */
    private void connectPair() {
        INTByReference length = new INTByReference(SOCKADDR_IN.SIZE);
        check(listen(listener, 1) == 0 && getsockname(listener, address, length) == 0, "listen");
        SOCKET client = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
        check(connect(client, address, SOCKADDR_IN.SIZE) == 0, "connect");
        SOCKET server = accept(listener, null, null);
        check(server != INVALID_SOCKET, "accept");
        check(CreateIoCompletionPort(client, port, 1L, 0) != null
                && CreateIoCompletionPort(server, port, 2L, 0) != null, "associate");
        pair = new ConnectedPair(client, server);
    }

    /** One overlapped WSARecv and WSASend of 64 bytes, both completions dequeued. */
    private void roundTrip() {
        MemorySegment out = arena.allocate(MESSAGE);
        out.fill((byte) 'x');
        WSABUF[] in = {new WSABUF(arena.allocate(MESSAGE), MESSAGE)};
        OVERLAPPED recvOv = new OVERLAPPED();
        OVERLAPPED sendOv = new OVERLAPPED();
        check(WSARecv(pair.server(), in, 1, null, new DWORDByReference(), recvOv, null) == 0
                || WSAGetLastError() == WSA_IO_PENDING, "WSARecv");
        check(WSASend(pair.client(), new WSABUF[] {new WSABUF(out, MESSAGE)}, 1, null, 0, sendOv, null) == 0
                || WSAGetLastError() == WSA_IO_PENDING, "WSASend");
        awaitCompletions(2);
    }

    /** CreateFile (overlapped), association with the port, one 4 KiB ReadFile completed. */
    private void readFile(String path) {
        HANDLE file = CreateFile(path, GENERIC_READ, FILE_SHARE_READ, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, null);
        check(file != INVALID_HANDLE_VALUE && CreateIoCompletionPort(file, port, 3L, 0) != null, "CreateFile");
        check(ReadFile(file, arena.allocate(READ_SIZE), READ_SIZE, null, new OVERLAPPED())
                || GetLastError() == ERROR_IO_PENDING, "ReadFile");
        awaitCompletions(1);
    }

    private void awaitCompletions(int count) {
        DWORDByReference bytes = new DWORDByReference();
        ULONG_PTRByReference key = new ULONG_PTRByReference();
        OVERLAPPEDByReference ov = new OVERLAPPEDByReference();
        for (int i = 0; i < count; i++) {
            check(GetQueuedCompletionStatus(port, bytes, key, ov, TIMEOUT_MS), "GetQueuedCompletionStatus");
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what + " failed: " + GetLastError());
        }
    }

    /** Both ends of a connection over 127.0.0.1, associated with the port. */
    private record ConnectedPair(SOCKET client, SOCKET server) {
    }
}
