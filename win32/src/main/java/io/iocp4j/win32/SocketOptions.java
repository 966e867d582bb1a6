package io.iocp4j.win32;

import io.iocp4j.linux.Sockets;
import io.iocp4j.net.SocketObject;

import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;

/**
 * setsockopt/getsockopt: Windows levels and option numbers to Linux's (LNX-14). Windows' SO_REUSEADDR (port
 * sharing) is approximated by Linux's SO_REUSEADDR; the difference matters only for deliberate port stealing.
 */
final class SocketOptions {
    private SocketOptions() {
    }

    /** {level, name} in Linux numbers for an int-valued Windows option, or null. */
    private static int[] linuxIntOption(int level, int name) {
        if (level == SOL_SOCKET) {
            return switch (name) {
                case SO_REUSEADDR -> new int[] {Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR};
                case SO_KEEPALIVE -> new int[] {Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE};
                case SO_BROADCAST -> new int[] {Sockets.SOL_SOCKET, Sockets.SO_BROADCAST};
                case SO_SNDBUF -> new int[] {Sockets.SOL_SOCKET, Sockets.SO_SNDBUF};
                case SO_RCVBUF -> new int[] {Sockets.SOL_SOCKET, Sockets.SO_RCVBUF};
                case SO_TYPE -> new int[] {Sockets.SOL_SOCKET, Sockets.SO_TYPE};
                default -> null;
            };
        }
        if (level == IPPROTO_TCP && name == TCP_NODELAY) {
            return new int[] {Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY};
        }
        return null;
    }

    static int set(SocketObject so, int level, int name, Object value, int length) {
        if (level == SOL_SOCKET && name == SO_UPDATE_ACCEPT_CONTEXT) {
            SocketObject listener = value instanceof HANDLE h ? HandleTable.resolve(h, SocketObject.class) : null;
            return listener != null && listener.isListening() ? 0 : SocketApi.fail(WSAEINVAL);  // ACC-9
        }
        if (level == SOL_SOCKET && name == SO_UPDATE_CONNECT_CONTEXT) {
            return so.isConnected() ? 0 : SocketApi.fail(WSAENOTCONN);  // CONX-4
        }
        if (level == SOL_SOCKET && name == SO_LINGER) {
            if (!(value instanceof LINGER l) || length < 4) {
                return SocketApi.fail(WSAEFAULT);
            }
            int r = Sockets.setLinger(so.fd(), l.l_onoff != 0, l.l_linger & 0xFFFF);
            return r < 0 ? SocketApi.failErrno(r) : 0;
        }
        int[] linux = linuxIntOption(level, name);
        if (linux == null || name == SO_TYPE) {
            return SocketApi.fail(WSAENOPROTOOPT);
        }
        int v;
        switch (value) {
            case Integer i -> v = i;
            case Boolean b -> v = b ? 1 : 0;
            case null, default -> {
                return SocketApi.fail(WSAEFAULT);
            }
        }
        if (length < 1) {
            return SocketApi.fail(WSAEFAULT);
        }
        int r = Sockets.setIntOption(so.fd(), linux[0], linux[1], v);
        if (r < 0) {
            return SocketApi.failErrno(r);
        }
        so.recordIntOption(linux[0], linux[1], v);
        return 0;
    }

    static int get(SocketObject so, int level, int name, INTByReference value, INTByReference length) {
        if (level == SOL_SOCKET && name == SO_ERROR) {
            // A failed non-blocking connect is reported here once (NB-2); a reported reset leaves SO_ERROR at 0
            // (SOCK-4); other pending errors surface on the next call.
            value.value = ErrorMapping.toWsa(so.takeConnectError());
            length.value = 4;
            return 0;
        }
        if (level == SOL_SOCKET && name == SO_CONNECT_TIME) {
            value.value = so.secondsConnected();
            length.value = 4;
            return 0;
        }
        if (level == SOL_SOCKET && name == SO_TYPE) {
            value.value = so.type();
            length.value = 4;
            return 0;
        }
        int[] linux = linuxIntOption(level, name);
        if (linux == null) {
            return SocketApi.fail(WSAENOPROTOOPT);
        }
        int r = Sockets.getIntOption(so.fd(), linux[0], linux[1]);
        if (r < 0) {
            return SocketApi.failErrno(r);
        }
        value.value = r;
        length.value = 4;
        return 0;
    }
}
