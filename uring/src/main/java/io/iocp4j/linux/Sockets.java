package io.iocp4j.linux;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The socket calls, with Linux's (x86_64) numbers: each returns {@code >= 0} or {@code -errno}. Calls that can
 * block are made only by threads that asked for blocking behaviour; overlapped I/O goes through io_uring.
 */
public final class Sockets {
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int O_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_TYPE = 3;
    public static final int SO_ERROR = 4;
    public static final int SO_BROADCAST = 6;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_LINGER = 13;
    public static final int SO_ACCEPTCONN = 30;
    public static final int IPPROTO_TCP = 6;
    public static final int TCP_NODELAY = 1;
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;
    public static final int MSG_OOB = 0x1;
    public static final int MSG_PEEK = 0x2;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_WAITALL = 0x100;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final short POLLIN = 0x1;
    public static final short POLLPRI = 0x2;
    public static final short POLLOUT = 0x4;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    /** The peer shut its sending side; io_uring polls always report it, asked for or not. */
    public static final short POLLRDHUP = 0x2000;
    /** ioctl request: bytes waiting in the receive queue. */
    private static final long FIONREAD = 0x541B;
    private static final long SYS_IOCTL = 16;
    private static final long SYS_SOCKET = 41;
    private static final long SYS_SHUTDOWN = 48;
    private static final long SYS_LISTEN = 50;
    private static final long SYS_GETSOCKOPT = 55;
    private static final long SYS_DUP3 = 292;

    private Sockets() {
    }

    public static int socket(int domain, int type, int protocol) {
        return (int) Syscalls.syscall(SYS_SOCKET, domain, type, protocol, 0, 0, 0);
    }

    public static int bind(int fd, MemorySegment addr, int len) {
        try {
            MemorySegment st = Native.state();
            return Native.result((int) AddressIn.BIND.invokeExact(st, fd, addr, len), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static int listen(int fd, int backlog) {
        return (int) Syscalls.syscall(SYS_LISTEN, fd, backlog, 0, 0, 0, 0);
    }

    /** accept4(2); {@code addr}/{@code lenPtr} may be NULL segments. Blocks on a blocking listener. */
    public static int accept4(int fd, MemorySegment addr, MemorySegment lenPtr, int flags) {
        try {
            MemorySegment st = Native.state();
            return Native.result((int) Accept4.HANDLE.invokeExact(st, fd, addr, lenPtr, flags), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static int connect(int fd, MemorySegment addr, int len) {
        try {
            MemorySegment st = Native.state();
            return Native.result((int) AddressIn.CONNECT.invokeExact(st, fd, addr, len), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static int shutdown(int fd, int how) {
        return (int) Syscalls.syscall(SYS_SHUTDOWN, fd, how, 0, 0, 0, 0);
    }

    /** getsockname(2): {@code lenPtr} holds the buffer size in, the address size out. */
    public static int getsockname(int fd, MemorySegment addr, MemorySegment lenPtr) {
        try {
            MemorySegment st = Native.state();
            return Native.result((int) AddressOut.GETSOCKNAME.invokeExact(st, fd, addr, lenPtr), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static int getpeername(int fd, MemorySegment addr, MemorySegment lenPtr) {
        try {
            MemorySegment st = Native.state();
            return Native.result((int) AddressOut.GETPEERNAME.invokeExact(st, fd, addr, lenPtr), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static int setsockopt(int fd, int level, int name, MemorySegment value, int len) {
        try {
            MemorySegment st = Native.state();
            return Native.result((int) Setsockopt.HANDLE.invokeExact(st, fd, level, name, value, len), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** setsockopt with an int value. */
    public static int setIntOption(int fd, int level, int name, int value) {
        MemorySegment v = Scratch.get(8);
        v.set(JAVA_INT, 0, value);
        return setsockopt(fd, level, name, v, 4);
    }

    /** getsockopt of an int option: the value (>= 0) or -errno. */
    public static int getIntOption(int fd, int level, int name) {
        MemorySegment v = Scratch.get(8);
        v.set(JAVA_INT, 4, 4);
        int r = (int) Syscalls.syscall(SYS_GETSOCKOPT, fd, level, name, v.address(), v.address() + 4, 0);
        return r < 0 ? r : v.get(JAVA_INT, 0);
    }

    /** SO_LINGER: {@code struct linger { int l_onoff; int l_linger; }}. */
    public static int setLinger(int fd, boolean on, int seconds) {
        MemorySegment v = Scratch.get(8);
        v.set(JAVA_INT, 0, on ? 1 : 0);
        v.set(JAVA_INT, 4, seconds);
        return setsockopt(fd, SOL_SOCKET, SO_LINGER, v, 8);
    }

    public static long recv(int fd, MemorySegment buf, long len, int flags) {
        try {
            MemorySegment st = Native.state();
            return Native.result((long) Transfer.RECV.invokeExact(st, fd, buf, len, flags), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static long send(int fd, MemorySegment buf, long len, int flags) {
        try {
            MemorySegment st = Native.state();
            return Native.result((long) Transfer.SEND.invokeExact(st, fd, buf, len, flags), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static int dup3(int oldFd, int newFd, int flags) {
        return (int) Syscalls.syscall(SYS_DUP3, oldFd, newFd, flags, 0, 0, 0);
    }

    /** Size of struct pollfd: {@code int fd; short events; short revents;}. */
    public static final int POLLFD_SIZE = 8;

    /** poll(2) on one fd: the returned events (0 on timeout) or -errno. */
    public static int poll(int fd, short events, int timeoutMillis) {
        MemorySegment p = Scratch.get(POLLFD_SIZE);
        setPollFd(p, 0, fd, events);
        int r = poll(p, 1, timeoutMillis);
        return r <= 0 ? r : revents(p, 0);
    }

    /** poll(2) on {@code count} pollfds: how many have events (0 on timeout), or -errno (EINTR included). */
    public static int poll(MemorySegment pollfds, int count, int timeoutMillis) {
        try {
            MemorySegment st = Native.state();
            return Native.result((int) Poll.HANDLE.invokeExact(st, pollfds, (long) count, timeoutMillis), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** Fills pollfd {@code index}; a negative fd is skipped by poll(2). */
    public static void setPollFd(MemorySegment pollfds, int index, int fd, short events) {
        long at = (long) index * POLLFD_SIZE;
        pollfds.set(JAVA_INT, at, fd);
        pollfds.set(JAVA_SHORT, at + 4, events);
        pollfds.set(JAVA_SHORT, at + 6, (short) 0);
    }

    public static int revents(MemorySegment pollfds, int index) {
        return pollfds.get(JAVA_SHORT, (long) index * POLLFD_SIZE + 6) & 0xFFFF;
    }

    /** FIONREAD: bytes that can be read now, or -errno. */
    public static int bytesReadable(int fd) {
        MemorySegment v = Scratch.get(8);
        int r = (int) Syscalls.syscall(SYS_IOCTL, fd, FIONREAD, v.address(), 0, 0, 0);
        return r < 0 ? r : v.get(JAVA_INT, 0);
    }

    // Calls that pass a caller's segment have handles of their own (the others go through Syscalls.syscall, see
    // there), linked when their holder class is first used; calls of one signature share a holder, since the
    // second handle of a signature costs under 1 ms (see Native on what linking costs).

    /** bind and connect: (fd, const struct sockaddr *, socklen_t). */
    private static final class AddressIn {
        static final FunctionDescriptor SIGNATURE = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
        static final MethodHandle BIND = Native.errnoCall("bind", SIGNATURE);
        static final MethodHandle CONNECT = Native.errnoCall("connect", SIGNATURE);
    }

    /** getsockname and getpeername: (fd, struct sockaddr *, socklen_t *). */
    private static final class AddressOut {
        static final FunctionDescriptor SIGNATURE = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
        static final MethodHandle GETSOCKNAME = Native.errnoCall("getsockname", SIGNATURE);
        static final MethodHandle GETPEERNAME = Native.errnoCall("getpeername", SIGNATURE);
    }

    /** recv and send: (fd, buffer, length, flags). */
    private static final class Transfer {
        static final FunctionDescriptor SIGNATURE = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG,
                JAVA_INT);
        static final MethodHandle RECV = Native.errnoCall("recv", SIGNATURE);
        static final MethodHandle SEND = Native.errnoCall("send", SIGNATURE);
    }

    private static final class Accept4 {
        static final MethodHandle HANDLE = Native.errnoCall("accept4",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    }

    private static final class Setsockopt {
        static final MethodHandle HANDLE = Native.errnoCall("setsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static final class Poll {
        static final MethodHandle HANDLE = Native.errnoCall("poll",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }
}
