package io.iocp4j.win32;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * One packet as GetQueuedCompletionStatusEx returns it (GQCSX-2). Programs allocate an array of these once and
 * reuse it.
 *
 * <pre>
 * typedef struct _OVERLAPPED_ENTRY {
 *     ULONG_PTR    lpCompletionKey;
 *     LPOVERLAPPED lpOverlapped;
 *     ULONG_PTR    Internal;                    // the packet's NTSTATUS
 *     DWORD        dwNumberOfBytesTransferred;
 * } OVERLAPPED_ENTRY;   // 32 bytes on x64
 * </pre>
 */
public final class OVERLAPPED_ENTRY {
    /** The x64 layout (OVL-1). */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("lpCompletionKey"),
            ValueLayout.ADDRESS.withName("lpOverlapped"),
            ValueLayout.JAVA_LONG.withName("Internal"),
            ValueLayout.JAVA_INT.withName("dwNumberOfBytesTransferred"),
            MemoryLayout.paddingLayout(4));

    /** The completion key: the per-handle object given at association, or whatever was posted. */
    public Object lpCompletionKey;
    public OVERLAPPED lpOverlapped;
    /** The packet's NTSTATUS, sign-extended as in {@link OVERLAPPED#Internal}. */
    public long Internal;
    public int dwNumberOfBytesTransferred;

    /** {@code new OVERLAPPED_ENTRY[n]} filled with fresh entries: the Java spelling of a C array of entries. */
    public static OVERLAPPED_ENTRY[] array(int n) {
        OVERLAPPED_ENTRY[] entries = new OVERLAPPED_ENTRY[n];
        for (int i = 0; i < n; i++) {
            entries[i] = new OVERLAPPED_ENTRY();
        }
        return entries;
    }
}
