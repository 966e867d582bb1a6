package io.iocp4j.examples.web;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Native blocks of one size, recycled between connections so that steady-state serving allocates no native memory.
 * At most {@code maxPooled} idle blocks are kept; the rest are left to the garbage collector (Arena.ofAuto).
 */
final class BufferPool {
    private final Arena arena = Arena.ofAuto();
    private final long blockSize;
    private final int maxPooled;
    private final ConcurrentLinkedQueue<MemorySegment> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idleCount = new AtomicInteger();

    BufferPool(long blockSize, int maxPooled) {
        this.blockSize = blockSize;
        this.maxPooled = maxPooled;
    }

    MemorySegment take() {
        MemorySegment b = idle.poll();
        if (b == null) {
            return arena.allocate(blockSize, 4096);
        }
        idleCount.decrementAndGet();
        return b;
    }

    /** Returns a block no operation uses any more. */
    void give(MemorySegment block) {
        if (idleCount.incrementAndGet() <= maxPooled) {
            idle.add(block);
        } else {
            idleCount.decrementAndGet();
        }
    }
}
