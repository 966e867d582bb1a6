package io.iocp4j.uring;

/** {@code enum io_uring_op} (include/uapi/linux/io_uring.h); the kernel version that added each is noted. */
public final class Opcodes {
    public static final int IORING_OP_NOP = 0;            // 5.1
    public static final int IORING_OP_READV = 1;          // 5.1
    public static final int IORING_OP_WRITEV = 2;         // 5.1
    public static final int IORING_OP_FSYNC = 3;          // 5.1
    public static final int IORING_OP_READ_FIXED = 4;     // 5.1
    public static final int IORING_OP_WRITE_FIXED = 5;    // 5.1
    public static final int IORING_OP_POLL_ADD = 6;       // 5.1
    public static final int IORING_OP_POLL_REMOVE = 7;    // 5.1
    public static final int IORING_OP_SYNC_FILE_RANGE = 8;
    public static final int IORING_OP_SENDMSG = 9;        // 5.3
    public static final int IORING_OP_RECVMSG = 10;       // 5.3
    public static final int IORING_OP_TIMEOUT = 11;       // 5.4
    public static final int IORING_OP_TIMEOUT_REMOVE = 12;
    public static final int IORING_OP_ACCEPT = 13;        // 5.5
    public static final int IORING_OP_ASYNC_CANCEL = 14;  // 5.5
    public static final int IORING_OP_LINK_TIMEOUT = 15;  // 5.5
    public static final int IORING_OP_CONNECT = 16;       // 5.5
    public static final int IORING_OP_FALLOCATE = 17;     // 5.6
    public static final int IORING_OP_OPENAT = 18;
    public static final int IORING_OP_CLOSE = 19;
    public static final int IORING_OP_FILES_UPDATE = 20;
    public static final int IORING_OP_STATX = 21;
    public static final int IORING_OP_READ = 22;          // 5.6
    public static final int IORING_OP_WRITE = 23;         // 5.6
    public static final int IORING_OP_FADVISE = 24;
    public static final int IORING_OP_MADVISE = 25;
    public static final int IORING_OP_SEND = 26;          // 5.6
    public static final int IORING_OP_RECV = 27;          // 5.6
    public static final int IORING_OP_OPENAT2 = 28;
    public static final int IORING_OP_EPOLL_CTL = 29;
    public static final int IORING_OP_SPLICE = 30;        // 5.7
    public static final int IORING_OP_PROVIDE_BUFFERS = 31;
    public static final int IORING_OP_REMOVE_BUFFERS = 32;
    public static final int IORING_OP_TEE = 33;
    public static final int IORING_OP_SHUTDOWN = 34;      // 5.11
    public static final int IORING_OP_RENAMEAT = 35;
    public static final int IORING_OP_UNLINKAT = 36;
    public static final int IORING_OP_MKDIRAT = 37;
    public static final int IORING_OP_SYMLINKAT = 38;
    public static final int IORING_OP_LINKAT = 39;
    public static final int IORING_OP_MSG_RING = 40;      // 5.18
    public static final int IORING_OP_FSETXATTR = 41;
    public static final int IORING_OP_SETXATTR = 42;
    public static final int IORING_OP_FGETXATTR = 43;
    public static final int IORING_OP_GETXATTR = 44;
    public static final int IORING_OP_SOCKET = 45;        // 5.19
    public static final int IORING_OP_URING_CMD = 46;
    public static final int IORING_OP_SEND_ZC = 47;       // 6.0
    public static final int IORING_OP_SENDMSG_ZC = 48;    // 6.1
    public static final int IORING_OP_READ_MULTISHOT = 49;
    public static final int IORING_OP_WAITID = 50;
    public static final int IORING_OP_FUTEX_WAIT = 51;
    public static final int IORING_OP_FUTEX_WAKE = 52;
    public static final int IORING_OP_FUTEX_WAITV = 53;
    public static final int IORING_OP_FIXED_FD_INSTALL = 54;
    public static final int IORING_OP_FTRUNCATE = 55;
    public static final int IORING_OP_BIND = 56;
    public static final int IORING_OP_LISTEN = 57;
    public static final int IORING_OP_RECV_ZC = 58;
    public static final int IORING_OP_EPOLL_WAIT = 59;
    public static final int IORING_OP_READV_FIXED = 60;
    public static final int IORING_OP_WRITEV_FIXED = 61;
    public static final int IORING_OP_PIPE = 62;

    private static final String[] NAMES = {
        "NOP", "READV", "WRITEV", "FSYNC", "READ_FIXED", "WRITE_FIXED", "POLL_ADD", "POLL_REMOVE",
        "SYNC_FILE_RANGE", "SENDMSG", "RECVMSG", "TIMEOUT", "TIMEOUT_REMOVE", "ACCEPT", "ASYNC_CANCEL",
        "LINK_TIMEOUT", "CONNECT", "FALLOCATE", "OPENAT", "CLOSE", "FILES_UPDATE", "STATX", "READ", "WRITE",
        "FADVISE", "MADVISE", "SEND", "RECV", "OPENAT2", "EPOLL_CTL", "SPLICE", "PROVIDE_BUFFERS",
        "REMOVE_BUFFERS", "TEE", "SHUTDOWN", "RENAMEAT", "UNLINKAT", "MKDIRAT", "SYMLINKAT", "LINKAT", "MSG_RING",
        "FSETXATTR", "SETXATTR", "FGETXATTR", "GETXATTR", "SOCKET", "URING_CMD", "SEND_ZC", "SENDMSG_ZC",
        "READ_MULTISHOT", "WAITID", "FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_WAITV", "FIXED_FD_INSTALL", "FTRUNCATE",
        "BIND", "LISTEN", "RECV_ZC", "EPOLL_WAIT", "READV_FIXED", "WRITEV_FIXED", "PIPE",
    };

    private Opcodes() {
    }

    /** "RECVMSG" for 10; "OP_n" for an opcode newer than this table. */
    public static String name(int opcode) {
        return opcode >= 0 && opcode < NAMES.length ? NAMES[opcode] : "OP_" + opcode;
    }
}
