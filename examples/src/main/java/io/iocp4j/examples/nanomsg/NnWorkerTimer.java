package io.iocp4j.examples.nanomsg;

/** {@code struct nn_worker_timer}: a timer of the worker's timerset; it feeds NN_WORKER_TIMER_TIMEOUT. */
public final class NnWorkerTimer {
    final NnFsm owner;
    final int src;
    long due;

    public NnWorkerTimer(int src, NnFsm owner) {
        this.src = src;
        this.owner = owner;
    }
}
