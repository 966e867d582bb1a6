package io.iocp4j.net;

import io.iocp4j.linux.IoVec;
import io.iocp4j.linux.MsgHdr;

import java.lang.foreign.MemorySegment;

/**
 * A receive or send over a list of buffers: the operation's own iovec array, msghdr and address area, filled at
 * issue from the caller's WSABUFs (so the caller may reuse its array at once, OVL-6) and grown only when a longer
 * list comes. The caller's buffers stay referenced until delivery.
 */
public abstract class VectoredOperation extends SocketOperation {
    static final int MAX_ADDRESS = 128;

    MemorySegment iov;
    MemorySegment msg;
    MemorySegment address;
    int count;
    long total;
    private MemorySegment scratch = MemorySegment.NULL;
    private MemorySegment[] buffers = new MemorySegment[1];

    /** Starts a list of {@code n} buffers; then {@link #buffer} for i = 0..n-1. */
    public final void buffers(int n) {
        if (buffers.length < n) {
            buffers = new MemorySegment[n];
        }
        long need = MsgHdr.SIZE + MAX_ADDRESS + n * IoVec.SIZE;
        if (scratch.byteSize() < need) {
            scratch = SocketObject.scratch(need);
            msg = scratch.asSlice(0, MsgHdr.SIZE);
            address = scratch.asSlice(MsgHdr.SIZE, MAX_ADDRESS);
            iov = scratch.asSlice(MsgHdr.SIZE + MAX_ADDRESS);
        }
        count = n;
        total = 0;
        reset();
    }

    /** Buffer {@code i}: {@code length} bytes of {@code segment} (already bounds-checked by the caller). */
    public final void buffer(int i, MemorySegment segment, int length) {
        buffers[i] = segment;
        IoVec.set(iov, i, segment.address(), length & 0xFFFF_FFFFL);
        total += length & 0xFFFF_FFFFL;
    }

    /** Clears per-operation progress when a new buffer list starts. */
    abstract void reset();

    /** Lets go of the caller's buffers: the kernel is done with them. */
    @Override
    protected void beforeDelivery() {
        java.util.Arrays.fill(buffers, 0, count, null);
    }
}
