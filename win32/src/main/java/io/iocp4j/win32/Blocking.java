package io.iocp4j.win32;

import io.iocp4j.net.SocketObject;

import java.lang.foreign.MemorySegment;

import static io.iocp4j.win32.WinError.*;

/**
 * WSARecv/WSASend with a NULL OVERLAPPED: synchronous, no packet (CORE-7). Scatter/gather is done buffer by buffer:
 * a receive fills the first buffer that gets data and stops, as one recv would; a send sends every buffer in order.
 */
final class Blocking {
    private Blocking() {
    }

    static int receive(SocketObject so, WSABUF[] buffers, int count, DWORDByReference received, DWORDByReference flags,
                       int linuxFlags, sockaddr from, INTByReference fromLength) {
        if (from != null && !so.isStream()) {
            return SocketApi.fail(WSAEOPNOTSUPP);
        }
        long total = 0;
        for (int i = 0; i < count; i++) {
            WSABUF b = buffers[i];
            if (b.len == 0) {
                continue;
            }
            long r = so.receiveNow(b.buf, b.len, linuxFlags);
            if (r < 0) {
                if (total > 0) {
                    break;
                }
                return SocketApi.failErrno((int) r);
            }
            total += r;
            if (r < b.len || !so.isStream()) {
                break;
            }
            linuxFlags |= io.iocp4j.linux.Sockets.MSG_DONTWAIT;  // later buffers take only what is already there
        }
        if (received != null) {
            received.value = (int) total;
        }
        flags.value = 0;
        return 0;
    }

    static int send(SocketObject so, WSABUF[] buffers, int count, DWORDByReference sent, int linuxFlags,
                    MemorySegment to, int toLength) {
        if (to != null) {
            return SocketApi.fail(WSAEOPNOTSUPP);
        }
        long total = 0;
        for (int i = 0; i < count; i++) {
            WSABUF b = buffers[i];
            if (b.len == 0) {
                continue;
            }
            long r = so.sendNow(b.buf, b.len, linuxFlags);
            if (r < 0) {
                return SocketApi.failErrno((int) r);
            }
            total += r;
        }
        if (sent != null) {
            sent.value = (int) total;
        }
        return 0;
    }
}
