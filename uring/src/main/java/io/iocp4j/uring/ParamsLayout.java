package io.iocp4j.uring;

/**
 * {@code struct io_uring_params} (include/uapi/linux/io_uring.h), 120 bytes:
 * <pre>
 * struct io_uring_params {
 *     __u32 sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features, wq_fd, resv[3];  //  0..40
 *     struct io_sqring_offsets sq_off;   // 40: head, tail, ring_mask, ring_entries, flags, dropped, array, resv1, user_addr(u64)
 *     struct io_cqring_offsets cq_off;   // 80: head, tail, ring_mask, ring_entries, overflow, cqes, flags, resv1, user_addr(u64)
 * };
 * </pre>
 */
final class ParamsLayout {
    static final long SIZE = 120;
    static final long SQ_ENTRIES = 0;
    static final long CQ_ENTRIES = 4;
    static final long FLAGS = 8;
    static final long FEATURES = 20;
    static final long SQ_OFF = 40;
    static final long CQ_OFF = 80;

    /** Offsets inside io_sqring_offsets. */
    static final long SQ_HEAD = SQ_OFF;
    static final long SQ_TAIL = SQ_OFF + 4;
    static final long SQ_RING_MASK = SQ_OFF + 8;
    static final long SQ_RING_ENTRIES = SQ_OFF + 12;
    static final long SQ_FLAGS = SQ_OFF + 16;
    static final long SQ_DROPPED = SQ_OFF + 20;
    static final long SQ_ARRAY = SQ_OFF + 24;

    /** Offsets inside io_cqring_offsets. */
    static final long CQ_HEAD = CQ_OFF;
    static final long CQ_TAIL = CQ_OFF + 4;
    static final long CQ_RING_MASK = CQ_OFF + 8;
    static final long CQ_RING_ENTRIES = CQ_OFF + 12;
    static final long CQ_OVERFLOW = CQ_OFF + 16;
    static final long CQ_CQES = CQ_OFF + 20;
    static final long CQ_FLAGS = CQ_OFF + 24;

    /** mmap offsets that select which ring region to map. */
    static final long IORING_OFF_SQ_RING = 0L;
    static final long IORING_OFF_CQ_RING = 0x8000000L;
    static final long IORING_OFF_SQES = 0x10000000L;

    private ParamsLayout() {
    }
}
