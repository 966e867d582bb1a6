package io.iocp4j.win32;

/**
 * {@code void CALLBACK CompletionROUTINE(DWORD dwError, DWORD cbTransferred, LPWSAOVERLAPPED lpOverlapped,
 * DWORD dwFlags)}: runs on the issuing thread inside an alertable wait; {@code dwError} is a WSA code (CORE-3).
 */
@FunctionalInterface
public interface LPWSAOVERLAPPED_COMPLETION_ROUTINE {
    void callback(int dwError, int cbTransferred, OVERLAPPED lpOverlapped, int dwFlags);
}
