package io.iocp4j.examples.seeds;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;

/**
 * Seed 001's completion-port server ("完成端口"), ported statement by statement: a pool of
 * {@code dwNumberOfProcessors * 2} ServerWorkerThreads on GetQueuedCompletionStatus, WSAAccept + CreateIoCompletionPort
 * with PER_HANDLE_DATA as the key, and PER_IO_OPERATION_DATA (OVERLAPPED + WSABUF + Buffer + BytesSEND/BytesRECV)
 * driving the echo: post WSASend until BytesSEND catches up with BytesRECV, then WSARecv again.
 *
 * <p>As the seed recommends for busy servers, GlobalAlloc/GlobalFree of the per-I/O data go to a pool that
 * recycles them ({@link PerIoDataPool}), so steady state allocates nothing per connection.
 *
 * <p>Deviations, for tests and the CLI: {@link #serve} returns when WSAAccept fails (the listener was closed) and
 * then closes the port, which ends the workers.
 */
public final class WorkerPoolSeed {
    static final int DATA_BUFSIZE = 8192;

    static final class PER_IO_OPERATION_DATA extends OVERLAPPED {
        WSABUF DataBuf = new WSABUF();
        MemorySegment Buffer = Arena.ofAuto().allocate(DATA_BUFSIZE);
        int BytesSEND;
        int BytesRECV;
    }

    static final class PER_HANDLE_DATA {
        SOCKET Socket;
    }

    /** The seed's memory pool: freed per-I/O data goes back to a free list instead of the allocator. */
    static final class PerIoDataPool {
        private final ConcurrentLinkedQueue<PER_IO_OPERATION_DATA> free = new ConcurrentLinkedQueue<>();
        final AtomicInteger allocated = new AtomicInteger();
        final AtomicInteger reused = new AtomicInteger();

        PER_IO_OPERATION_DATA alloc() {
            PER_IO_OPERATION_DATA d = free.poll();
            if (d == null) {
                allocated.incrementAndGet();
                return new PER_IO_OPERATION_DATA();
            }
            reused.incrementAndGet();
            return d;
        }

        void free(PER_IO_OPERATION_DATA d) {
            free.add(d);
        }
    }

    static final PerIoDataPool POOL = new PerIoDataPool();

    private WorkerPoolSeed() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.out.printf("Usage : %s <port>%n", "worker-pool");
            System.exit(1);
        }
        serve(Integer.parseInt(args[0]), null);
    }

    /** The seed's main; {@code listening} (may be null) gets the listening socket once it listens. */
    public static void serve(int port, Consumer<SOCKET> listening) {
        SOCKADDR_IN InternetAddr = new SOCKADDR_IN();
        SOCKET Listen;
        SOCKET Accept;
        HANDLE CompletionPort;
        SYSTEM_INFO SystemInfo = new SYSTEM_INFO();
        PER_HANDLE_DATA PerHandleData;
        PER_IO_OPERATION_DATA PerIoData;
        int i;
        DWORDByReference RecvBytes = new DWORDByReference();
        DWORDByReference Flags = new DWORDByReference();
        WSADATA wsaData = new WSADATA();
        int Ret;

        if ((Ret = WSAStartup(0x0202, wsaData)) != 0) {
            printf("WSAStartup failed with error %d%n", Ret);
            return;
        }
        // Setup an I/O completion port.
        if ((CompletionPort = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0)) == null) {
            printf("CreateIoCompletionPort failed with error: %d%n", GetLastError());
            return;
        }
        // Determine how many processors are on the system.
        GetSystemInfo(SystemInfo);
        // Create worker threads based on the number of processors available on the system. Create two worker
        // threads for each processor.
        for (i = 0; i < SystemInfo.dwNumberOfProcessors * 2; i++) {
            HANDLE CompletionPortID = CompletionPort;
            Thread.ofPlatform().daemon().name("ServerWorkerThread-" + i)
                    .start(() -> ServerWorkerThread(CompletionPortID));
        }
        // Create a listening socket.
        if ((Listen = WSASocket(AF_INET, SOCK_STREAM, 0, null, 0, WSA_FLAG_OVERLAPPED)) == INVALID_SOCKET) {
            printf("WSASocket() failed with error %d%n", WSAGetLastError());
            return;
        }
        InternetAddr.sin_family = AF_INET;
        InternetAddr.sin_addr.s_addr = htonl(INADDR_ANY);
        InternetAddr.sin_port = htons(port);
        if (bind(Listen, InternetAddr, InternetAddr.size()) == SOCKET_ERROR) {
            printf("bind() failed with error %d%n", WSAGetLastError());
            return;
        }
        // Prepare socket for listening.
        if (listen(Listen, 5) == SOCKET_ERROR) {
            printf("listen() failed with error %d%n", WSAGetLastError());
            return;
        }
        if (listening != null) {
            listening.accept(Listen);
        }
        // Accept connections and assign to the completion port.
        while (true) {
            if ((Accept = WSAAccept(Listen, null, null, null, 0)) == INVALID_SOCKET) {
                printf("WSAAccept() failed with error %d%n", WSAGetLastError());
                CloseHandle(CompletionPort);  // deviation: the listener was closed; the workers end
                return;
            }
            // Create a socket information structure to associate with the socket.
            PerHandleData = new PER_HANDLE_DATA();
            // Associate the accepted socket with the original completion port.
            printf("Socket number %d connected%n", Accept.value());
            PerHandleData.Socket = Accept;
            if (CreateIoCompletionPort(Accept, CompletionPort, PerHandleData, 0) == null) {
                printf("CreateIoCompletionPort failed with error %d%n", GetLastError());
                return;
            }
            // Create per I/O socket information structure to associate with the WSARecv call below.
            PerIoData = POOL.alloc();
            ZeroMemory(PerIoData);
            PerIoData.BytesSEND = 0;
            PerIoData.BytesRECV = 0;
            PerIoData.DataBuf.len = DATA_BUFSIZE;
            PerIoData.DataBuf.buf = PerIoData.Buffer;
            Flags.value = 0;
            if (WSARecv(Accept, new WSABUF[] {PerIoData.DataBuf}, 1, RecvBytes, Flags, PerIoData, null)
                    == SOCKET_ERROR) {
                if (WSAGetLastError() != ERROR_IO_PENDING) {
                    printf("WSARecv() failed with error %d%n", WSAGetLastError());
                    return;
                }
            }
        }
    }

    static void ServerWorkerThread(HANDLE CompletionPortID) {
        HANDLE CompletionPort = CompletionPortID;
        DWORDByReference BytesTransferred = new DWORDByReference();
        ULONG_PTRByReference PerHandleDataRef = new ULONG_PTRByReference();
        OVERLAPPEDByReference PerIoDataRef = new OVERLAPPEDByReference();
        PER_HANDLE_DATA PerHandleData;
        PER_IO_OPERATION_DATA PerIoData;
        DWORDByReference SendBytes = new DWORDByReference();
        DWORDByReference RecvBytes = new DWORDByReference();
        DWORDByReference Flags = new DWORDByReference();
        WSABUF[] DataBuf = new WSABUF[1];

        while (true) {
            GetQueuedCompletionStatus(CompletionPort, BytesTransferred, PerHandleDataRef, PerIoDataRef, INFINITE);
            PerIoData = (PER_IO_OPERATION_DATA) PerIoDataRef.value;
            if (PerIoData == null) {
                return;  // deviation: the port was closed
            }
            PerHandleData = (PER_HANDLE_DATA) PerHandleDataRef.value;
            // A zero-byte completion is the peer closing or an error: close the socket and free its structures.
            if (BytesTransferred.value == 0) {
                printf("Closing socket %d%n", PerHandleData.Socket.value());
                if (closesocket(PerHandleData.Socket) == SOCKET_ERROR) {
                    printf("closesocket() failed with error %d%n", WSAGetLastError());
                    return;
                }
                POOL.free(PerIoData);
                continue;
            }
            // BytesRECV == 0 means a WSARecv just completed: record how much it brought.
            if (PerIoData.BytesRECV == 0) {
                PerIoData.BytesRECV = BytesTransferred.value;
                PerIoData.BytesSEND = 0;
            } else {
                PerIoData.BytesSEND += BytesTransferred.value;
            }
            if (PerIoData.BytesRECV > PerIoData.BytesSEND) {
                // Post another WSASend() request until all received bytes are sent.
                ZeroMemory(PerIoData);
                PerIoData.DataBuf.buf = PerIoData.Buffer.asSlice(PerIoData.BytesSEND);
                PerIoData.DataBuf.len = PerIoData.BytesRECV - PerIoData.BytesSEND;
                DataBuf[0] = PerIoData.DataBuf;
                if (WSASend(PerHandleData.Socket, DataBuf, 1, SendBytes, 0, PerIoData, null) == SOCKET_ERROR) {
                    if (WSAGetLastError() != ERROR_IO_PENDING) {
                        printf("WSASend() failed with error %d%n", WSAGetLastError());
                        return;
                    }
                }
            } else {
                PerIoData.BytesRECV = 0;
                // Now that there are no more bytes to send post another WSARecv() request.
                Flags.value = 0;
                ZeroMemory(PerIoData);
                PerIoData.DataBuf.len = DATA_BUFSIZE;
                PerIoData.DataBuf.buf = PerIoData.Buffer;
                DataBuf[0] = PerIoData.DataBuf;
                if (WSARecv(PerHandleData.Socket, DataBuf, 1, RecvBytes, Flags, PerIoData, null) == SOCKET_ERROR) {
                    if (WSAGetLastError() != ERROR_IO_PENDING) {
                        printf("WSARecv() failed with error %d%n", WSAGetLastError());
                        return;
                    }
                }
            }
        }
    }

    static void printf(String format, Object... args) {
        if (!Boolean.getBoolean("iocp4j.quiet")) {
            System.out.printf(format, args);
        }
    }
}
