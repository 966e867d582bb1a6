package io.iocp4j.win32;

import io.iocp4j.net.Accept;
import io.iocp4j.net.Connect;
import io.iocp4j.net.Disconnect;
import io.iocp4j.net.SocketObject;
import io.iocp4j.linux.Sockets;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.iocp4j.win32.WinError.*;

/**
 * The Winsock extension functions (contract section 9): AcceptEx, GetAcceptExSockaddrs, ConnectEx, DisconnectEx,
 * exported directly (as mswsock does) and through {@link WinSock2#WSAIoctl} with their GUIDs (EXT-1). They return
 * BOOL; FALSE with ERROR_IO_PENDING means pending (RET-3).
 */
public final class MSWSock {
    public static final int TF_DISCONNECT = 0x01;
    public static final int TF_REUSE_SOCKET = 0x02;
    public static final int TF_USE_KERNEL_APC = 0x20;

    /** The header of each AcceptEx address block: an int length, then the Windows sockaddr (as Wine lays it out). */
    private static final int BLOCK_HEADER = 4;

    private MSWSock() {
    }

    /** {@link SocketApi#begin}, and the byte count reads 0 until the completion says otherwise. */
    private static SocketObject begin(HANDLE s, OVERLAPPED overlapped) {
        if (overlapped != null) {
            overlapped.InternalHigh = 0;
        }
        return SocketApi.begin(s, overlapped);
    }

    /**
     * Accepts a connection on {@code sListenSocket} into the pre-created {@code sAcceptSocket} (ACC-1..11). The output
     * buffer holds {@code [data R][local block L][remote block M]}; read the addresses with GetAcceptExSockaddrs.
     * The completion goes to the listener's port with the listener's key (ACC-7).
     */
    public static boolean AcceptEx(SOCKET sListenSocket, SOCKET sAcceptSocket, MemorySegment lpOutputBuffer,
                                   int dwReceiveDataLength, int dwLocalAddressLength, int dwRemoteAddressLength,
                                   DWORDByReference lpdwBytesReceived, OVERLAPPED lpOverlapped) {
        SocketObject listener = begin(sListenSocket, lpOverlapped);
        if (listener == null) {
            return false;
        }
        SocketObject acceptor = SocketApi.socket(sAcceptSocket);
        if (acceptor == null) {
            return false;
        }
        if (lpOverlapped == null) {
            return LastError.fail(ERROR_INVALID_PARAMETER);
        }
        long r = dwReceiveDataLength & 0xFFFF_FFFFL;
        long l = dwLocalAddressLength & 0xFFFF_FFFFL;
        long m = dwRemoteAddressLength & 0xFFFF_FFFFL;
        if (lpOutputBuffer == null || m == 0 || !lpOutputBuffer.isNative() || r + l + m > lpOutputBuffer.byteSize()) {
            return LastError.fail(WSAEFAULT);
        }
        if (!listener.isListening() || acceptor.family() != listener.family() || !acceptor.isStream()) {
            return LastError.fail(WSAEINVAL);
        }
        Accept op = Notifications.operation(lpOverlapped, null, Accept.class, Accept::new);
        if (op == null) {
            return false;
        }
        if (!op.claim(acceptor)) {
            return LastError.fail(WSAEINVAL);
        }
        int need = SocketApi.acceptBlockSize(listener.family());
        boolean tooSmall = (l != 0 && l < need) || m < need;
        MemorySegment localBlock = lpOutputBuffer.asSlice(r, l);
        MemorySegment remoteBlock = lpOutputBuffer.asSlice(r + l, m);
        op.start(listener, acceptor, lpOutputBuffer, (int) r, tooSmall, (local, localLength, remote, remoteLength) -> {
            writeBlock(localBlock, local, localLength);
            writeBlock(remoteBlock, remote, remoteLength);
        });
        return LastError.fail(ERROR_IO_PENDING);
    }

    private static void writeBlock(MemorySegment block, MemorySegment linux, int linuxLength) {
        if (block.byteSize() < BLOCK_HEADER) {
            return;
        }
        int len = SockaddrCodec.toWindows(linux, linuxLength, block.asSlice(BLOCK_HEADER));
        block.set(ValueLayout.JAVA_INT_UNALIGNED, 0, len);
    }

    /**
     * Parses AcceptEx's output buffer (GAS-1): give it the same three lengths. Java has no pointers into the buffer,
     * so the addresses come back as objects decoded from it.
     */
    public static void GetAcceptExSockaddrs(MemorySegment lpOutputBuffer, int dwReceiveDataLength,
                                            int dwLocalAddressLength, int dwRemoteAddressLength,
                                            SockaddrByReference LocalSockaddr, INTByReference LocalSockaddrLength,
                                            SockaddrByReference RemoteSockaddr, INTByReference RemoteSockaddrLength) {
        long r = dwReceiveDataLength & 0xFFFF_FFFFL;
        long l = dwLocalAddressLength & 0xFFFF_FFFFL;
        readBlock(lpOutputBuffer.asSlice(r, l), LocalSockaddr, LocalSockaddrLength);
        readBlock(lpOutputBuffer.asSlice(r + l, dwRemoteAddressLength & 0xFFFF_FFFFL), RemoteSockaddr,
                RemoteSockaddrLength);
    }

    private static void readBlock(MemorySegment block, SockaddrByReference address, INTByReference length) {
        if (block.byteSize() < BLOCK_HEADER + 2) {
            address.value = null;
            length.value = 0;
            return;
        }
        int len = block.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
        MemorySegment bytes = block.asSlice(BLOCK_HEADER);
        sockaddr a = switch (bytes.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0)) {
            case WinSock2.AF_INET -> new SOCKADDR_IN();
            case WinSock2.AF_INET6 -> new SOCKADDR_IN6();
            default -> new SOCKADDR_STORAGE();
        };
        a.read(bytes);
        address.value = a;
        length.value = len;
    }

    /**
     * Connects a bound stream socket, sending the optional first data (CONX-1..5). Unbound, listening or already
     * connecting: WSAEINVAL; connected: WSAEISCONN; no OVERLAPPED: ERROR_INVALID_PARAMETER; failures such as
     * refusal arrive through the completion (CONX-3).
     */
    public static boolean ConnectEx(SOCKET s, sockaddr name, int namelen, MemorySegment lpSendBuffer,
                                    int dwSendDataLength, DWORDByReference lpdwBytesSent, OVERLAPPED lpOverlapped) {
        SocketObject so = begin(s, lpOverlapped);
        if (so == null) {
            return false;
        }
        if (lpOverlapped == null) {
            return LastError.fail(ERROR_INVALID_PARAMETER);
        }
        if (!so.isStream() || !so.isBound() || so.isListening() || so.hasPendingConnectOrAccept()) {
            return LastError.fail(so.isConnected() ? WSAEISCONN : WSAEINVAL);
        }
        if (so.isConnected()) {
            return LastError.fail(WSAEISCONN);
        }
        if (name == null) {
            return LastError.fail(WSAEFAULT);
        }
        if (lpSendBuffer != null && (!lpSendBuffer.isNative()
                || (dwSendDataLength & 0xFFFF_FFFFL) > lpSendBuffer.byteSize())) {
            return LastError.fail(WSAEFAULT);
        }
        MemorySegment addr = SocketApi.scratch();
        int len = SockaddrCodec.toLinux(name, namelen, addr);
        if (len < 0) {
            return LastError.fail(WSAEFAULT);
        }
        Connect op = Notifications.operation(lpOverlapped, null, Connect.class, Connect::new);
        if (op == null) {
            return false;
        }
        op.start(so, addr, len, lpSendBuffer, dwSendDataLength);
        return LastError.fail(ERROR_IO_PENDING);
    }

    /**
     * Sends the head buffer, file data and the tail buffer as one operation with one completion (TF-1); the file
     * position comes from Offset/OffsetHigh (TF-2), {@code nNumberOfBytesToWrite} 0 means to the end of the file.
     * TF_DISCONNECT shuts the sending side afterwards, with TF_REUSE_SOCKET the socket is renewed (DISC-3).
     * Not connected or not a stream: WSAENOTCONN. Without an OVERLAPPED it is synchronous, from the file pointer.
     */
    public static boolean TransmitFile(SOCKET hSocket, HANDLE hFile, int nNumberOfBytesToWrite,
                                       int nNumberOfBytesPerSend, OVERLAPPED lpOverlapped,
                                       TRANSMIT_FILE_BUFFERS lpTransmitBuffers, int dwReserved) {
        SocketObject so = begin(hSocket, lpOverlapped);
        if (so == null) {
            return false;
        }
        if (!so.isStream() || !so.isConnected()) {
            return LastError.fail(WSAENOTCONN);
        }
        io.iocp4j.file.FileObject file = null;
        if (hFile != null) {
            file = HandleTable.resolve(hFile, io.iocp4j.file.FileObject.class);
            if (file == null) {
                return LastError.fail(WSAEINVAL);
            }
        }
        TRANSMIT_FILE_BUFFERS b = lpTransmitBuffers;
        if (b != null && (!fits(b.Head, b.HeadLength) || !fits(b.Tail, b.TailLength))) {
            return LastError.fail(WSAEFAULT);
        }
        OVERLAPPED ov = lpOverlapped != null ? lpOverlapped : new OVERLAPPED();
        long offset = lpOverlapped == null && file != null ? file.movePointer(0, 1) : ov.position();
        long length = 0;
        if (file != null) {
            long size = file.size();
            length = nNumberOfBytesToWrite == 0 ? Math.max(0, size - offset) : nNumberOfBytesToWrite & 0xFFFF_FFFFL;
        }
        io.iocp4j.net.Transmit op = Notifications.operation(ov, null, io.iocp4j.net.Transmit.class,
                io.iocp4j.net.Transmit::new);
        if (op == null) {
            return false;
        }
        if (file != null && !file.holdFd()) {
            return LastError.fail(WSAEINVAL);  // its last handle was closed meanwhile
        }
        op.start(so, b == null ? null : b.Head, b == null ? 0 : b.HeadLength, file, offset, length,
                b == null ? null : b.Tail, b == null ? 0 : b.TailLength, (dwReserved & TF_DISCONNECT) != 0,
                (dwReserved & TF_REUSE_SOCKET) != 0);
        if (lpOverlapped == null) {
            Completions.awaitDone(ov);
            int status = (int) ov.Internal;
            return status >= 0 || LastError.fail(ErrorMapping.toWsa(status));
        }
        return LastError.fail(ERROR_IO_PENDING);
    }

    private static boolean fits(MemorySegment buffer, int length) {
        return length == 0 || (buffer != null && buffer.isNative() && (length & 0xFFFF_FFFFL) <= buffer.byteSize());
    }

    /**
     * Graceful send-side close (DISC-1..3); with TF_REUSE_SOCKET the socket can then be given to AcceptEx or
     * ConnectEx again, keeping its handle, association and key. Without an OVERLAPPED it is synchronous.
     */
    public static boolean DisconnectEx(SOCKET s, OVERLAPPED lpOverlapped, int dwFlags, int dwReserved) {
        SocketObject so = begin(s, lpOverlapped);
        if (so == null) {
            return false;
        }
        if (dwReserved != 0) {
            return LastError.fail(WSAEINVAL);
        }
        if (!so.isConnected()) {
            return LastError.fail(WSAENOTCONN);
        }
        boolean reuse = (dwFlags & TF_REUSE_SOCKET) != 0;
        if (lpOverlapped == null) {
            int r = Sockets.shutdown(so.fd(), Sockets.SHUT_WR);
            if (r < 0 && r != -io.iocp4j.linux.Errno.ENOTCONN) {
                return LastError.fail(SocketApi.wsaError(-r));
            }
            so.latchShutdown(false, true);
            if (reuse) {
                int renewed = so.renew();
                if (renewed < 0) {
                    return LastError.fail(SocketApi.wsaError(-renewed));
                }
            }
            return true;
        }
        Disconnect op = Notifications.operation(lpOverlapped, null, Disconnect.class, Disconnect::new);
        if (op == null) {
            return false;
        }
        op.start(so, reuse);
        return LastError.fail(ERROR_IO_PENDING);
    }
}
