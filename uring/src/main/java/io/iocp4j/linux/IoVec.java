package io.iocp4j.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct iovec} (include/uapi/linux/uio.h), x86_64:
 * <pre>
 * struct iovec { void *iov_base; __kernel_size_t iov_len; };   // 16 bytes
 * </pre>
 */
public final class IoVec {
    public static final long SIZE = 16;
    private static final long BASE = 0;
    private static final long LEN = 8;

    private IoVec() {
    }

    public static void set(MemorySegment array, int index, long base, long len) {
        long off = index * SIZE;
        array.set(ValueLayout.JAVA_LONG, off + BASE, base);
        array.set(ValueLayout.JAVA_LONG, off + LEN, len);
    }

    public static long base(MemorySegment array, int index) {
        return array.get(ValueLayout.JAVA_LONG, index * SIZE + BASE);
    }

    public static long len(MemorySegment array, int index) {
        return array.get(ValueLayout.JAVA_LONG, index * SIZE + LEN);
    }
}
