package io.iocp4j.examples.seeds;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.INTByReference;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.WSABUF;
import io.iocp4j.win32.WSADATA;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;

/**
 * Seed 004's overlapped I/O with event objects, ported statement by statement: the sender (OverlappedSend: WSASend
 * with {@code overlapped.hEvent = evObj}, then WSAWaitForMultipleEvents and WSAGetOverlappedResult when it is
 * WSA_IO_PENDING) and the receiver (OverlappedRecv: accept, then the same with WSARecv). {@code char buf[]} is a
 * native segment; {@code printf("%s", buf)} reads it up to the NUL the sender includes ({@code strlen(msg)+1}).
 *
 * <p>Deviations, for tests and the CLI: one main for both ({@code recv <port>} / {@code send <IP> <port>}); the
 * receiver reports its listening socket and returns the message; the sender returns the bytes sent.
 */
public final class EventIoSeed {
    static final int BUF_SIZE = 1024;
    static final String MSG = "Network is Computer!";

    private EventIoSeed() {
    }

    public static void main(String[] args) {
        if (args.length == 2 && args[0].equals("recv")) {
            receive(Integer.parseInt(args[1]), null);
        } else if (args.length == 3 && args[0].equals("send")) {
            send(args[1], Integer.parseInt(args[2]), MSG);
        } else {
            System.out.printf("Usage : %s recv <port> | %s send <IP> <port>%n", "event-io", "event-io");
            System.exit(1);
        }
    }

    /** OverlappedSend_win.c's main; returns the bytes sent. */
    public static int send(String ip, int port, String msgText) {
        WSADATA wsaData = new WSADATA();
        SOCKET hSocket;
        SOCKADDR_IN sendAdr = new SOCKADDR_IN();

        WSABUF dataBuf = new WSABUF();
        MemorySegment msg = cString(msgText);
        DWORDByReference sendBytes = new DWORDByReference(0);

        HANDLE evObj;
        OVERLAPPED overlapped = new OVERLAPPED();

        if (WSAStartup(MAKEWORD(2, 2), wsaData) != 0) {
            ErrorHandling("WSAStartup() error!");
        }
        hSocket = WSASocket(PF_INET, SOCK_STREAM, 0, null, 0, WSA_FLAG_OVERLAPPED);
        sendAdr.sin_family = AF_INET;
        sendAdr.sin_addr.s_addr = inet_addr(ip);
        sendAdr.sin_port = htons(port);

        if (connect(hSocket, sendAdr, sendAdr.size()) == SOCKET_ERROR) {
            ErrorHandling("connect() error!");
        }

        evObj = WSACreateEvent();
        ZeroMemory(overlapped);
        overlapped.hEvent = evObj;
        dataBuf.len = (int) msg.byteSize();  // strlen(msg)+1: the NUL goes too
        dataBuf.buf = msg;

        if (WSASend(hSocket, new WSABUF[] {dataBuf}, 1, sendBytes, 0, overlapped, null) == SOCKET_ERROR) {
            if (WSAGetLastError() == WSA_IO_PENDING) {
                puts("Background data send");
                WSAWaitForMultipleEvents(1, new HANDLE[] {evObj}, true, WSA_INFINITE, false);
                WSAGetOverlappedResult(hSocket, overlapped, sendBytes, false, null);
            } else {
                ErrorHandling("WSASend() error");
            }
        }

        printf("Send data size: %d %n", sendBytes.value);
        WSACloseEvent(evObj);
        closesocket(hSocket);
        WSACleanup();
        return sendBytes.value;
    }

    /** OverlappedRecv_win.c's main; {@code listening} (may be null) gets the listening socket; returns the text. */
    public static String receive(int port, Consumer<SOCKET> listening) {
        WSADATA wsaData = new WSADATA();
        SOCKET hLisnSock;
        SOCKET hRecvSock;
        SOCKADDR_IN lisnAdr = new SOCKADDR_IN();
        SOCKADDR_IN recvAdr = new SOCKADDR_IN();
        INTByReference recvAdrSz = new INTByReference(0);

        WSABUF dataBuf = new WSABUF();
        HANDLE evObj;
        OVERLAPPED overlapped = new OVERLAPPED();

        MemorySegment buf = Arena.ofAuto().allocate(BUF_SIZE);
        DWORDByReference recvBytes = new DWORDByReference(0);
        DWORDByReference flags = new DWORDByReference(0);

        if (WSAStartup(MAKEWORD(2, 2), wsaData) != 0) {
            ErrorHandling("WSAStartup() error!");
        }

        hLisnSock = WSASocket(PF_INET, SOCK_STREAM, 0, null, 0, WSA_FLAG_OVERLAPPED);
        lisnAdr.sin_family = AF_INET;
        lisnAdr.sin_addr.s_addr = htonl(INADDR_ANY);
        lisnAdr.sin_port = htons(port);

        if (bind(hLisnSock, lisnAdr, lisnAdr.size()) == SOCKET_ERROR) {
            ErrorHandling("bind() error");
        }
        if (listen(hLisnSock, 5) == SOCKET_ERROR) {
            ErrorHandling("listen() error");
        }
        if (listening != null) {
            listening.accept(hLisnSock);
        }

        recvAdrSz.value = recvAdr.size();
        hRecvSock = accept(hLisnSock, recvAdr, recvAdrSz);

        evObj = WSACreateEvent();
        ZeroMemory(overlapped);
        overlapped.hEvent = evObj;
        dataBuf.len = BUF_SIZE;
        dataBuf.buf = buf;

        if (WSARecv(hRecvSock, new WSABUF[] {dataBuf}, 1, recvBytes, flags, overlapped, null) == SOCKET_ERROR) {
            if (WSAGetLastError() == WSA_IO_PENDING) {
                puts("Background data receive");
                WSAWaitForMultipleEvents(1, new HANDLE[] {evObj}, true, WSA_INFINITE, false);
                WSAGetOverlappedResult(hRecvSock, overlapped, recvBytes, false, null);
            } else {
                ErrorHandling("WSARecv() error");
            }
        }

        String received = buf.getString(0, StandardCharsets.US_ASCII);
        printf("Received message: %s %n", received);
        WSACloseEvent(evObj);
        closesocket(hRecvSock);
        closesocket(hLisnSock);
        WSACleanup();
        return received;
    }

    /** {@code char msg[] = "..."}: the bytes and their NUL, in native memory. */
    private static MemorySegment cString(String s) {
        return Arena.ofAuto().allocateFrom(s, StandardCharsets.US_ASCII);
    }

    static void printf(String format, Object... args) {
        if (!Boolean.getBoolean("iocp4j.quiet")) {
            System.out.printf(format, args);
        }
    }

    static void puts(String s) {
        printf("%s%n", s);
    }

    static void ErrorHandling(String message) {
        System.err.println(message + " (" + WSAGetLastError() + ")");
        System.exit(1);
    }
}
