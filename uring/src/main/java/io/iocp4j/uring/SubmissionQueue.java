package io.iocp4j.uring;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The SQ ring and the SQE array: hands out zeroed SQEs and publishes them to the kernel. One thread at a time
 * (the ring's owner). Mirrors liburing's {@code _io_uring_get_sqe} and {@code __io_uring_flush_sq}: SQEs are
 * written locally between {@code sqeHead} and {@code sqeTail} and published by one release store of the ring tail.
 */
public final class SubmissionQueue {
    private final MemorySegment ring;
    private final MemorySegment sqes;
    private final long headOffset;
    private final long tailOffset;
    private final long flagsOffset;
    private final long arrayOffset;
    private final int mask;
    private final int entries;
    /** SQEs handed out: [sqeHead, sqeTail) not yet published. */
    private int sqeHead;
    private int sqeTail;

    SubmissionQueue(MemorySegment ring, MemorySegment sqes, long headOffset, long tailOffset, long flagsOffset,
                    long arrayOffset, int mask, int entries) {
        this.ring = ring;
        this.sqes = sqes;
        this.headOffset = headOffset;
        this.tailOffset = tailOffset;
        this.flagsOffset = flagsOffset;
        this.arrayOffset = arrayOffset;
        this.mask = mask;
        this.entries = entries;
        // The index array maps ring slot i to SQE i once and for all.
        for (int i = 0; i < entries; i++) {
            ring.set(JAVA_INT, arrayOffset + 4L * i, i);
        }
    }

    public MemorySegment sqes() {
        return sqes;
    }

    public int entries() {
        return entries;
    }

    /** Free SQE slots. The acquire load of the kernel's head pairs with the kernel's release after reading SQEs. */
    public int space() {
        return entries - (sqeTail - Barriers.loadAcquire(ring, headOffset));
    }

    /** The offset of a zeroed SQE in {@link #sqes()}, or -1 when the ring is full. Allocates nothing. */
    public long next() {
        if (sqeTail - Barriers.loadAcquire(ring, headOffset) >= entries) {
            return -1;
        }
        long offset = (long) (sqeTail & mask) * SqeLayout.SIZE;
        sqeTail++;
        for (long i = 0; i < SqeLayout.SIZE; i += Long.BYTES) {
            sqes.set(JAVA_LONG, offset + i, 0L);  // word stores, not a slice: no allocation per SQE
        }
        return offset;
    }

    /** SQEs handed out and not yet flushed. */
    public int pending() {
        return sqeTail - sqeHead;
    }

    /**
     * Publishes the SQEs written since the last flush and returns how many the kernel has not consumed yet.
     * Release store: the kernel must see the SQE contents before the new tail.
     */
    int flush() {
        if (sqeHead != sqeTail) {
            sqeHead = sqeTail;
            Barriers.storeRelease(ring, tailOffset, sqeTail);
        }
        return sqeTail - Barriers.loadAcquire(ring, headOffset);
    }

    /** The SQ ring's flags word (CQ overflow, task-run hints): relaxed, it publishes no data. */
    int flags() {
        return Barriers.readOnce(ring, flagsOffset);
    }
}
