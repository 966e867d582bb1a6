package io.iocp4j.win32;

import io.iocp4j.Event;
import io.iocp4j.NtStatus;
import io.iocp4j.linux.Errno;
import io.iocp4j.linux.Sockets;
import io.iocp4j.net.NetworkEvents;
import io.iocp4j.net.Readiness;
import io.iocp4j.net.Receive;
import io.iocp4j.net.Send;
import io.iocp4j.net.SocketObject;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;

import static io.iocp4j.win32.WinError.*;

/**
 * Winsock 2 with Windows' names, numbers, parameter order and return conventions (contract sections 8, 13, 14).
 * Use with {@code import static io.iocp4j.win32.WinSock2.*;}. Functions return 0 / SOCKET_ERROR (or a SOCKET /
 * INVALID_SOCKET) and leave the WSA error in the per-thread slot WSAGetLastError reads (CORE-8).
 *
 * <p>Overlapped calls always go pending (LNX-2, RET-7): an I/O that can complete returns SOCKET_ERROR with
 * WSA_IO_PENDING and its result arrives by packet, event or completion routine; argument and state errors
 * (WSAENOTSOCK, WSAEFAULT, WSAEINVAL, WSAENOTCONN, WSAESHUTDOWN, a latched WSAECONNRESET) fail at once with no
 * notification (RET-6).
 */
public final class WinSock2 {
    public static final short AF_UNSPEC = 0;
    public static final short PF_INET = 2;
    public static final short AF_UNIX = 1;
    public static final short AF_INET = 2;
    public static final short AF_INET6 = 23;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    public static final int SOL_SOCKET = 0xFFFF;
    public static final int SO_REUSEADDR = 0x0004;
    public static final int SO_KEEPALIVE = 0x0008;
    public static final int SO_BROADCAST = 0x0020;
    public static final int SO_LINGER = 0x0080;
    public static final int SO_SNDBUF = 0x1001;
    public static final int SO_RCVBUF = 0x1002;
    public static final int SO_ERROR = 0x1007;
    public static final int SO_TYPE = 0x1008;
    public static final int SO_UPDATE_ACCEPT_CONTEXT = 0x700B;
    public static final int SO_CONNECT_TIME = 0x700C;
    public static final int SO_UPDATE_CONNECT_CONTEXT = 0x7010;
    public static final int TCP_NODELAY = 0x0001;
    public static final int MSG_OOB = 0x1;
    public static final int MSG_PEEK = 0x2;
    public static final int MSG_DONTROUTE = 0x4;
    public static final int MSG_WAITALL = 0x8;
    public static final int MSG_PUSH_IMMEDIATE = 0x20;
    public static final int MSG_PARTIAL = 0x8000;
    public static final int SD_RECEIVE = 0;
    public static final int SD_SEND = 1;
    public static final int SD_BOTH = 2;
    public static final int FD_READ = NetworkEvents.FD_READ;
    public static final int FD_WRITE = NetworkEvents.FD_WRITE;
    public static final int FD_OOB = NetworkEvents.FD_OOB;
    public static final int FD_ACCEPT = NetworkEvents.FD_ACCEPT;
    public static final int FD_CONNECT = NetworkEvents.FD_CONNECT;
    public static final int FD_CLOSE = NetworkEvents.FD_CLOSE;
    public static final int FD_READ_BIT = 0;
    public static final int FD_WRITE_BIT = 1;
    public static final int FD_OOB_BIT = 2;
    public static final int FD_ACCEPT_BIT = 3;
    public static final int FD_CONNECT_BIT = 4;
    public static final int FD_CLOSE_BIT = 5;
    public static final int FD_MAX_EVENTS = NetworkEvents.MAX_EVENTS;
    public static final int FD_ALL_EVENTS = (1 << FD_MAX_EVENTS) - 1;
    public static final int FD_SETSIZE = 64;
    public static final int FIONBIO = 0x8004667E;
    public static final int FIONREAD = 0x4004667F;
    public static final int SOCKET_ERROR = -1;
    public static final SOCKET INVALID_SOCKET = new SOCKET(~0L, null);
    public static final int WSA_FLAG_OVERLAPPED = 0x01;
    public static final int INADDR_ANY = 0;
    public static final int INADDR_LOOPBACK = 0x7F000001;
    public static final int SOMAXCONN = 0x7FFFFFFF;
    public static final int WSA_MAXIMUM_WAIT_EVENTS = 64;
    public static final HANDLE WSA_INVALID_EVENT = null;
    public static final int WSA_INFINITE = 0xFFFFFFFF;
    public static final int SIO_GET_EXTENSION_FUNCTION_POINTER = 0xC8000006;
    public static final int SIO_UDP_CONNRESET = 0x9800000C;
    public static final GUID WSAID_ACCEPTEX = GUID.of("b5367df1-cbac-11cf-95ca-00805f48a192");
    public static final GUID WSAID_GETACCEPTEXSOCKADDRS = GUID.of("b5367df2-cbac-11cf-95ca-00805f48a192");
    public static final GUID WSAID_TRANSMITFILE = GUID.of("b5367df0-cbac-11cf-95ca-00805f48a192");
    public static final GUID WSAID_CONNECTEX = GUID.of("25a207b9-ddf3-4660-8ee9-76e58c74063e");
    public static final GUID WSAID_DISCONNECTEX = GUID.of("7fda2e11-8630-436f-a031-f536a6eec157");

    private WinSock2() {
    }

    // ---- start-up, errors, byte order ----

    /** Always succeeds with version 2.2. */
    public static int WSAStartup(int wVersionRequested, WSADATA lpWSAData) {
        if (lpWSAData != null) {
            lpWSAData.wVersion = 0x0202;
            lpWSAData.wHighVersion = 0x0202;
            lpWSAData.szDescription = "iocp4j Winsock 2.2 over io_uring";
            lpWSAData.szSystemStatus = "Running";
        }
        return 0;
    }

    public static int WSACleanup() {
        return 0;
    }

    public static int WSAGetLastError() {
        return LastError.get();
    }

    public static void WSASetLastError(int iError) {
        LastError.set(iError);
    }

    public static short htons(short hostshort) {
        return Short.reverseBytes(hostshort);
    }

    public static short htons(int hostshort) {
        return Short.reverseBytes((short) hostshort);
    }

    public static short ntohs(short netshort) {
        return Short.reverseBytes(netshort);
    }

    public static int htonl(int hostlong) {
        return Integer.reverseBytes(hostlong);
    }

    public static int ntohl(int netlong) {
        return Integer.reverseBytes(netlong);
    }

    public static final int INADDR_NONE = 0xFFFFFFFF;

    /** A dotted IPv4 literal to {@code s_addr} (network order, as inet_pton writes it); INADDR_NONE if not one. */
    public static int inet_addr(String cp) {
        IN_ADDR a = new IN_ADDR();
        return inet_pton(AF_INET, cp, a) == 1 ? a.s_addr : INADDR_NONE;
    }

    /** Text to a binary address ({@link IN_ADDR} or {@link IN6_ADDR}): 1, 0 for bad text, -1/WSAEAFNOSUPPORT. */
    public static int inet_pton(int Family, String pszAddrString, Object pAddrBuf) {
        if (Family != AF_INET && Family != AF_INET6) {
            LastError.set(WSAEAFNOSUPPORT);
            return -1;
        }
        byte[] raw = literal(pszAddrString, Family == AF_INET ? 4 : 16);
        if (raw == null) {
            return 0;
        }
        switch (pAddrBuf) {
            case IN_ADDR a when raw.length == 4 -> a.s_addr = MemorySegment.ofArray(raw).get(ValueLayout.JAVA_INT_UNALIGNED, 0);
            case IN6_ADDR a when raw.length == 16 -> System.arraycopy(raw, 0, a.u, 0, 16);
            default -> {
                LastError.set(WSAEFAULT);
                return -1;
            }
        }
        return 1;
    }

    /** A binary address ({@link IN_ADDR} or {@link IN6_ADDR}) as text; null with WSAEAFNOSUPPORT for another family. */
    public static String inet_ntop(int Family, Object pAddr) {
        try {
            byte[] raw = switch (pAddr) {
                case IN_ADDR a when Family == AF_INET -> {
                    byte[] b = new byte[4];
                    MemorySegment.ofArray(b).set(ValueLayout.JAVA_INT_UNALIGNED, 0, a.s_addr);
                    yield b;
                }
                case IN6_ADDR a when Family == AF_INET6 -> a.u.clone();
                default -> null;
            };
            if (raw == null) {
                LastError.set(WSAEAFNOSUPPORT);
                return null;
            }
            return InetAddress.getByAddress(raw).getHostAddress();
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /** Parses a numeric literal only (no name lookup): null unless it is an address of {@code length} bytes. */
    private static byte[] literal(String text, int length) {
        if (text == null || text.isEmpty() || !(text.indexOf(':') >= 0 || Character.digit(text.charAt(0), 16) >= 0)) {
            return null;
        }
        if (length == 4 && !text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return null;
        }
        try {
            byte[] b = InetAddress.ofLiteral(text).getAddress();
            return b.length == length ? b : null;
        } catch (IllegalArgumentException notALiteral) {
            return null;
        }
    }

    // ---- events (EVT-1, EVT-5) ----

    /** A manual-reset, non-signalled event. */
    public static HANDLE WSACreateEvent() {
        return Kernel32.CreateEvent(null, true, false, null);
    }

    public static boolean WSASetEvent(HANDLE hEvent) {
        return Kernel32.SetEvent(hEvent);
    }

    public static boolean WSAResetEvent(HANDLE hEvent) {
        return Kernel32.ResetEvent(hEvent);
    }

    public static boolean WSACloseEvent(HANDLE hEvent) {
        return HandleTable.resolve(hEvent, io.iocp4j.Event.class) != null && Kernel32.CloseHandle(hEvent)
                || LastError.fail(WSA_INVALID_HANDLE);
    }

    /**
     * Waits for any or all of up to 64 events: WSA_WAIT_EVENT_0 + i, WSA_WAIT_TIMEOUT, WSA_WAIT_IO_COMPLETION, or
     * WSA_WAIT_FAILED with WSA_INVALID_PARAMETER / WSA_INVALID_HANDLE. Manual-reset events stay signalled (EVT-5).
     */
    public static int WSAWaitForMultipleEvents(int cEvents, HANDLE[] lphEvents, boolean fWaitAll, int dwTimeout,
                                               boolean fAlertable) {
        return Kernel32.WaitForMultipleObjectsEx(cEvents, lphEvents, fWaitAll, dwTimeout, fAlertable);
    }

    // ---- socket life cycle ----

    /** socket(): overlapped-capable, as on Windows (SOCK-1). */
    public static SOCKET socket(int af, int type, int protocol) {
        return WSASocket(af, type, protocol, null, 0, WSA_FLAG_OVERLAPPED);
    }

    /** Without WSA_FLAG_OVERLAPPED the socket cannot be associated with a port (CICP-7). */
    public static SOCKET WSASocket(int af, int type, int protocol, Object lpProtocolInfo, int g, int dwFlags) {
        int family = SockaddrCodec.linuxFamily(af);
        if (family < 0) {
            LastError.set(WSAEAFNOSUPPORT);
            return INVALID_SOCKET;
        }
        if (type != SOCK_STREAM && type != SOCK_DGRAM) {
            LastError.set(WSAESOCKTNOSUPPORT);
            return INVALID_SOCKET;
        }
        if (protocol != 0 && protocol != (type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP)) {
            LastError.set(WSAEPROTONOSUPPORT);
            return INVALID_SOCKET;
        }
        int[] errno = new int[1];
        SocketObject so = SocketObject.create(family, type, family == Sockets.AF_UNIX ? 0 : protocol,
                (dwFlags & WSA_FLAG_OVERLAPPED) != 0, errno);
        if (so == null) {
            LastError.set(SocketApi.wsaError(-errno[0]));
            return INVALID_SOCKET;
        }
        return register(so);
    }

    static SOCKET register(SocketObject so) {
        return (SOCKET) HandleTable.open(so, so::close, SOCKET::new);
    }

    /**
     * Closes the socket; pending operations each complete once, aborted (CAN-6, RECV-9): their packets still go
     * to the port with the socket's key.
     */
    public static int closesocket(SOCKET s) {
        if (HandleTable.resolve(s, SocketObject.class) == null || !HandleTable.close(s)) {
            return SocketApi.fail(WSAENOTSOCK);
        }
        return 0;
    }

    public static int bind(SOCKET s, sockaddr name, int namelen) {
        SocketObject so = SocketApi.socket(s);
        if (so == null) {
            return SOCKET_ERROR;
        }
        if (name == null) {
            return SocketApi.fail(WSAEFAULT);
        }
        if (so.isBound()) {
            return SocketApi.fail(WSAEINVAL);
        }
        MemorySegment addr = SocketApi.scratch();
        int len = SockaddrCodec.toLinux(name, namelen, addr);
        if (len < 0) {
            return SocketApi.fail(WSAEFAULT);
        }
        if (SockaddrCodec.linuxFamily(name.family()) != so.family()) {
            return SocketApi.fail(WSAEAFNOSUPPORT);
        }
        int r = Sockets.bind(so.fd(), addr, len);
        if (r < 0) {
            return SocketApi.failErrno(r);
        }
        so.markBound();
        return 0;
    }

    public static int listen(SOCKET s, int backlog) {
        SocketObject so = SocketApi.socket(s);
        if (so == null) {
            return SOCKET_ERROR;
        }
        if (!so.isStream()) {
            return SocketApi.fail(WSAEOPNOTSUPP);
        }
        if (!so.isBound() || so.isConnected()) {
            return SocketApi.fail(so.isConnected() ? WSAEISCONN : WSAEINVAL);
        }
        int r = Sockets.listen(so.fd(), Math.max(1, Math.min(backlog, 4096)));
        if (r < 0) {
            return SocketApi.failErrno(r);
        }
        so.markListening();
        return 0;
    }

    /**
     * Blocking accept, or WSAEWOULDBLOCK in non-blocking mode when no connection waits. No packet (CORE-7). The new
     * socket is overlapped-capable.
     */
    public static SOCKET accept(SOCKET s, sockaddr addr, INTByReference addrlen) {
        SocketObject so = SocketApi.socket(s);
        if (so == null) {
            return INVALID_SOCKET;
        }
        if (!so.isListening()) {
            LastError.set(WSAEINVAL);
            return INVALID_SOCKET;
        }
        if (addr != null && (addrlen == null || addrlen.value < SockaddrCodec.windowsSize(
                SockaddrCodec.windowsFamily(so.family())))) {
            LastError.set(WSAEFAULT);
            return INVALID_SOCKET;
        }
        MemorySegment buf = SocketApi.scratch();
        MemorySegment peer = buf.asSlice(0, 128);
        MemorySegment len = buf.asSlice(128, 4);
        len.set(ValueLayout.JAVA_INT, 0, 128);
        int fd = so.acceptNow(peer, len);
        if (fd < 0) {
            LastError.set(SocketApi.wsaError(-fd));
            return INVALID_SOCKET;
        }
        if (addr != null) {
            addrlen.value = SockaddrCodec.fill(peer, len.get(ValueLayout.JAVA_INT, 0), addr);
        }
        return register(SocketObject.adoptAccepted(fd, so));
    }

    /** WSAAccept without a condition function is accept. */
    public static SOCKET WSAAccept(SOCKET s, sockaddr addr, INTByReference addrlen, Object lpfnCondition,
                                   Object dwCallbackData) {
        return accept(s, addr, addrlen);
    }

    /**
     * Blocking connect; no packet even on an associated socket (CORE-7). Refused: WSAECONNREFUSED; already
     * connected: WSAEISCONN; while a ConnectEx or AcceptEx targets the socket: WSAEINVAL (CONX-1, ACC-2).
     */
    public static int connect(SOCKET s, sockaddr name, int namelen) {
        SocketObject so = SocketApi.socket(s);
        if (so == null) {
            return SOCKET_ERROR;
        }
        if (name == null) {
            return SocketApi.fail(WSAEFAULT);
        }
        if (so.isListening() || so.hasPendingAccept()) {
            return SocketApi.fail(WSAEINVAL);
        }
        if (so.isConnecting()) {
            return SocketApi.fail(so.isNonBlocking() ? WSAEALREADY : WSAEINVAL);  // NB-2, CONX-1
        }
        if (so.isConnected() && so.isStream()) {
            return SocketApi.fail(WSAEISCONN);
        }
        MemorySegment addr = SocketApi.scratch();
        int len = SockaddrCodec.toLinux(name, namelen, addr);
        if (len < 0) {
            return SocketApi.fail(WSAEFAULT);
        }
        if (so.isNonBlocking()) {
            so.connectInBackground(addr, len);
            return SocketApi.fail(WSAEWOULDBLOCK);
        }
        int r = so.connectNow(addr, len);
        return r < 0 ? SocketApi.failErrno(r) : 0;
    }

    /** SOCK-5: latches the closed directions; WSAENOTCONN when not connected, WSAEINVAL for a bad {@code how}. */
    public static int shutdown(SOCKET s, int how) {
        SocketObject so = SocketApi.socket(s);
        if (so == null) {
            return SOCKET_ERROR;
        }
        if (how < SD_RECEIVE || how > SD_BOTH) {
            return SocketApi.fail(WSAEINVAL);
        }
        if (!so.isConnected()) {
            return SocketApi.fail(WSAENOTCONN);
        }
        int r = Sockets.shutdown(so.fd(), how);  // SD_* and SHUT_* agree: 0, 1, 2
        if (r < 0 && r != -Errno.ENOTCONN) {
            return SocketApi.failErrno(r);
        }
        so.latchShutdown(how != SD_SEND, how != SD_RECEIVE);
        return 0;
    }

    public static int getsockname(SOCKET s, sockaddr name, INTByReference namelen) {
        return nameOf(s, name, namelen, false);
    }

    public static int getpeername(SOCKET s, sockaddr name, INTByReference namelen) {
        return nameOf(s, name, namelen, true);
    }

    private static int nameOf(SOCKET s, sockaddr name, INTByReference namelen, boolean peer) {
        SocketObject so = SocketApi.socket(s);
        if (so == null) {
            return SOCKET_ERROR;
        }
        if (name == null || namelen == null) {
            return SocketApi.fail(WSAEFAULT);
        }
        if (peer ? !so.isConnected() : !so.isBound()) {
            return SocketApi.fail(peer ? WSAENOTCONN : WSAEINVAL);
        }
        MemorySegment buf = SocketApi.scratch();
        MemorySegment addr = buf.asSlice(0, 128);
        MemorySegment len = buf.asSlice(128, 4);
        len.set(ValueLayout.JAVA_INT, 0, 128);
        int r = peer ? Sockets.getpeername(so.fd(), addr, len) : Sockets.getsockname(so.fd(), addr, len);
        if (r < 0) {
            return SocketApi.failErrno(r);
        }
        int linuxLength = len.get(ValueLayout.JAVA_INT, 0);
        int need = SockaddrCodec.windowsSize(SockaddrCodec.windowsFamily(addr.get(ValueLayout.JAVA_SHORT, 0)));
        if (namelen.value < need) {
            return SocketApi.fail(WSAEFAULT);
        }
        int written = SockaddrCodec.fill(addr, linuxLength, name);
        if (written < 0) {
            return SocketApi.fail(WSAEFAULT);
        }
        namelen.value = written;
        return 0;
    }

    // ---- options and modes ----

    /**
     * Sets an option. {@code optval} is what C passes a pointer to: an Integer/Boolean for int options, a
     * {@link LINGER}, the listening SOCKET for SO_UPDATE_ACCEPT_CONTEXT (ACC-9), null for SO_UPDATE_CONNECT_CONTEXT
     * (CONX-4). The update-context options are validating no-ops: Linux sockets are complete without them.
     */
    public static int setsockopt(SOCKET s, int level, int optname, Object optval, int optlen) {
        SocketObject so = SocketApi.socket(s);
        if (so == null) {
            return SOCKET_ERROR;
        }
        return SocketOptions.set(so, level, optname, optval, optlen);
    }

    /** Reads an int-valued option (SO_ERROR is 0 after a reported reset, SOCK-4; SO_CONNECT_TIME, ACC-6). */
    public static int getsockopt(SOCKET s, int level, int optname, INTByReference optval, INTByReference optlen) {
        SocketObject so = SocketApi.socket(s);
        if (so == null) {
            return SOCKET_ERROR;
        }
        if (optval == null || optlen == null || optlen.value < 4) {
            return SocketApi.fail(WSAEFAULT);
        }
        return SocketOptions.get(so, level, optname, optval, optlen);
    }

    /** FIONBIO (emulated non-blocking mode, LNX-6; overlapped calls are unaffected, SOCK-3) and FIONREAD. */
    public static int ioctlsocket(SOCKET s, int cmd, DWORDByReference argp) {
        SocketObject so = SocketApi.socket(s);
        if (so == null) {
            return SOCKET_ERROR;
        }
        if (argp == null) {
            return SocketApi.fail(WSAEFAULT);
        }
        switch (cmd) {
            case FIONBIO -> {
                if (!so.setNonBlocking(argp.value != 0)) {
                    return SocketApi.fail(WSAEINVAL);  // blocking while WSAEventSelect is active (NB-4)
                }
            }
            case FIONREAD -> {
                int n = Sockets.bytesReadable(so.fd());
                if (n < 0) {
                    return SocketApi.failErrno(n);
                }
                argp.value = n;
            }
            default -> {
                return SocketApi.fail(WSAEINVAL);
            }
        }
        return 0;
    }

    /**
     * Records the network events of {@code lNetworkEvents} (FD_READ, FD_WRITE, FD_OOB, FD_ACCEPT, FD_CONNECT,
     * FD_CLOSE) as they happen and sets {@code hEventObject} when one is recorded; 0 ends the selection. The socket
     * becomes non-blocking; an event is recorded again only after its re-enabling call (NB-4). A handle that is not an
     * event: WSAEINVAL.
     */
    public static int WSAEventSelect(SOCKET s, HANDLE hEventObject, int lNetworkEvents) {
        SocketObject so = SocketApi.socket(s);
        if (so == null) {
            return SOCKET_ERROR;
        }
        Event event = HandleTable.resolve(hEventObject, Event.class);
        if (event == null && lNetworkEvents != 0) {
            return SocketApi.fail(WSAEINVAL);
        }
        so.selectNetworkEvents(event, lNetworkEvents);
        return 0;
    }

    /**
     * Reports and clears the recorded network events, each with its error (0, or the WSA code of why a connect
     * failed or a connection closed), and resets {@code hEventObject} when it is not NULL (NB-4).
     */
    public static int WSAEnumNetworkEvents(SOCKET s, HANDLE hEventObject, WSANETWORKEVENTS lpNetworkEvents) {
        SocketObject so = SocketApi.socket(s);
        if (so == null) {
            return SOCKET_ERROR;
        }
        if (lpNetworkEvents == null) {
            return SocketApi.fail(WSAEFAULT);
        }
        Event reset = HandleTable.resolve(hEventObject, Event.class);
        if (reset == null && hEventObject != null) {
            return SocketApi.fail(WSAEINVAL);
        }
        int[] statuses = new int[FD_MAX_EVENTS];
        lpNetworkEvents.lNetworkEvents = so.enumNetworkEvents(statuses, reset);
        for (int i = 0; i < FD_MAX_EVENTS; i++) {
            lpNetworkEvents.iErrorCode[i] = ErrorMapping.toWsa(statuses[i]);
        }
        return 0;
    }

    /**
     * SIO_GET_EXTENSION_FUNCTION_POINTER: {@code lpvInBuffer} is the GUID, {@code lpvOutBuffer} a
     * {@link ExtensionFunctions.FunctionByReference}; 8 bytes are reported (EXT-1); an unknown GUID is WSAEINVAL.
     * SIO_UDP_CONNRESET is accepted with either value (DGRAM-7). Other codes: WSAEINVAL.
     */
    public static int WSAIoctl(SOCKET s, int dwIoControlCode, Object lpvInBuffer, int cbInBuffer, Object lpvOutBuffer,
                               int cbOutBuffer, DWORDByReference lpcbBytesReturned, OVERLAPPED lpOverlapped,
                               LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
        if (SocketApi.socket(s) == null) {
            return SOCKET_ERROR;
        }
        switch (dwIoControlCode) {
            case SIO_GET_EXTENSION_FUNCTION_POINTER -> {
                if (!(lpvInBuffer instanceof GUID guid) || !(lpvOutBuffer instanceof ExtensionFunctions.FunctionByReference out)
                        || cbOutBuffer < 8) {
                    return SocketApi.fail(WSAEFAULT);
                }
                Object fn = ExtensionFunctions.lookup(guid);
                if (fn == null) {
                    return SocketApi.fail(WSAEINVAL);
                }
                out.value = fn;
                if (lpcbBytesReturned != null) {
                    lpcbBytesReturned.value = 8;
                }
                return 0;
            }
            case SIO_UDP_CONNRESET -> {
                if (lpcbBytesReturned != null) {
                    lpcbBytesReturned.value = 0;
                }
                return 0;
            }
            default -> {
                return SocketApi.fail(WSAEINVAL);
            }
        }
    }

    // ---- select (NB-2, NB-4) ----

    /** The C macro: empties the set. */
    public static void FD_ZERO(fd_set set) {
        set.fd_count = 0;
    }

    /** The C macro: adds {@code s} unless present or the set is full (FD_SETSIZE). */
    public static void FD_SET(SOCKET s, fd_set set) {
        if (!FD_ISSET(s, set) && set.fd_count < FD_SETSIZE) {
            set.fd_array[set.fd_count++] = s;
        }
    }

    /** The C macro: removes {@code s}, keeping the order of the others. */
    public static void FD_CLR(SOCKET s, fd_set set) {
        for (int i = 0; i < set.fd_count; i++) {
            if (java.util.Objects.equals(set.fd_array[i], s)) {
                System.arraycopy(set.fd_array, i + 1, set.fd_array, i, set.fd_count - i - 1);
                set.fd_array[--set.fd_count] = null;
                return;
            }
        }
    }

    /** The C macro (__WSAFDIsSet): whether {@code s} is in the set. */
    public static boolean FD_ISSET(SOCKET s, fd_set set) {
        for (int i = 0; i < set.fd_count; i++) {
            if (java.util.Objects.equals(set.fd_array[i], s)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits until a socket of {@code readfds} is readable (data, a pending connection, a close or reset), one of
     * {@code writefds} writable (connected with room to send, or its non-blocking connect succeeded) or one of
     * {@code exceptfds} exceptional (its non-blocking connect failed, or OOB data), or the timeout passes (NULL:
     * forever). Each set is reduced to its ready sockets; returns how many entries remain in all three, 0 on
     * timeout. {@code nfds} is ignored, as on Windows. No set or only empty sets: WSAEINVAL; a handle that is not
     * a socket: WSAENOTSOCK. It does not consume WSAEventSelect's records (NB-4).
     */
    public static int select(int nfds, fd_set readfds, fd_set writefds, fd_set exceptfds, timeval timeout) {
        fd_set[] sets = {readfds, writefds, exceptfds};
        int total = 0;
        for (fd_set set : sets) {
            if (set != null && (set.fd_count < 0 || set.fd_count > FD_SETSIZE)) {
                return SocketApi.fail(WSAEINVAL);
            }
            total += set == null ? 0 : set.fd_count;
        }
        if (total == 0 || timeout != null && (timeout.tv_sec < 0 || timeout.tv_usec < 0)) {
            return SocketApi.fail(WSAEINVAL);
        }
        SocketObject[] sockets = new SocketObject[total];
        int[] asked = new int[total];
        int[] ready = new int[total];
        int n = 0;
        for (int k = 0; k < sets.length; k++) {
            for (int i = 0; sets[k] != null && i < sets[k].fd_count; i++, n++) {
                sockets[n] = SocketApi.socket(sets[k].fd_array[i]);
                if (sockets[n] == null) {
                    return SOCKET_ERROR;
                }
                asked[n] = 1 << k;  // READ, WRITE, EXCEPT in the order of the sets
            }
        }
        long timeoutNanos = timeout == null ? -1
                : timeout.tv_sec * 1_000_000_000L + timeout.tv_usec * 1_000L;
        int count = Readiness.await(sockets, asked, ready, timeoutNanos);
        if (count < 0) {
            return SocketApi.failErrno(count);
        }
        n = 0;
        for (fd_set set : sets) {
            if (set == null) {
                continue;
            }
            int kept = 0;
            for (int i = 0; i < set.fd_count; i++, n++) {
                if (ready[n] != 0) {
                    set.fd_array[kept++] = set.fd_array[i];
                }
            }
            java.util.Arrays.fill(set.fd_array, kept, set.fd_count, null);
            set.fd_count = kept;
        }
        return count;
    }

    // ---- synchronous data transfer (no packets, CORE-7) ----

    /** Blocking (or, with FIONBIO, WSAEWOULDBLOCK) receive; 0 bytes means the peer closed gracefully. */
    public static int recv(SOCKET s, MemorySegment buf, int len, int flags) {
        SocketObject so = SocketApi.socket(s);
        if (so == null) {
            return SOCKET_ERROR;
        }
        if (buf == null || !buf.isNative() || len < 0 || len > buf.byteSize()) {
            return SocketApi.fail(WSAEFAULT);
        }
        int refusal = so.receiveRefusal();
        if (refusal != NtStatus.STATUS_SUCCESS) {
            return SocketApi.fail(ErrorMapping.toWsa(refusal));
        }
        int linuxFlags = SocketApi.receiveFlags(flags, so.isStream());
        if (linuxFlags < 0) {
            return SocketApi.fail(WSAEOPNOTSUPP);
        }
        long r = so.receiveNow(buf, len, linuxFlags);
        return r < 0 ? SocketApi.failErrno((int) r) : (int) r;
    }

    /** Blocking send of everything (or, with FIONBIO, what fits now / WSAEWOULDBLOCK). */
    public static int send(SOCKET s, MemorySegment buf, int len, int flags) {
        SocketObject so = SocketApi.socket(s);
        if (so == null) {
            return SOCKET_ERROR;
        }
        if (buf == null || !buf.isNative() || len < 0 || len > buf.byteSize()) {
            return SocketApi.fail(WSAEFAULT);
        }
        int refusal = so.sendRefusal(false);
        if (refusal != NtStatus.STATUS_SUCCESS) {
            return SocketApi.fail(ErrorMapping.toWsa(refusal));
        }
        long r = so.sendNow(buf, len, SocketApi.sendFlags(flags));
        return r < 0 ? SocketApi.failErrno((int) r) : (int) r;
    }

    // ---- overlapped data transfer ----

    /**
     * Overlapped (or, with a NULL OVERLAPPED, blocking) scatter receive (RECV-1..10, SOCK-2..6). {@code lpFlags} is
     * in/out and required (WSAEFAULT). Receives on one socket complete in issue order, each taking the next bytes.
     */
    public static int WSARecv(SOCKET s, WSABUF[] lpBuffers, int dwBufferCount, DWORDByReference lpNumberOfBytesRecvd,
                              DWORDByReference lpFlags, OVERLAPPED lpOverlapped,
                              LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
        return WSARecvFrom(s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags, null, null, lpOverlapped,
                lpCompletionRoutine);
    }

    /**
     * WSARecv plus the sender's address for datagrams, written at completion (DGRAM-1); ignored on streams. A
     * datagram larger than the buffers completes with WSAEMSGSIZE / ERROR_MORE_DATA and the first part (DGRAM-2).
     * An unbound UDP socket fails with WSAEINVAL instead of waiting forever (DGRAM-5).
     */
    public static int WSARecvFrom(SOCKET s, WSABUF[] lpBuffers, int dwBufferCount,
                                  DWORDByReference lpNumberOfBytesRecvd, DWORDByReference lpFlags, sockaddr lpFrom,
                                  INTByReference lpFromlen, OVERLAPPED lpOverlapped,
                                  LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
        SocketObject so = SocketApi.beginTransfer(s, lpBuffers, dwBufferCount, lpOverlapped);
        if (so == null) {
            return SOCKET_ERROR;
        }
        if (lpFlags == null) {
            return SocketApi.fail(WSAEFAULT);
        }
        boolean wantsAddress = lpFrom != null && !so.isStream();
        if (wantsAddress && (lpFromlen == null || lpFromlen.value < SockaddrCodec.windowsSize(
                SockaddrCodec.windowsFamily(so.family())))) {
            return SocketApi.fail(WSAEFAULT);
        }
        int refusal = so.receiveRefusal();
        if (refusal != NtStatus.STATUS_SUCCESS) {
            return SocketApi.fail(ErrorMapping.toWsa(refusal));
        }
        int linuxFlags = SocketApi.receiveFlags(lpFlags.value, so.isStream());
        if (linuxFlags < 0) {
            return SocketApi.fail(WSAEOPNOTSUPP);
        }
        if (lpOverlapped == null) {
            return Blocking.receive(so, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags, linuxFlags, lpFrom,
                    lpFromlen);
        }
        Receive op = Notifications.operation(lpOverlapped, SocketApi.routine(lpCompletionRoutine), Receive.class,
                Receive::new);
        if (op == null) {
            return SOCKET_ERROR;
        }
        SocketApi.giveBuffers(op, lpBuffers, dwBufferCount);
        op.start(so, linuxFlags, wantsAddress ? (linux, length) -> lpFromlen.value = SockaddrCodec.fill(linux, length,
                lpFrom) : null);
        return SocketApi.fail(WSA_IO_PENDING);
    }

    /**
     * Overlapped (or blocking) gather send. A stream send completes only when every byte is sent (SEND-2); sends on
     * one socket go out in issue order, never interleaved (SOCK-2).
     */
    public static int WSASend(SOCKET s, WSABUF[] lpBuffers, int dwBufferCount, DWORDByReference lpNumberOfBytesSent,
                              int dwFlags, OVERLAPPED lpOverlapped,
                              LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
        return WSASendTo(s, lpBuffers, dwBufferCount, lpNumberOfBytesSent, dwFlags, null, 0, lpOverlapped,
                lpCompletionRoutine);
    }

    /**
     * WSASend to an address (datagrams; ignored on a connected stream, DGRAM-6). A datagram over 65507 bytes fails
     * with WSAEMSGSIZE at once. An unbound UDP socket is bound implicitly.
     */
    public static int WSASendTo(SOCKET s, WSABUF[] lpBuffers, int dwBufferCount, DWORDByReference lpNumberOfBytesSent,
                                int dwFlags, sockaddr lpTo, int iTolen, OVERLAPPED lpOverlapped,
                                LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
        SocketObject so = SocketApi.beginTransfer(s, lpBuffers, dwBufferCount, lpOverlapped);
        if (so == null) {
            return SOCKET_ERROR;
        }
        boolean addressed = lpTo != null && !so.isStream();
        int refusal = so.sendRefusal(addressed);
        if (refusal != NtStatus.STATUS_SUCCESS) {
            return SocketApi.fail(ErrorMapping.toWsa(refusal));
        }
        long total = 0;
        for (int i = 0; i < dwBufferCount; i++) {
            total += lpBuffers[i].len & 0xFFFF_FFFFL;
        }
        if (!so.isStream() && total > 65507) {
            return SocketApi.fail(WSAEMSGSIZE);
        }
        MemorySegment to = null;
        int toLength = 0;
        if (addressed) {
            to = SocketApi.scratch();
            toLength = SockaddrCodec.toLinux(lpTo, iTolen, to);
            if (toLength < 0) {
                return SocketApi.fail(WSAEFAULT);
            }
            so.markBound();
        }
        int linuxFlags = SocketApi.sendFlags(dwFlags);
        if (lpOverlapped == null) {
            return Blocking.send(so, lpBuffers, dwBufferCount, lpNumberOfBytesSent, linuxFlags, to, toLength);
        }
        Send op = Notifications.operation(lpOverlapped, SocketApi.routine(lpCompletionRoutine), Send.class,
                Send::new);
        if (op == null) {
            return SOCKET_ERROR;
        }
        SocketApi.giveBuffers(op, lpBuffers, dwBufferCount);
        if (to != null) {
            op.to(to, toLength);
        }
        op.start(so, linuxFlags);
        return SocketApi.fail(WSA_IO_PENDING);
    }

    /**
     * The result of an overlapped socket operation in the Winsock convention (GOR rules, ERR-1): TRUE with the
     * byte count and flags (OVL-8), FALSE with the WSA mapping of its status, or WSA_IO_INCOMPLETE while pending.
     */
    public static boolean WSAGetOverlappedResult(SOCKET s, OVERLAPPED lpOverlapped, DWORDByReference lpcbTransfer,
                                                 boolean fWait, DWORDByReference lpdwFlags) {
        if (SocketApi.socket(s) == null) {
            return false;
        }
        if (lpOverlapped == null) {
            return LastError.fail(WSA_INVALID_PARAMETER);  // GOR-3
        }
        if (lpOverlapped.Internal == NtStatus.STATUS_PENDING) {
            if (!fWait) {
                return LastError.fail(WSA_IO_INCOMPLETE);
            }
            Completions.awaitDone(lpOverlapped);
        }
        lpcbTransfer.value = (int) lpOverlapped.InternalHigh;
        if (lpdwFlags != null) {
            lpdwFlags.value = lpOverlapped.operation instanceof Receive r ? r.resultFlags() : 0;
        }
        int status = (int) lpOverlapped.Internal;
        return status >= 0 || LastError.fail(ErrorMapping.toWsa(status));
    }
}
