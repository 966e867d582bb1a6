package io.iocp4j.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A small per-thread native area for the in/out values of one call at a time (option values, lengths). */
final class Scratch {
    private static final int SIZE = 64;
    private static final ThreadLocal<MemorySegment> AREA = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(SIZE, 16));

    private Scratch() {
    }

    static MemorySegment get(int bytes) {
        if (bytes > SIZE) {
            throw new IllegalArgumentException("scratch request of " + bytes + " bytes > " + SIZE);
        }
        return AREA.get().asSlice(0, bytes);
    }
}
