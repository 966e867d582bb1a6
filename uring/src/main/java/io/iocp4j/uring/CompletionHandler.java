package io.iocp4j.uring;

/** Receives each CQE as {@link CompletionQueue#drain} reads it. */
@FunctionalInterface
public interface CompletionHandler {
    void handle(long userData, int res, int flags);
}
