package io.iocp4j;

/**
 * A completion routine (ReadFileEx, WSARecv with lpCompletionRoutine): queued as an APC to the issuing thread and
 * run inside one of its alertable waits. The facade adapts the status to the Win32 or Winsock convention.
 */
@FunctionalInterface
public interface CompletionRoutine {
    void completed(int status, long bytes, Object overlapped);
}
