package io.iocp4j.uring;

/** Flag words of the io_uring ABI (include/uapi/linux/io_uring.h), grouped by where they go. */
public final class Flags {
    // io_uring_setup flags (io_uring_params.flags)
    public static final int IORING_SETUP_CQSIZE = 1 << 3;          // 5.5
    public static final int IORING_SETUP_CLAMP = 1 << 4;           // 5.6
    public static final int IORING_SETUP_SUBMIT_ALL = 1 << 7;      // 5.18
    public static final int IORING_SETUP_COOP_TASKRUN = 1 << 8;    // 5.19
    public static final int IORING_SETUP_TASKRUN_FLAG = 1 << 9;    // 5.19
    public static final int IORING_SETUP_R_DISABLED = 1 << 6;      // 5.10
    public static final int IORING_SETUP_SINGLE_ISSUER = 1 << 12;  // 6.0
    public static final int IORING_SETUP_DEFER_TASKRUN = 1 << 13;  // 6.1

    // io_uring_enter flags
    public static final int IORING_ENTER_GETEVENTS = 1;
    public static final int IORING_ENTER_EXT_ARG = 1 << 3;         // 5.11

    // SQ ring flags (read from the ring)
    public static final int IORING_SQ_NEED_WAKEUP = 1;
    public static final int IORING_SQ_CQ_OVERFLOW = 1 << 1;
    public static final int IORING_SQ_TASKRUN = 1 << 2;

    // SQE flags (sqe->flags)
    public static final int IOSQE_FIXED_FILE = 1;
    public static final int IOSQE_IO_DRAIN = 1 << 1;
    public static final int IOSQE_IO_LINK = 1 << 2;
    public static final int IOSQE_IO_HARDLINK = 1 << 3;
    public static final int IOSQE_ASYNC = 1 << 4;
    public static final int IOSQE_BUFFER_SELECT = 1 << 5;
    public static final int IOSQE_CQE_SKIP_SUCCESS = 1 << 6;

    // sqe->len of IORING_OP_POLL_ADD
    public static final int IORING_POLL_ADD_MULTI = 1;            // 5.13

    // sqe->ioprio of IORING_OP_RECV / RECVMSG
    public static final int IORING_RECV_MULTISHOT = 1 << 1;       // 6.0: one request, a CQE per arrival

    // cqe->flags
    public static final int IORING_CQE_F_BUFFER = 1;              // the upper 16 bits name the provided buffer used
    public static final int IORING_CQE_F_MORE = 1 << 1;           // more CQEs will follow for this request
    public static final int IORING_CQE_F_SOCK_NONEMPTY = 1 << 2;  // the socket had more data after this receive
    public static final int IORING_CQE_BUFFER_SHIFT = 16;

    // sqe->cancel_flags
    public static final int IORING_ASYNC_CANCEL_ALL = 1;
    public static final int IORING_ASYNC_CANCEL_FD = 1 << 1;
    public static final int IORING_ASYNC_CANCEL_ANY = 1 << 2;

    // io_uring_register opcodes
    public static final int IORING_REGISTER_PROBE = 8;
    public static final int IORING_REGISTER_ENABLE_RINGS = 12;    // 5.10
    public static final int IORING_REGISTER_BUFFERS2 = 15;        // 5.13
    public static final int IORING_REGISTER_BUFFERS_UPDATE = 16;  // 5.13
    public static final int IORING_REGISTER_PBUF_RING = 22;       // 5.19
    public static final int IORING_UNREGISTER_PBUF_RING = 23;     // 5.19
    /** io_uring_rsrc_register.flags: a table of empty slots, filled later by updates (5.19). */
    public static final int IORING_RSRC_REGISTER_SPARSE = 1;

    private Flags() {
    }
}
