package io.iocp4j.win32;

/**
 * The per-thread last-error slot that GetLastError, WSAGetLastError and their setters share (CORE-8).
 * A ThreadLocal works for platform and virtual threads alike.
 */
final class LastError {
    private static final ThreadLocal<int[]> SLOT = ThreadLocal.withInitial(() -> new int[1]);

    private LastError() {
    }

    static int get() {
        return SLOT.get()[0];
    }

    static void set(int error) {
        SLOT.get()[0] = error;
    }

    /** Sets the error and returns false: the shape of most failing BOOL functions. */
    static boolean fail(int error) {
        set(error);
        return false;
    }
}
