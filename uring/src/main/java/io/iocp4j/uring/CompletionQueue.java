package io.iocp4j.uring;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The CQ ring: reads CQEs and gives their slots back. One thread at a time (the ring's owner). Mirrors liburing's
 * {@code __io_uring_peek_cqe} and {@code io_uring_cq_advance}.
 */
public final class CompletionQueue {
    private final MemorySegment ring;
    private final long headOffset;
    private final long tailOffset;
    private final long cqesOffset;
    private final int mask;
    private final int entries;

    CompletionQueue(MemorySegment ring, long headOffset, long tailOffset, long cqesOffset, int mask, int entries) {
        this.ring = ring;
        this.headOffset = headOffset;
        this.tailOffset = tailOffset;
        this.cqesOffset = cqesOffset;
        this.mask = mask;
        this.entries = entries;
    }

    public int entries() {
        return entries;
    }

    /**
     * CQEs ready to read. The acquire load of the tail pairs with the kernel publishing CQEs; the head is written
     * only by us, so a plain read is enough.
     */
    public int ready() {
        return Barriers.loadAcquire(ring, tailOffset) - ring.get(JAVA_INT, headOffset);
    }

    /** Hands every ready CQE to {@code handler}; returns how many. */
    public int drain(CompletionHandler handler) {
        return drain(handler, Integer.MAX_VALUE);
    }

    /**
     * Hands up to {@code max} ready CQEs to {@code handler}. The head is released in a {@code finally}, after the
     * CQEs were read, so a handler that throws loses no later CQE and never sees one twice: the CQE it threw on
     * counts as consumed.
     */
    public int drain(CompletionHandler handler, int max) {
        int head = ring.get(JAVA_INT, headOffset);
        int tail = Barriers.loadAcquire(ring, tailOffset);
        int n = 0;
        try {
            while (head != tail && n < max) {
                long cqe = cqesOffset + (long) (head & mask) * CqeLayout.SIZE;
                long userData = ring.get(JAVA_LONG, cqe + CqeLayout.USER_DATA);
                int res = ring.get(JAVA_INT, cqe + CqeLayout.RES);
                int flags = ring.get(JAVA_INT, cqe + CqeLayout.FLAGS);
                head++;
                n++;
                handler.handle(userData, res, flags);
            }
        } finally {
            // Ensure the kernel only sees the new head after the CQEs have been read.
            Barriers.storeRelease(ring, headOffset, head);
        }
        return n;
    }
}
