package io.iocp4j.examples.seeds;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.INTByReference;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.OVERLAPPEDByReference;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.SYSTEM_INFO;
import io.iocp4j.win32.ULONG_PTRByReference;
import io.iocp4j.win32.WSABUF;
import io.iocp4j.win32.WSADATA;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinSock2.*;

/**
 * Seed 002's IOCP echo server, ported statement by statement (shared/seeds/002, "IOCP 기반의 에코 서버"):
 * PER_HANDLE_DATA as the completion key, PER_IO_DATA extending OVERLAPPED with rwMode, one EchoThreadMain per
 * processor, an accept loop that associates each client and posts its first WSARecv. C's malloc/free are Java
 * allocations; {@code (LPDWORD)&handleInfo} is the key holder's value cast back.
 *
 * <p>One deviation, for tests and the CLI: {@link #serve} returns when accept fails (the listener was closed),
 * where the seed loops forever.
 */
public final class IocpEchoSeed {
    static final int BUF_SIZE = 100;
    static final int READ = 3;
    static final int WRITE = 5;

    static final class PER_HANDLE_DATA {
        SOCKET hClntSock;
        SOCKADDR_IN clntAdr = new SOCKADDR_IN();
    }

    static final class PER_IO_DATA extends OVERLAPPED {
        WSABUF wsaBuf = new WSABUF();
        MemorySegment buffer = Arena.ofAuto().allocate(BUF_SIZE);
        int rwMode;
    }

    private IocpEchoSeed() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.out.printf("Usage : %s <port>%n", "iocp-echo");
            System.exit(1);
        }
        serve(Integer.parseInt(args[0]), null);
    }

    /** Runs the server; {@code listening} (may be null) receives the listening socket once it listens. */
    public static void serve(int port, java.util.function.Consumer<SOCKET> listening) {
        WSADATA wsaData = new WSADATA();
        HANDLE hComPort;
        SYSTEM_INFO sysInfo = new SYSTEM_INFO();
        PER_IO_DATA ioInfo;
        PER_HANDLE_DATA handleInfo;

        SOCKET hServSock;
        SOCKADDR_IN servAdr = new SOCKADDR_IN();
        DWORDByReference recvBytes = new DWORDByReference();
        int i;
        DWORDByReference flags = new DWORDByReference(0);

        if (WSAStartup(MAKEWORD(2, 2), wsaData) != 0) {
            ErrorHandling("WSAStartup() error!");
        }

        hComPort = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0);
        GetSystemInfo(sysInfo);
        for (i = 0; i < sysInfo.dwNumberOfProcessors; i++) {
            HANDLE pComPort = hComPort;
            Thread.ofPlatform().daemon().start(() -> EchoThreadMain(pComPort));
        }

        hServSock = WSASocket(AF_INET, SOCK_STREAM, 0, null, 0, WSA_FLAG_OVERLAPPED);
        servAdr.sin_family = AF_INET;
        servAdr.sin_addr.s_addr = htonl(INADDR_ANY);
        servAdr.sin_port = htons(port);

        bind(hServSock, servAdr, servAdr.size());
        listen(hServSock, 5);
        if (listening != null) {
            listening.accept(hServSock);
        }

        while (true) {
            SOCKET hClntSock;
            SOCKADDR_IN clntAdr = new SOCKADDR_IN();
            INTByReference addrLen = new INTByReference(clntAdr.size());

            hClntSock = accept(hServSock, clntAdr, addrLen);
            if (hClntSock == INVALID_SOCKET) {
                return;  // deviation: the listener was closed
            }
            handleInfo = new PER_HANDLE_DATA();
            handleInfo.hClntSock = hClntSock;
            handleInfo.clntAdr = clntAdr;

            CreateIoCompletionPort(hClntSock, hComPort, handleInfo, 0);

            ioInfo = new PER_IO_DATA();
            ZeroMemory(ioInfo);
            ioInfo.wsaBuf.len = BUF_SIZE;
            ioInfo.wsaBuf.buf = ioInfo.buffer;
            ioInfo.rwMode = READ;
            WSARecv(handleInfo.hClntSock, new WSABUF[] {ioInfo.wsaBuf},
                    1, recvBytes, flags, ioInfo, null);
        }
    }

    static void EchoThreadMain(HANDLE pComPort) {
        HANDLE hComPort = pComPort;
        SOCKET sock;
        DWORDByReference bytesTrans = new DWORDByReference();
        ULONG_PTRByReference handleInfo = new ULONG_PTRByReference();
        OVERLAPPEDByReference ioInfoRef = new OVERLAPPEDByReference();
        PER_IO_DATA ioInfo;
        DWORDByReference flags = new DWORDByReference(0);

        while (true) {
            GetQueuedCompletionStatus(hComPort, bytesTrans,
                    handleInfo, ioInfoRef, INFINITE);
            ioInfo = (PER_IO_DATA) ioInfoRef.value;
            if (ioInfo == null) {
                return;  // the port is gone
            }
            sock = ((PER_HANDLE_DATA) handleInfo.value).hClntSock;

            if (ioInfo.rwMode == READ) {
                puts("message received!");
                if (bytesTrans.value == 0) { // EOF
                    closesocket(sock);
                    continue;
                }
                ZeroMemory(ioInfo);
                ioInfo.wsaBuf.len = bytesTrans.value;
                ioInfo.rwMode = WRITE;
                WSASend(sock, new WSABUF[] {ioInfo.wsaBuf}, 1, null, 0, ioInfo, null);

                ioInfo = new PER_IO_DATA();
                ZeroMemory(ioInfo);
                ioInfo.wsaBuf.len = BUF_SIZE;
                ioInfo.wsaBuf.buf = ioInfo.buffer;
                ioInfo.rwMode = READ;
                WSARecv(sock, new WSABUF[] {ioInfo.wsaBuf}, 1, null, flags, ioInfo, null);
            } else {
                puts("message sent!");
            }
        }
    }

    static void puts(String s) {
        if (!Boolean.getBoolean("iocp4j.quiet")) {
            System.out.println(s);
        }
    }

    static void ErrorHandling(String message) {
        System.err.println(message);
        System.exit(1);
    }
}
