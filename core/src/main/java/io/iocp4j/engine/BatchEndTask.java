package io.iocp4j.engine;

/** Work the driver thread postpones to the end of its current batch of completions ({@link IoEngine#deferToBatchEnd}). */
@FunctionalInterface
public interface BatchEndTask {
    void batchEnded();
}
