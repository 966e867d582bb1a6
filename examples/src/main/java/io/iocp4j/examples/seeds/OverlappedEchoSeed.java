package io.iocp4j.examples.seeds;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.INTByReference;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.WSABUF;
import io.iocp4j.win32.WSADATA;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;

/**
 * Seed 002's overlapped echo server with completion routines, ported statement by statement
 * ("Overlapped I/O만 가지고 에코 서버 구현하기"): a non-blocking listener (ioctlsocket FIONBIO), a loop alternating
 * SleepEx(100, TRUE) and accept until WSAEWOULDBLOCK, per-I/O data stored in the OVERLAPPED's hEvent, and
 * ReadCompRoutine/WriteCompRoutine calling each other. Everything runs on the thread that calls {@link #serve}.
 *
 * <p>Deviation for tests and the CLI: {@link #serve} returns when accept fails with anything but WSAEWOULDBLOCK
 * (the listener was closed), where the seed calls ErrorHandling and exits.
 */
public final class OverlappedEchoSeed {
    static final int BUF_SIZE = 1024;

    static final class PER_IO_DATA {
        SOCKET hClntSock;
        MemorySegment buf = Arena.ofAuto().allocate(BUF_SIZE);
        WSABUF wsaBuf = new WSABUF();
    }

    private OverlappedEchoSeed() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.out.printf("Usage: %s <port>%n", "overlapped-echo");
            System.exit(1);
        }
        serve(Integer.parseInt(args[0]), null);
    }

    public static void serve(int port, java.util.function.Consumer<SOCKET> listening) {
        WSADATA wsaData = new WSADATA();
        SOCKET hLisnSock;
        SOCKET hRecvSock;
        SOCKADDR_IN lisnAdr = new SOCKADDR_IN();
        SOCKADDR_IN recvAdr = new SOCKADDR_IN();
        OVERLAPPED lpOvLp;
        DWORDByReference recvBytes = new DWORDByReference();
        PER_IO_DATA hbInfo;
        DWORDByReference mode = new DWORDByReference(1);
        DWORDByReference flagInfo = new DWORDByReference(0);

        if (WSAStartup(MAKEWORD(2, 2), wsaData) != 0) {
            ErrorHandling("WSAStartup() error!");
        }

        hLisnSock = WSASocket(PF_INET, SOCK_STREAM, 0, null, 0, WSA_FLAG_OVERLAPPED);
        ioctlsocket(hLisnSock, FIONBIO, mode);  // for non-blocking socket

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

        INTByReference recvAdrSz = new INTByReference();
        while (true) {
            SleepEx(100, true);   // for alertable wait state
            recvAdrSz.value = recvAdr.size();
            hRecvSock = accept(hLisnSock, recvAdr, recvAdrSz);
            if (hRecvSock == INVALID_SOCKET) {
                if (WSAGetLastError() == WSAEWOULDBLOCK) {
                    continue;
                }
                return;  // deviation: the listener was closed
            }
            IocpEchoSeed.puts("Client connected...");
            lpOvLp = new OVERLAPPED();
            ZeroMemory(lpOvLp);

            hbInfo = new PER_IO_DATA();
            hbInfo.hClntSock = hRecvSock;
            hbInfo.wsaBuf.buf = hbInfo.buf;
            hbInfo.wsaBuf.len = BUF_SIZE;

            lpOvLp.hEvent = hbInfo;
            WSARecv(hRecvSock, new WSABUF[] {hbInfo.wsaBuf}, 1, recvBytes, flagInfo, lpOvLp,
                    OverlappedEchoSeed::ReadCompRoutine);
        }
    }

    static void ReadCompRoutine(int dwError, int szRecvBytes, OVERLAPPED lpOverlapped, int flags) {
        PER_IO_DATA hbInfo = (PER_IO_DATA) lpOverlapped.hEvent;
        SOCKET hSock = hbInfo.hClntSock;
        WSABUF bufInfo = hbInfo.wsaBuf;
        DWORDByReference sentBytes = new DWORDByReference();

        if (szRecvBytes == 0) {
            closesocket(hSock);
            IocpEchoSeed.puts("Client disconnected...");
        } else {  // echo!
            bufInfo.len = szRecvBytes;
            WSASend(hSock, new WSABUF[] {bufInfo}, 1, sentBytes, 0, lpOverlapped,
                    OverlappedEchoSeed::WriteCompRoutine);
        }
    }

    static void WriteCompRoutine(int dwError, int szSendBytes, OVERLAPPED lpOverlapped, int flags) {
        PER_IO_DATA hbInfo = (PER_IO_DATA) lpOverlapped.hEvent;
        SOCKET hSock = hbInfo.hClntSock;
        WSABUF bufInfo = hbInfo.wsaBuf;
        DWORDByReference recvBytes = new DWORDByReference();
        DWORDByReference flagInfo = new DWORDByReference(0);
        WSARecv(hSock, new WSABUF[] {bufInfo}, 1, recvBytes, flagInfo, lpOverlapped,
                OverlappedEchoSeed::ReadCompRoutine);
    }

    static void ErrorHandling(String message) {
        System.err.println(message);
        System.exit(1);
    }
}
