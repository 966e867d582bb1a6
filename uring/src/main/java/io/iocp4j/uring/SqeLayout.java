package io.iocp4j.uring;

/**
 * {@code struct io_uring_sqe} (include/uapi/linux/io_uring.h), 64 bytes; the unions are named by the member this
 * engine uses:
 * <pre>
 *  0 __u8  opcode;       1 __u8 flags;      2 __u16 ioprio;     4 __s32 fd;
 *  8 __u64 off | addr2;                     16 __u64 addr | splice_off_in;
 * 24 __u32 len;         28 __u32 rw_flags | msg_flags | poll32_events | accept_flags | cancel_flags | timeout_flags ...
 * 32 __u64 user_data;   40 __u16 buf_index; 42 __u16 personality; 44 __s32 splice_fd_in | file_index;
 * 48 __u64 addr3;       56 __u64 __pad2[1];
 * </pre>
 */
final class SqeLayout {
    static final long SIZE = 64;
    static final long OPCODE = 0;
    static final long FLAGS = 1;
    static final long IOPRIO = 2;
    static final long FD = 4;
    static final long OFF = 8;
    static final long ADDR = 16;
    static final long LEN = 24;
    static final long OP_FLAGS = 28;
    static final long USER_DATA = 32;
    static final long BUF_INDEX = 40;
    static final long FILE_INDEX = 44;

    private SqeLayout() {
    }
}
