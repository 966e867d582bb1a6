package io.iocp4j.examples.nanomsg;

import io.iocp4j.win32.OVERLAPPED;

import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * {@code struct nn_worker_op}: one overlapped operation of a socket. The OVERLAPPED is the op itself (nanomsg's
 * {@code nn_cont(lpOverlapped, struct nn_worker_op, olpd)}). When {@code start} is set, a partial transfer moves
 * {@code buf} on by the bytes done, lowers {@code resid} and calls {@code start} again until nothing is left.
 */
public final class NnWorkerOp extends OVERLAPPED {
    static final int NN_WORKER_OP_STATE_IDLE = 1;
    static final int NN_WORKER_OP_STATE_ACTIVE = 2;

    final NnFsm owner;
    final int src;
    int state = NN_WORKER_OP_STATE_IDLE;
    long resid;
    MemorySegment buf;
    Object arg;
    Consumer<Object> start;
    /** How many times a partial transfer was resumed (for the demo's figures; not in nanomsg). */
    long resumes;

    public NnWorkerOp(int src, NnFsm owner) {
        this.src = src;
        this.owner = owner;
    }
}
