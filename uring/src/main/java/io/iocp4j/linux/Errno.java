package io.iocp4j.linux;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** Linux errno values (x86_64, include/uapi/asm-generic/errno-base.h and errno.h), with names and messages. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ETXTBSY = 26;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int ESPIPE = 29;
    public static final int EROFS = 30;
    public static final int EPIPE = 32;
    public static final int ENOSYS = 38;
    public static final int ETIME = 62;
    public static final int ENOTSOCK = 88;
    public static final int EDESTADDRREQ = 89;
    public static final int EMSGSIZE = 90;
    public static final int EPROTOTYPE = 91;
    public static final int ENOPROTOOPT = 92;
    public static final int EPROTONOSUPPORT = 93;
    public static final int ESOCKTNOSUPPORT = 94;
    public static final int EOPNOTSUPP = 95;
    public static final int EPFNOSUPPORT = 96;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETDOWN = 100;
    public static final int ENETUNREACH = 101;
    public static final int ENETRESET = 102;
    public static final int ECONNABORTED = 103;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    public static final int EISCONN = 106;
    public static final int ENOTCONN = 107;
    public static final int ESHUTDOWN = 108;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTDOWN = 112;
    public static final int EHOSTUNREACH = 113;
    public static final int EALREADY = 114;
    public static final int EINPROGRESS = 115;
    public static final int EDQUOT = 122;
    public static final int ECANCELED = 125;

    private static final int MAX = 134;
    /** Names and messages are read once, so that failure paths never call native code. */
    private static final String[] NAMES = new String[MAX];
    private static final String[] MESSAGES = new String[MAX];

    static {
        for (java.lang.reflect.Field f : Errno.class.getFields()) {
            try {
                NAMES[f.getInt(null)] = f.getName();
            } catch (IllegalAccessException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
        MethodHandle strerror = Native.call("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        for (int i = 1; i < MAX; i++) {
            try {
                MemorySegment s = (MemorySegment) strerror.invokeExact(i);
                MESSAGES[i] = s.reinterpret(256).getString(0);
            } catch (Throwable t) {
                throw new ExceptionInInitializerError(t);
            }
        }
    }

    private Errno() {
    }

    /** "EPERM" for 1; "errno N" for a value without a constant here. */
    public static String name(int errno) {
        return errno > 0 && errno < MAX && NAMES[errno] != null ? NAMES[errno] : "errno " + errno;
    }

    /** strerror's text. */
    public static String message(int errno) {
        return errno > 0 && errno < MAX ? MESSAGES[errno] : "Unknown error " + errno;
    }

    /** "EPERM (Operation not permitted)". */
    public static String describe(int errno) {
        return name(errno) + " (" + message(errno) + ")";
    }
}
