package io.iocp4j.examples.nanomsg;

/**
 * {@code nn_fsm_feed(owner, src, type, srcptr)}: a state machine that the worker feeds with timer, task and I/O
 * events. Every feed happens on the worker thread, so a state machine needs no locking (nanomsg's nn_ctx).
 */
@FunctionalInterface
public interface NnFsm {
    void feed(int src, int type, Object srcptr);
}
