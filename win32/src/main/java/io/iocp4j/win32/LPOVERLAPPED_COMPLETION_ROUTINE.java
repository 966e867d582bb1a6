package io.iocp4j.win32;

/**
 * {@code VOID CALLBACK FileIOCompletionRoutine(DWORD dwErrorCode, DWORD dwNumberOfBytesTransfered,
 * LPOVERLAPPED lpOverlapped)}: ReadFileEx/WriteFileEx's routine; {@code dwErrorCode} is a Win32 code (RFX-2).
 */
@FunctionalInterface
public interface LPOVERLAPPED_COMPLETION_ROUTINE {
    void callback(int dwErrorCode, int dwNumberOfBytesTransfered, OVERLAPPED lpOverlapped);
}
