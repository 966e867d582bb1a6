package io.iocp4j.win32;

/**
 * A Winsock socket handle. It is a HANDLE, as on Windows ({@code (HANDLE)s}), so it can be associated with a port
 * and closed with CloseHandle. {@link WinSock2#INVALID_SOCKET} is {@code ~0}.
 */
public final class SOCKET extends HANDLE {
    SOCKET(long value, HandleTable.Entry entry) {
        super(value, entry);
    }

    /** The socket with this numeric value, as C code gets by casting an integer. */
    public static SOCKET of(long value) {
        HANDLE h = HANDLE.of(value);
        return new SOCKET(h.value(), h.entry);
    }
}
