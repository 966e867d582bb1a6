package io.iocp4j.win32;

import java.lang.foreign.MemorySegment;

/** {@code TRANSMIT_FILE_BUFFERS { PVOID Head; DWORD HeadLength; PVOID Tail; DWORD TailLength; }}. */
public final class TRANSMIT_FILE_BUFFERS {
    public MemorySegment Head;
    public int HeadLength;
    public MemorySegment Tail;
    public int TailLength;
}
