package io.iocp4j;

/**
 * Where the engine publishes an operation's outcome: the Win32 facade's OVERLAPPED, or the Java layer's
 * operation objects. Called by the completing thread, once per issued operation.
 */
public interface IoStatusBlock {
    /** At issue (OVL-2): the status reads STATUS_PENDING until {@link #publish} runs. */
    void markPending();

    /**
     * At completion (CORE-4): stores the byte count, then the status with release semantics, so a thread that
     * sees the final status with an acquire read also sees the bytes and the data in the buffers.
     */
    void publish(int status, long bytes);
}
