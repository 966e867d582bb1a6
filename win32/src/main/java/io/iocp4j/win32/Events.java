package io.iocp4j.win32;

import io.iocp4j.Event;

/** Event handles as overlapped I/O uses them (OVL-4): resolved ignoring the tag bits, and reset at issue. */
final class Events {
    private Events() {
    }

    /**
     * The event an OVERLAPPED names, already reset as the issuing API does; null for a NULL hEvent or a handle that
     * is not an open event (the caller reports ERROR_INVALID_HANDLE when hEvent was not NULL).
     */
    static Event resolveForIo(Object hEvent) {
        if (!(hEvent instanceof HANDLE h)) {
            return null;
        }
        Event e = HandleTable.resolve(h, Event.class);
        if (e != null) {
            e.reset();
        }
        return e;
    }
}
