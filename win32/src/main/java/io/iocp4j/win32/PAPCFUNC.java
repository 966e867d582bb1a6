package io.iocp4j.win32;

/** {@code VOID CALLBACK APCProc(ULONG_PTR Parameter)}: a user APC queued with QueueUserAPC. */
@FunctionalInterface
public interface PAPCFUNC {
    void callback(Object Parameter);
}
