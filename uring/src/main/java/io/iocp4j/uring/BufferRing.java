package io.iocp4j.uring;

import io.iocp4j.linux.Errno;
import io.iocp4j.linux.NativeException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A provided-buffer ring (IORING_REGISTER_PBUF_RING, Linux 5.19): buffers of one size that the kernel picks from for
 * receives that select a buffer ({@link Sqe#prepRecvMultishot}), so a receive holds no memory until data arrives.
 * The kernel consumes entries from the head; the owner gives each buffer back ({@link #recycle}) once it has used
 * the data, and makes what it gave back visible with {@link #publish}. Mirrors liburing's {@code io_uring_buf_ring}
 * helpers. Not thread-safe: the ring's owning thread uses it.
 */
public final class BufferRing implements AutoCloseable {
    /** {@code struct io_uring_buf { u64 addr; u32 len; u16 bid; u16 resv; }}: the first entry's resv is the tail. */
    private static final long ENTRY = 16;
    private static final long ADDR = 0;
    private static final long LEN = 8;
    private static final long BID = 12;
    private static final long TAIL = 14;
    private static final long PAGE = 4096;

    private final IoUring ring;
    private final Arena arena = Arena.ofShared();
    private final int group;
    private final int mask;
    private final int bufferSize;
    private final MemorySegment entries;
    private final MemorySegment buffers;
    /** Entries added so far (wraps at 16 bits, as the kernel's tail does). */
    private int tail;
    private boolean closed;

    private BufferRing(IoUring ring, int group, int count, int bufferSize) {
        this.ring = ring;
        this.group = group;
        this.mask = count - 1;
        this.bufferSize = bufferSize;
        this.entries = arena.allocate(count * ENTRY, PAGE);
        this.buffers = arena.allocate((long) count * bufferSize, PAGE);
    }

    /**
     * Registers {@code count} (a power of two, at most 32,768) buffers of {@code bufferSize} bytes as group
     * {@code group} of {@code ring}, all of them available to the kernel. Throws NativeException when the kernel
     * refuses (EINVAL before Linux 5.19, EEXIST for a group already registered).
     */
    public static BufferRing register(IoUring ring, int group, int count, int bufferSize) {
        if (count <= 0 || count > 32_768 || Integer.bitCount(count) != 1) {
            throw new IllegalArgumentException("count must be a power of two up to 32768: " + count);
        }
        if (bufferSize <= 0) {
            throw new IllegalArgumentException("bufferSize must be positive: " + bufferSize);
        }
        BufferRing b = new BufferRing(ring, group, count, bufferSize);
        int r = ring.registerBufferRing(b.entries, count, group);
        if (r < 0) {
            b.arena.close();
            throw new NativeException("IORING_REGISTER_PBUF_RING", -r);
        }
        for (int id = 0; id < count; id++) {
            b.recycle(id);
        }
        b.publish();
        return b;
    }

    public int group() {
        return group;
    }

    public int bufferSize() {
        return bufferSize;
    }

    /** The buffer a CQE with IORING_CQE_F_BUFFER named: its id is {@code cqeFlags >>> IORING_CQE_BUFFER_SHIFT}. */
    public MemorySegment buffer(int id) {
        return buffers.asSlice((long) id * bufferSize, bufferSize);
    }

    /** The id of the buffer a CQE names, or -1 when it names none. */
    public static int bufferId(int cqeFlags) {
        return (cqeFlags & Flags.IORING_CQE_F_BUFFER) != 0 ? cqeFlags >>> Flags.IORING_CQE_BUFFER_SHIFT : -1;
    }

    /** Gives buffer {@code id} back to the kernel; it sees it after the next {@link #publish}. */
    public void recycle(int id) {
        long e = (tail & mask) * ENTRY;
        entries.set(JAVA_LONG, e + ADDR, buffers.address() + (long) id * bufferSize);
        entries.set(JAVA_INT, e + LEN, bufferSize);
        entries.set(JAVA_SHORT, e + BID, (short) id);
        tail++;
    }

    /** Makes the buffers given back so far visible to the kernel (the entries before the tail, release order). */
    public void publish() {
        Barriers.storeRelease16(entries, TAIL, (short) tail);
    }

    /** Unregisters the group and frees the memory; no request selecting from it may still be in flight. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        int r = ring.unregisterBufferRing(group);
        if (r < 0 && r != -Errno.EINVAL) {
            // The kernel may still hold the ring: its memory must outlive it, so it is left to the process.
            throw new NativeException("IORING_UNREGISTER_PBUF_RING", -r);
        }
        arena.close();
    }
}
