package io.iocp4j.win32;

import java.lang.foreign.MemorySegment;

/**
 * {@code typedef struct _WSABUF { ULONG len; CHAR *buf; } WSABUF;}: one buffer of a scatter/gather list. {@code buf}
 * is native memory (an {@code Arena} allocation); {@code len} may not exceed it (WSAEFAULT otherwise). The array of
 * WSABUFs may be reused as soon as the call returns (OVL-6); the memory {@code buf} points at may not, until the
 * operation completes.
 */
public final class WSABUF {
    public int len;
    public MemorySegment buf;

    public WSABUF() {
    }

    public WSABUF(MemorySegment buf, int len) {
        this.buf = buf;
        this.len = len;
    }
}
