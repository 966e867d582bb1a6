package io.iocp4j.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct msghdr} (include/linux/socket.h, user view), x86_64:
 * <pre>
 * struct msghdr {
 *     void         *msg_name;        //  0
 *     socklen_t     msg_namelen;     //  8
 *     struct iovec *msg_iov;         // 16
 *     size_t        msg_iovlen;      // 24
 *     void         *msg_control;     // 32
 *     size_t        msg_controllen;  // 40
 *     int           msg_flags;       // 48
 * };                                 // 56 bytes
 * </pre>
 */
public final class MsgHdr {
    public static final long SIZE = 56;
    private static final long NAME = 0;
    private static final long NAMELEN = 8;
    private static final long IOV = 16;
    private static final long IOVLEN = 24;
    private static final long CONTROL = 32;
    private static final long CONTROLLEN = 40;
    private static final long FLAGS = 48;

    private MsgHdr() {
    }

    /** Fills a msghdr for recvmsg/sendmsg; {@code name} may be 0 (no address). */
    public static void set(MemorySegment h, long name, int nameLen, long iov, long iovLen) {
        h.set(ValueLayout.JAVA_LONG, NAME, name);
        h.set(ValueLayout.JAVA_INT, NAMELEN, nameLen);
        h.set(ValueLayout.JAVA_LONG, IOV, iov);
        h.set(ValueLayout.JAVA_LONG, IOVLEN, iovLen);
        h.set(ValueLayout.JAVA_LONG, CONTROL, 0L);
        h.set(ValueLayout.JAVA_LONG, CONTROLLEN, 0L);
        h.set(ValueLayout.JAVA_INT, FLAGS, 0);
    }

    public static int nameLen(MemorySegment h) {
        return h.get(ValueLayout.JAVA_INT, NAMELEN);
    }

    /** The flags recvmsg returned (MSG_TRUNC...). */
    public static int flags(MemorySegment h) {
        return h.get(ValueLayout.JAVA_INT, FLAGS);
    }
}
