package io.iocp4j.win32;

import io.iocp4j.CompletionRoutine;
import io.iocp4j.linux.Sockets;
import io.iocp4j.net.SocketObject;
import io.iocp4j.net.VectoredOperation;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.iocp4j.win32.WinError.*;

/** Shared checks and translations behind WinSock2 and MSWSock; every failure sets the WSA error and says so. */
final class SocketApi {
    /** A per-thread native area for sockaddrs and small option values handed to Linux calls. */
    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(512, 16));

    private SocketApi() {
    }

    static MemorySegment scratch() {
        return SCRATCH.get();
    }

    /** The socket object behind {@code s}, or null with WSAENOTSOCK set (ERR-2: the handle is checked first). */
    static SocketObject socket(HANDLE s) {
        SocketObject so = HandleTable.resolve(s, SocketObject.class);
        if (so == null) {
            LastError.set(WSAENOTSOCK);
        }
        return so;
    }

    /**
     * Where every overlapped socket call begins: its OVERLAPPED reads as pending from the start, even when the call
     * then fails at once; then the socket, or null with WSAENOTSOCK set.
     */
    static SocketObject begin(HANDLE s, OVERLAPPED overlapped) {
        if (overlapped != null) {
            overlapped.markPending();
        }
        return socket(s);
    }

    /** {@link #begin} for a call that moves data through WSABUFs, which are checked too; null with the error set. */
    static SocketObject beginTransfer(HANDLE s, WSABUF[] buffers, int count, OVERLAPPED overlapped) {
        SocketObject so = begin(s, overlapped);
        if (so == null) {
            return null;
        }
        int bad = checkBuffers(buffers, count);
        if (bad != 0) {
            fail(bad);
            return null;
        }
        return so;
    }

    /** Gives an overlapped receive or send the caller's buffer list (already checked by {@link #beginTransfer}). */
    static void giveBuffers(VectoredOperation op, WSABUF[] buffers, int count) {
        op.buffers(count);
        for (int i = 0; i < count; i++) {
            op.buffer(i, buffers[i].buf, buffers[i].len);
        }
    }

    /** Sets the WSA error and returns SOCKET_ERROR. */
    static int fail(int wsaError) {
        LastError.set(wsaError);
        return WinSock2.SOCKET_ERROR;
    }

    /** A failed Linux call's -errno as the WSA error a Windows program sees. */
    static int failErrno(int negativeErrno) {
        return fail(wsaError(-negativeErrno));
    }

    static int wsaError(int errno) {
        return switch (errno) {
            case io.iocp4j.linux.Errno.EAGAIN -> WSAEWOULDBLOCK;
            case io.iocp4j.linux.Errno.EINTR -> WSAEINTR;  // a blocking call whose socket was closed meanwhile
            case io.iocp4j.linux.Errno.EINPROGRESS -> WSAEWOULDBLOCK;
            case io.iocp4j.linux.Errno.EALREADY -> WSAEALREADY;
            case io.iocp4j.linux.Errno.EAFNOSUPPORT -> WSAEAFNOSUPPORT;
            case io.iocp4j.linux.Errno.EPROTONOSUPPORT -> WSAEPROTONOSUPPORT;
            case io.iocp4j.linux.Errno.ENOPROTOOPT -> WSAENOPROTOOPT;
            case io.iocp4j.linux.Errno.EMFILE, io.iocp4j.linux.Errno.ENFILE -> WSAEMFILE;
            default -> ErrorMapping.toWsa(io.iocp4j.ErrnoMapping.toStatus(errno));
        };
    }

    /**
     * Copies a WSABUF list's bounds check: every entry must have native memory at least {@code len} long (WSAEFAULT
     * otherwise, so the kernel can never write outside a caller's buffer); count 0 or a NULL list is WSAEINVAL.
     */
    static int checkBuffers(WSABUF[] buffers, int count) {
        if (buffers == null || count <= 0) {
            return WSAEINVAL;
        }
        if (count > buffers.length) {
            return WSAEFAULT;
        }
        for (int i = 0; i < count; i++) {
            WSABUF b = buffers[i];
            if (b == null || (b.len != 0 && (b.buf == null || !b.buf.isNative()
                    || (b.len & 0xFFFF_FFFFL) > b.buf.byteSize()))) {
                return WSAEFAULT;
            }
        }
        return 0;
    }

    /** Windows MSG_* receive flags to Linux; -1 for a combination Windows refuses (RECV-7). */
    static int receiveFlags(int flags, boolean stream) {
        int known = WinSock2.MSG_OOB | WinSock2.MSG_PEEK | WinSock2.MSG_WAITALL | WinSock2.MSG_PUSH_IMMEDIATE;
        if ((flags & ~known) != 0) {
            return -1;
        }
        boolean waitAll = (flags & WinSock2.MSG_WAITALL) != 0;
        if (waitAll && (!stream || (flags & (WinSock2.MSG_PEEK | WinSock2.MSG_OOB)) != 0)) {
            return -1;
        }
        return (flags & WinSock2.MSG_OOB) | (flags & WinSock2.MSG_PEEK) | (waitAll ? Sockets.MSG_WAITALL : 0);
    }

    /** Windows MSG_* send flags to Linux: MSG_OOB kept, MSG_DONTROUTE and MSG_PARTIAL accepted and ignored (SEND-7). */
    static int sendFlags(int flags) {
        return flags & WinSock2.MSG_OOB;
    }

    /** Adapts a Winsock completion routine: the status reaches it as a WSA code (CORE-3). */
    static CompletionRoutine routine(LPWSAOVERLAPPED_COMPLETION_ROUTINE r) {
        if (r == null) {
            return null;
        }
        return (status, bytes, ov) -> r.callback(ErrorMapping.toWsa(status), (int) bytes, (OVERLAPPED) ov, 0);
    }

    /** The address-block size AcceptEx needs for a family: the largest sockaddr plus 16 (ACC-3). */
    static int acceptBlockSize(int linuxFamily) {
        return switch (linuxFamily) {
            case Sockets.AF_INET6 -> SOCKADDR_IN6.SIZE + 16;
            case Sockets.AF_INET -> SOCKADDR_IN.SIZE + 16;
            default -> 110 + 16;
        };
    }
}
