package io.iocp4j.uring;

import java.lang.foreign.MemorySegment;

import static io.iocp4j.uring.Opcodes.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Writes one SQE at {@code (sqes, offset)}, as liburing's {@code io_uring_prep_*} do, one method per opcode; the
 * offset comes from {@link SubmissionQueue#next()}, which hands out a zeroed entry. Addresses are raw because the
 * kernel wants addresses: the caller keeps that memory alive until the operation's CQE has arrived.
 */
public final class Sqe {
    private Sqe() {
    }

    /** Mirrors liburing's {@code io_uring_prep_rw}: the fields every opcode shares. */
    private static void prepRw(MemorySegment sqes, long sqe, int op, int fd, long addr, int len, long off,
                               long userData) {
        sqes.set(JAVA_BYTE, sqe + SqeLayout.OPCODE, (byte) op);
        sqes.set(JAVA_INT, sqe + SqeLayout.FD, fd);
        sqes.set(JAVA_LONG, sqe + SqeLayout.OFF, off);
        sqes.set(JAVA_LONG, sqe + SqeLayout.ADDR, addr);
        sqes.set(JAVA_INT, sqe + SqeLayout.LEN, len);
        sqes.set(JAVA_LONG, sqe + SqeLayout.USER_DATA, userData);
    }

    private static void opFlags(MemorySegment sqes, long sqe, int flags) {
        sqes.set(JAVA_INT, sqe + SqeLayout.OP_FLAGS, flags);
    }

    /** IOSQE_* flags (link, drain, async...). */
    public static void setFlags(MemorySegment sqes, long sqe, int iosqeFlags) {
        sqes.set(JAVA_BYTE, sqe + SqeLayout.FLAGS, (byte) iosqeFlags);
    }

    public static void prepNop(MemorySegment sqes, long sqe, long userData) {
        prepRw(sqes, sqe, IORING_OP_NOP, -1, 0, 0, 0, userData);
    }

    /** read(2) at {@code offset} (-1: the file position). */
    public static void prepRead(MemorySegment sqes, long sqe, int fd, long buf, int len, long offset, long userData) {
        prepRw(sqes, sqe, IORING_OP_READ, fd, buf, len, offset, userData);
    }

    public static void prepWrite(MemorySegment sqes, long sqe, int fd, long buf, int len, long offset, long userData) {
        prepRw(sqes, sqe, IORING_OP_WRITE, fd, buf, len, offset, userData);
    }

    /**
     * read(2) into fixed buffer {@code bufIndex} ({@link IoUring#updateBuffer}); {@code buf..buf+len} must lie inside
     * it. The kernel skips pinning the pages, which it keeps pinned since registration.
     */
    public static void prepReadFixed(MemorySegment sqes, long sqe, int fd, long buf, int len, long offset, int bufIndex,
                                     long userData) {
        prepRw(sqes, sqe, IORING_OP_READ_FIXED, fd, buf, len, offset, userData);
        sqes.set(JAVA_SHORT, sqe + SqeLayout.BUF_INDEX, (short) bufIndex);
    }

    /** write(2) from fixed buffer {@code bufIndex}, with pwritev2 {@code RWF_*} flags; as {@link #prepReadFixed}. */
    public static void prepWriteFixed(MemorySegment sqes, long sqe, int fd, long buf, int len, long offset, int rwFlags,
                                      int bufIndex, long userData) {
        prepRw(sqes, sqe, IORING_OP_WRITE_FIXED, fd, buf, len, offset, userData);
        opFlags(sqes, sqe, rwFlags);
        sqes.set(JAVA_SHORT, sqe + SqeLayout.BUF_INDEX, (short) bufIndex);
    }

    /** pwritev2's RWF_APPEND: the write goes at the end of the file, atomically, whatever the offset. */
    public static final int RWF_APPEND = 0x10;

    /** A write with pwritev2 {@code RWF_*} flags (e.g. {@link #RWF_APPEND}). */
    public static void prepWrite(MemorySegment sqes, long sqe, int fd, long buf, int len, long offset, int rwFlags,
                                 long userData) {
        prepRw(sqes, sqe, IORING_OP_WRITE, fd, buf, len, offset, userData);
        opFlags(sqes, sqe, rwFlags);
    }

    public static void prepReadv(MemorySegment sqes, long sqe, int fd, long iovecs, int count, long offset,
                                 long userData) {
        prepRw(sqes, sqe, IORING_OP_READV, fd, iovecs, count, offset, userData);
    }

    public static void prepWritev(MemorySegment sqes, long sqe, int fd, long iovecs, int count, long offset,
                                  long userData) {
        prepRw(sqes, sqe, IORING_OP_WRITEV, fd, iovecs, count, offset, userData);
    }

    public static void prepSend(MemorySegment sqes, long sqe, int fd, long buf, int len, int msgFlags, long userData) {
        prepRw(sqes, sqe, IORING_OP_SEND, fd, buf, len, 0, userData);
        opFlags(sqes, sqe, msgFlags);
    }

    public static void prepRecv(MemorySegment sqes, long sqe, int fd, long buf, int len, int msgFlags, long userData) {
        prepRw(sqes, sqe, IORING_OP_RECV, fd, buf, len, 0, userData);
        opFlags(sqes, sqe, msgFlags);
    }

    /**
     * A multishot receive (Linux 6.0): one request that posts a CQE (with IORING_CQE_F_MORE while it stays armed)
     * each time data arrives, into a buffer the kernel picks from provided-buffer group {@code group}
     * ({@link BufferRing}); the CQE names it (IORING_CQE_F_BUFFER, id in the upper 16 bits of the flags).
     */
    public static void prepRecvMultishot(MemorySegment sqes, long sqe, int fd, int group, int msgFlags, long userData) {
        prepRw(sqes, sqe, IORING_OP_RECV, fd, 0, 0, 0, userData);
        opFlags(sqes, sqe, msgFlags);
        sqes.set(JAVA_SHORT, sqe + SqeLayout.IOPRIO, (short) Flags.IORING_RECV_MULTISHOT);
        sqes.set(JAVA_BYTE, sqe + SqeLayout.FLAGS, (byte) Flags.IOSQE_BUFFER_SELECT);
        sqes.set(JAVA_SHORT, sqe + SqeLayout.BUF_INDEX, (short) group);  // buf_group shares buf_index's place
    }

    public static void prepSendmsg(MemorySegment sqes, long sqe, int fd, long msghdr, int msgFlags, long userData) {
        prepRw(sqes, sqe, IORING_OP_SENDMSG, fd, msghdr, 1, 0, userData);
        opFlags(sqes, sqe, msgFlags);
    }

    public static void prepRecvmsg(MemorySegment sqes, long sqe, int fd, long msghdr, int msgFlags, long userData) {
        prepRw(sqes, sqe, IORING_OP_RECVMSG, fd, msghdr, 1, 0, userData);
        opFlags(sqes, sqe, msgFlags);
    }

    /** accept4(2): {@code addr}/{@code addrLen} may be 0; the new fd is the CQE's result. */
    public static void prepAccept(MemorySegment sqes, long sqe, int fd, long addr, long addrLen, int flags,
                                  long userData) {
        prepRw(sqes, sqe, IORING_OP_ACCEPT, fd, addr, 0, addrLen, userData);
        opFlags(sqes, sqe, flags);
    }

    public static void prepConnect(MemorySegment sqes, long sqe, int fd, long addr, int addrLen, long userData) {
        prepRw(sqes, sqe, IORING_OP_CONNECT, fd, addr, 0, addrLen, userData);
    }

    /** A one-shot poll; the CQE's result is the events that fired. */
    public static void prepPollAdd(MemorySegment sqes, long sqe, int fd, int pollMask, long userData) {
        prepRw(sqes, sqe, IORING_OP_POLL_ADD, fd, 0, 0, 0, userData);
        opFlags(sqes, sqe, pollMask);
    }

    /**
     * A multishot poll (5.13+): a CQE flagged IORING_CQE_F_MORE for each wake-up that matches {@code pollMask}, so it
     * reports changes, not states: what a one-shot poll cannot do once a condition stays true (a peer's FIN).
     */
    public static void prepPollMultishot(MemorySegment sqes, long sqe, int fd, int pollMask, long userData) {
        prepRw(sqes, sqe, IORING_OP_POLL_ADD, fd, 0, Flags.IORING_POLL_ADD_MULTI, 0, userData);
        opFlags(sqes, sqe, pollMask);
    }

    /** Cancels the request whose user_data is {@code target}; IORING_ASYNC_CANCEL_* in {@code flags}. */
    public static void prepCancel(MemorySegment sqes, long sqe, long target, int flags, long userData) {
        prepRw(sqes, sqe, IORING_OP_ASYNC_CANCEL, -1, target, 0, 0, userData);
        opFlags(sqes, sqe, flags);
    }

    /** Cancels requests on {@code fd} (all of them with IORING_ASYNC_CANCEL_ALL). */
    public static void prepCancelFd(MemorySegment sqes, long sqe, int fd, int flags, long userData) {
        prepRw(sqes, sqe, IORING_OP_ASYNC_CANCEL, fd, 0, 0, 0, userData);
        opFlags(sqes, sqe, flags | Flags.IORING_ASYNC_CANCEL_FD);
    }

    /** A timeout of the {@code __kernel_timespec} at {@code timespec}, or after {@code count} completions. */
    public static void prepTimeout(MemorySegment sqes, long sqe, long timespec, int count, int flags, long userData) {
        prepRw(sqes, sqe, IORING_OP_TIMEOUT, -1, timespec, 1, count, userData);
        opFlags(sqes, sqe, flags);
    }

    public static void prepShutdown(MemorySegment sqes, long sqe, int fd, int how, long userData) {
        prepRw(sqes, sqe, IORING_OP_SHUTDOWN, fd, 0, how, 0, userData);
    }

    public static void prepFsync(MemorySegment sqes, long sqe, int fd, int fsyncFlags, long userData) {
        prepRw(sqes, sqe, IORING_OP_FSYNC, fd, 0, 0, 0, userData);
        opFlags(sqes, sqe, fsyncFlags);
    }

    public static void prepClose(MemorySegment sqes, long sqe, int fd, long userData) {
        prepRw(sqes, sqe, IORING_OP_CLOSE, fd, 0, 0, 0, userData);
    }
}
