package io.iocp4j.examples.eventselect;

import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.WSADATA;
import io.iocp4j.win32.WSANETWORKEVENTS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;

/**
 * The classic WSAEventSelect echo server, written as a Windows program would be: one thread, one event per socket,
 * WSAWaitForMultipleEvents over at most 64 of them, WSAEnumNetworkEvents to learn what happened, non-blocking recv
 * and send. Slot 0 holds a stop event, so at most 62 clients are served at once (more are accepted and closed).
 *
 * <p>Each connection echoes through one buffer: a read is sent back before the next read, so a client that does not
 * read its echo stops being read (back-pressure through FD_WRITE). A send that takes only part of the buffer (NB-3:
 * a non-blocking send may be short here) is continued from where it stopped.
 */
public final class EventSelectEchoServer {
    static final int BUF_SIZE = 8192;
    /** Reads per wake-up, so one busy client cannot keep the others waiting. */
    private static final int ROUNDS_PER_EVENT = 16;

    /** What the sample keeps per socket (its SOCKET_INFORMATION). */
    static final class SOCKET_INFORMATION {
        SOCKET socket;
        MemorySegment buffer;
        int bytesPending;
        int offsetPending;
    }

    /** What a run did, for the caller and the tests. */
    public record Totals(int connections, long bytesEchoed, int refused) {
    }

    private final HANDLE[] events = new HANDLE[WSA_MAXIMUM_WAIT_EVENTS];
    private final SOCKET_INFORMATION[] sockets = new SOCKET_INFORMATION[WSA_MAXIMUM_WAIT_EVENTS];
    private final Arena arena = Arena.ofAuto();
    private int eventTotal;
    private int connections;
    private int refused;
    private long bytesEchoed;

    private EventSelectEchoServer() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.out.println("Usage : event-select-echo <port>");
            System.exit(1);
        }
        serve(Integer.parseInt(args[0]), WSACreateEvent(), listener -> System.out.println("listening"));
    }

    /**
     * Serves on 127.0.0.1:{@code port} (0: any free port) until {@code stop} is set; {@code listening} is told the
     * listening socket once it listens.
     */
    public static Totals serve(int port, HANDLE stop, Consumer<SOCKET> listening) {
        return new EventSelectEchoServer().run(port, stop, listening);
    }

    private Totals run(int port, HANDLE stop, Consumer<SOCKET> listening) {
        if (WSAStartup(0x0202, new WSADATA()) != 0) {
            throw new IllegalStateException("WSAStartup() error!");
        }
        SOCKET listenSocket = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
        SOCKADDR_IN internetAddr = new SOCKADDR_IN();
        internetAddr.sin_family = AF_INET;
        internetAddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        internetAddr.sin_port = htons(port);
        if (bind(listenSocket, internetAddr, SOCKADDR_IN.SIZE) == SOCKET_ERROR
                || listen(listenSocket, SOMAXCONN) == SOCKET_ERROR) {
            throw new IllegalStateException("bind()/listen() failed with error " + WSAGetLastError());
        }
        events[eventTotal++] = stop;
        if (!addSocket(listenSocket, FD_ACCEPT | FD_CLOSE)) {
            throw new IllegalStateException("WSAEventSelect() failed with error " + WSAGetLastError());
        }
        listening.accept(listenSocket);

        while (true) {
            int index = WSAWaitForMultipleEvents(eventTotal, events, false, WSA_INFINITE, false);
            if (index == WSA_WAIT_FAILED) {
                System.out.println("WSAWaitForMultipleEvents() failed with error " + WSAGetLastError());
                break;
            }
            index -= WSA_WAIT_EVENT_0;
            if (index == 0) {
                break;  // the stop event
            }
            // Events further up may be signalled too; serve them in this pass so that no slot starves.
            for (int i = index; i < eventTotal; i++) {
                if (i > index && WaitForSingleObject(events[i], 0) != WAIT_OBJECT_0) {
                    continue;
                }
                i = handle(i, listenSocket);
            }
        }
        while (eventTotal > 1) {
            freeSocket(eventTotal - 1);
        }
        return new Totals(connections, bytesEchoed, refused);
    }

    /** Serves the socket in slot {@code i}; returns the slot to continue from (one less if it was freed). */
    private int handle(int i, SOCKET listenSocket) {
        SOCKET_INFORMATION si = sockets[i];
        WSANETWORKEVENTS networkEvents = new WSANETWORKEVENTS();
        if (WSAEnumNetworkEvents(si.socket, events[i], networkEvents) == SOCKET_ERROR) {
            System.out.println("WSAEnumNetworkEvents() failed with error " + WSAGetLastError());
            return i;
        }
        int happened = networkEvents.lNetworkEvents;
        if (si.socket == listenSocket) {
            if ((happened & FD_ACCEPT) != 0) {
                acceptClient(listenSocket, networkEvents.iErrorCode[FD_ACCEPT_BIT]);
            }
            return i;
        }
        boolean reset = (happened & FD_CLOSE) != 0 && networkEvents.iErrorCode[FD_CLOSE_BIT] != 0;
        // After a graceful FD_CLOSE the pump still echoes what came before the FIN; it closes once recv says 0.
        if (reset || (happened & (FD_READ | FD_WRITE | FD_CLOSE)) != 0 && !pump(si)) {
            freeSocket(i);
            return i - 1;
        }
        return i;
    }

    private void acceptClient(SOCKET listenSocket, int error) {
        if (error != 0) {
            System.out.println("FD_ACCEPT failed with error " + error);
            return;
        }
        SOCKET accepted = accept(listenSocket, null, null);
        if (accepted == INVALID_SOCKET) {
            if (WSAGetLastError() != WSAEWOULDBLOCK) {
                System.out.println("accept() failed with error " + WSAGetLastError());
            }
            return;
        }
        if (eventTotal >= WSA_MAXIMUM_WAIT_EVENTS) {
            refused++;
            closesocket(accepted);  // too many connections
            return;
        }
        connections++;
        if (!addSocket(accepted, FD_READ | FD_WRITE | FD_CLOSE)) {
            System.out.println("WSAEventSelect() failed with error " + WSAGetLastError());
        }
    }

    /**
     * Echoes until send or recv would block (the failing call re-enables FD_WRITE or FD_READ) or the read budget is
     * spent with everything sent (the last recv re-enabled FD_READ: if more data waits, the event comes back).
     * False when the connection is over: the peer's FIN with nothing left to echo, or an error.
     */
    private boolean pump(SOCKET_INFORMATION si) {
        for (int reads = 0; ; reads++) {
            while (si.bytesPending > 0) {
                int sent = send(si.socket, si.buffer.asSlice(si.offsetPending), si.bytesPending, 0);
                if (sent == SOCKET_ERROR) {
                    return WSAGetLastError() == WSAEWOULDBLOCK;
                }
                si.offsetPending += sent;
                si.bytesPending -= sent;
                bytesEchoed += sent;
            }
            if (reads == ROUNDS_PER_EVENT) {
                return true;
            }
            int received = recv(si.socket, si.buffer, BUF_SIZE, 0);
            if (received == SOCKET_ERROR) {
                return WSAGetLastError() == WSAEWOULDBLOCK;
            }
            if (received == 0) {
                return false;
            }
            si.bytesPending = received;
            si.offsetPending = 0;
        }
    }

    private boolean addSocket(SOCKET s, int networkEvents) {
        HANDLE event = WSACreateEvent();
        if (WSAEventSelect(s, event, networkEvents) == SOCKET_ERROR) {
            WSACloseEvent(event);
            closesocket(s);
            return false;
        }
        SOCKET_INFORMATION si = new SOCKET_INFORMATION();
        si.socket = s;
        si.buffer = arena.allocate(BUF_SIZE);
        events[eventTotal] = event;
        sockets[eventTotal] = si;
        eventTotal++;
        return true;
    }

    /** Closes slot {@code i} and moves the last slot into it, as the sample's FreeSocketInformation does. */
    private void freeSocket(int i) {
        closesocket(sockets[i].socket);
        WSACloseEvent(events[i]);
        eventTotal--;
        events[i] = events[eventTotal];
        sockets[i] = sockets[eventTotal];
        events[eventTotal] = null;
        sockets[eventTotal] = null;
    }
}
