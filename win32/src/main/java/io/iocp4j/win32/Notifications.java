package io.iocp4j.win32;

import io.iocp4j.CompletionRoutine;
import io.iocp4j.Event;
import io.iocp4j.OverlappedOperation;

import java.util.function.Supplier;

import static io.iocp4j.win32.WinError.ERROR_INVALID_HANDLE;

/**
 * Where an overlapped call's result goes (CORE-2): the OVERLAPPED's status fields always; its event, reset now and
 * set at completion, unless a completion routine is given (then hEvent is the application's, OVL-4); the routine
 * as an APC to this thread; else a packet to the port, unless hEvent has its low bit set (OVL-4).
 */
final class Notifications {
    /** System property that turns on misuse diagnostics. */
    static final String DEBUG = "iocp4j.debug";
    private Notifications() {
    }

    /**
     * The OVERLAPPED's reusable operation of this kind, told where to deliver; null with ERROR_INVALID_HANDLE
     * (= WSA_INVALID_HANDLE) when hEvent names no event.
     */
    static <T extends OverlappedOperation> T operation(OVERLAPPED ov, CompletionRoutine routine, Class<T> kind,
                                                       Supplier<T> create) {
        Event event = null;
        if (routine == null && ov.hEvent != null) {
            event = Events.resolveForIo(ov.hEvent);
            if (event == null) {
                LastError.set(ERROR_INVALID_HANDLE);
                return null;
            }
        }
        T op = reuse(ov, kind, create);
        boolean lowBit = ov.hEvent instanceof HANDLE h && h.hasLowBit();
        op.notifyTo(ov, ov, event, routine != null || lowBit, routine);
        return op;
    }

    /**
     * The OVERLAPPED's cached operation of this kind when it is idle. An OVERLAPPED still in flight is a program
     * error (OVL-7): with {@code -Diocp4j.debug=true} it fails fast; otherwise the new operation gets a fresh
     * record, so the first one still completes into its own state.
     */
    private static <T extends OverlappedOperation> T reuse(OVERLAPPED ov, Class<T> kind, Supplier<T> create) {
        OverlappedOperation cached = ov.operation;
        if (cached != null && cached.isPending() && Boolean.getBoolean(DEBUG)) {
            throw new IllegalStateException("OVL-7: " + ov + " is still in flight; an OVERLAPPED may be reused "
                    + "only after its completion has been observed");
        }
        if (kind.isInstance(cached) && !cached.isPending()) {
            return kind.cast(cached);
        }
        T fresh = create.get();
        if (cached == null || !cached.isPending()) {
            ov.operation = fresh;
        }
        return fresh;
    }
}
