package io.iocp4j.uring;

/** poll(2) event bits for IORING_OP_POLL_ADD (include/uapi/asm-generic/poll.h). */
public final class PollMasks {
    public static final int POLLIN = 0x0001;
    public static final int POLLPRI = 0x0002;
    public static final int POLLOUT = 0x0004;
    public static final int POLLERR = 0x0008;
    public static final int POLLHUP = 0x0010;
    public static final int POLLRDHUP = 0x2000;

    private PollMasks() {
    }
}
