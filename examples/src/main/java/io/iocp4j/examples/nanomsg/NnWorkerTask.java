package io.iocp4j.examples.nanomsg;

/**
 * {@code struct nn_worker_task}: work handed to the worker thread. {@code nn_worker_execute} posts it as the
 * completion key of a packet with no OVERLAPPED; the worker feeds NN_WORKER_TASK_EXECUTE to its owner.
 */
public final class NnWorkerTask {
    final NnFsm owner;
    final int src;

    public NnWorkerTask(int src, NnFsm owner) {
        this.src = src;
        this.owner = owner;
    }
}
