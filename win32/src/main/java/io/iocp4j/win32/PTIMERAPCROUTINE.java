package io.iocp4j.win32;

/**
 * {@code VOID CALLBACK TimerAPCProc(LPVOID lpArgToCompletionRoutine, DWORD dwTimerLowValue, DWORD dwTimerHighValue)}:
 * a waitable timer's completion routine, with the FILETIME at which the timer fired.
 */
@FunctionalInterface
public interface PTIMERAPCROUTINE {
    void callback(Object lpArgToCompletionRoutine, int dwTimerLowValue, int dwTimerHighValue);
}
