package io.iocp4j.uring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Ordered access to the words the kernel shares with us (SQ/CQ head, tail, flags): the only class that uses access
 * modes on ring memory. Mirrors liburing's barrier.h: {@code io_uring_smp_load_acquire},
 * {@code io_uring_smp_store_release}, {@code IO_URING_READ_ONCE}. Each call site says what it pairs with.
 */
final class Barriers {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle SHORT = ValueLayout.JAVA_SHORT.varHandle();

    private Barriers() {
    }

    /** Pairs with the kernel's release when it publishes CQEs (CQ tail) or consumes SQEs (SQ head). */
    static int loadAcquire(MemorySegment ring, long offset) {
        return (int) INT.getAcquire(ring, offset);
    }

    /** Publishes what was written before: SQEs before the SQ tail; finished CQE reads before the CQ head. */
    static void storeRelease(MemorySegment ring, long offset, int value) {
        INT.setRelease(ring, offset, value);
    }

    /** As {@link #storeRelease} for a 16-bit word: a provided-buffer ring's tail, after the entries it publishes. */
    static void storeRelease16(MemorySegment ring, long offset, short value) {
        SHORT.setRelease(ring, offset, value);
    }

    /** A relaxed read (READ_ONCE) of a flag word that publishes no data. */
    static int readOnce(MemorySegment ring, long offset) {
        return (int) INT.getOpaque(ring, offset);
    }
}
