package io.iocp4j.win32;

/** {@code VOID CALLBACK WaitOrTimerCallback(PVOID lpParameter, BOOLEAN TimerOrWaitFired)}: a timer-queue callback. */
@FunctionalInterface
public interface WAITORTIMERCALLBACK {
    void callback(Object lpParameter, boolean TimerOrWaitFired);
}
