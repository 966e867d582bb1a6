package io.iocp4j.bench.echo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * The messages of the NIO load generator and how their echoes are checked, every byte, without allocating: a
 * header (connection number, sequence number) then a body cut from a random pattern at an offset that depends on
 * both, so a lost, repeated, reordered or cross-connection message fails the check. Bulk copy and bulk mismatch
 * keep checking 4 KiB messages far cheaper than the system calls that carry them.
 */
final class Messages {
    static final int HEADER = 16;
    private static final int OFFSETS = 256;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private final int size;
    private final MemorySegment pattern;

    Messages(int size) {
        this.size = size;
        pattern = Arena.ofAuto().allocate(size + OFFSETS);
        SplittableRandom random = new SplittableRandom(42);
        for (long i = 0; i < pattern.byteSize(); i++) {
            pattern.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt());
        }
    }

    int size() {
        return size;
    }

    void write(MemorySegment to, long at, int connection, long sequence) {
        to.set(LONG, at, connection);
        to.set(LONG, at + 8, sequence);
        MemorySegment.copy(pattern, bodyOffset(connection, sequence), to, at + HEADER, size - HEADER);
    }

    boolean matches(MemorySegment in, long at, int connection, long sequence) {
        if (in.get(LONG, at) != connection || in.get(LONG, at + 8) != sequence) {
            return false;
        }
        long body = bodyOffset(connection, sequence);
        return MemorySegment.mismatch(in, at + HEADER, at + size, pattern, body, body + size - HEADER) < 0;
    }

    private static long bodyOffset(int connection, long sequence) {
        return (sequence * 31 + connection * 7L) & (OFFSETS - 1);
    }
}
