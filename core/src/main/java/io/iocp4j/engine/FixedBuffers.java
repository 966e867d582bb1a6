package io.iocp4j.engine;

import io.iocp4j.linux.Errno;
import io.iocp4j.uring.IoUring;

import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.util.Arrays;

/**
 * Memory registered with the ring as fixed buffers, so that an unbuffered (O_DIRECT) read or write into it does not
 * pin its pages on every I/O: the kernel pinned them once, at registration. Regions are offered when they are made
 * for unbuffered I/O (VirtualAlloc) and registered at their first such use, so memory never used that way is never
 * pinned; a region is let go when its memory becomes unreachable.
 *
 * <p>Driver thread only: with SINGLE_ISSUER only the ring's issuer may register, and the table is read while SQEs
 * are written. A region is matched by address and by its memory's scope, so that memory allocated later at a freed
 * region's address can never use the old registration (whose pinned pages are no longer that memory).
 */
final class FixedBuffers {
    /** Slots in the ring's table: a few regions each, as unbuffered programs allocate their blocks once. */
    static final int SLOTS = 256;
    /** The kernel refuses larger fixed buffers (EOVERFLOW). */
    private static final long MAX_REGION = 1L << 30;

    /** Memory offered for fixed-buffer I/O. */
    static final class Region {
        final long address;
        final long length;
        /** Weak, so that the table never keeps the memory alive; cleared once it is unreachable. */
        final WeakReference<MemorySegment.Scope> scope;
        /** The ring slot, or -1 while not registered. */
        int slot = -1;
        /** The kernel refused to register it (RLIMIT_MEMLOCK, size): it keeps to plain addresses. */
        boolean refused;

        Region(MemorySegment memory) {
            this.address = memory.address();
            this.length = memory.byteSize();
            this.scope = new WeakReference<>(memory.scope());
        }
    }

    private final IoUring ring;
    /**
     * Offered regions, sorted by address. Live memory never overlaps, but a freed region stays here until the
     * garbage collector has noticed, and memory allocated since may start at or inside it: hence the scope check.
     */
    private Region[] regions = new Region[8];
    private int count;
    private final int[] freeSlots = new int[SLOTS];
    private int freeCount;
    /** 0: no slot table yet; 1: ready; -1: the kernel has none for us (too old, or refused). */
    private int table;

    FixedBuffers(IoUring ring) {
        this.ring = ring;
    }

    /** How many regions hold a slot (tests, diagnostics). */
    int registered() {
        return table == 1 ? SLOTS - freeCount : 0;
    }

    void offer(Region r) {
        if (count == regions.length) {
            regions = Arrays.copyOf(regions, count * 2);
        }
        int at = insertionPoint(r.address + 1);  // after any region at the same address: the newest is found first
        System.arraycopy(regions, at, regions, at + 1, count - at);
        regions[at] = r;
        count++;
    }

    /** The region's memory is unreachable: give its slot back (the kernel unpins once no I/O uses it). */
    void withdraw(Region r) {
        int at = indexOf(r);
        if (at < 0) {
            return;
        }
        System.arraycopy(regions, at + 1, regions, at, count - at - 1);
        regions[--count] = null;
        if (r.slot >= 0) {
            ring.updateBuffer(r.slot, 0, 0);
            freeSlots[freeCount++] = r.slot;
            r.slot = -1;
        }
    }

    /**
     * The slot of the registered region holding {@code address..address+length} of {@code buffer}'s memory,
     * registering the region now if this is its first use; -1 when the I/O must use plain addresses.
     */
    int slotFor(MemorySegment buffer, long address, long length) {
        int at = insertionPoint(address + 1) - 1;  // the last region starting at or before address
        if (at < 0) {
            return -1;
        }
        Region r = regions[at];
        if (r.scope.get() != buffer.scope() || address + length > r.address + r.length) {
            return -1;  // not that memory (a freed region's address reused), or not all inside it
        }
        if (r.slot < 0 && !r.refused) {
            register(r);
        }
        return r.slot;
    }

    private void register(Region r) {
        if (table == 0) {
            createTable();
        }
        if (table < 0 || r.length > MAX_REGION) {
            r.refused = true;
            return;
        }
        if (freeCount == 0) {
            return;  // every slot taken: plain addresses until a region is let go
        }
        int slot = freeSlots[--freeCount];
        int e = ring.updateBuffer(slot, r.address, r.length);
        if (e < 0) {
            freeSlots[freeCount++] = slot;
            r.refused = true;
            EngineLog.LOGGER.log(System.Logger.Level.DEBUG, "iocp4j: fixed buffer of " + r.length + " bytes refused ("
                    + Errno.name(-e) + "); its I/O pins pages each time instead");
            return;
        }
        r.slot = slot;
    }

    private void createTable() {
        int e = ring.registerBufferSlots(SLOTS);
        if (e < 0) {
            table = -1;
            EngineLog.LOGGER.log(System.Logger.Level.DEBUG, "iocp4j: no fixed buffers (" + Errno.name(-e) + ")");
            return;
        }
        table = 1;
        for (int i = 0; i < SLOTS; i++) {
            freeSlots[i] = SLOTS - 1 - i;
        }
        freeCount = SLOTS;
    }

    /**
     * Where {@code r} is, or -1. Regions may share an address: memory freed (its region not yet withdrawn, as that
     * waits for the garbage collector) and memory allocated there since.
     */
    private int indexOf(Region r) {
        for (int i = insertionPoint(r.address); i < count && regions[i].address == r.address; i++) {
            if (regions[i] == r) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the first region starting at or after {@code address}. */
    private int insertionPoint(long address) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(regions[mid].address, address) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
