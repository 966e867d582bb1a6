package io.iocp4j.win32;

/**
 * A Win32 handle: an opaque value naming a kernel object (port, socket, file, event). Immutable, thread-safe.
 *
 * <p>Values are non-zero multiples of 4 that are never reused, so a handle that outlived its object can never
 * reach a newer object the way a reused Linux fd number would (CICP-10, LNX-8); such a stale handle makes every
 * call fail with {@code ERROR_INVALID_HANDLE}. The two low bits are ignored on lookup, which is what lets a program
 * tag an event handle with bit 0 to suppress the port packet (OVL-4, LNX-15).
 *
 * <p>{@code NULL} is Java {@code null}; {@link #INVALID_HANDLE_VALUE} is a constant compared by reference or value.
 */
public class HANDLE {
    /** {@code (HANDLE)-1}: what {@code CreateFile} returns on failure, and the "no file" argument of CreateIoCompletionPort. */
    public static final HANDLE INVALID_HANDLE_VALUE = new HANDLE(-1L, null);

    private final long value;
    /** The table slot this handle was issued for; null for handles built from a raw value until looked up. */
    final HandleTable.Entry entry;

    HANDLE(long value, HandleTable.Entry entry) {
        this.value = value;
        this.entry = entry;
    }

    /**
     * The handle with this numeric value, as C code gets by casting an integer, e.g. {@code (HANDLE)((ULONG_PTR)h | 1)}.
     * A value that names no open object still yields a HANDLE; using it fails with ERROR_INVALID_HANDLE.
     */
    public static HANDLE of(long value) {
        if (value == -1L) {
            return INVALID_HANDLE_VALUE;
        }
        return HandleTable.withValue(value);
    }

    /** The numeric value, low tag bits included. */
    public final long value() {
        return value;
    }

    /** This handle with extra low tag bits set: {@code h.withTag(1)} is C's {@code (HANDLE)((ULONG_PTR)h | 1)}. */
    public final HANDLE withTag(int lowBits) {
        return HandleTable.withValue(value | (lowBits & HandleTable.TAG_MASK));
    }

    /** Whether bit 0 is set: on an OVERLAPPED's {@code hEvent} this suppresses the port packet (OVL-4). */
    public final boolean hasLowBit() {
        return (value & 1) != 0;
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof HANDLE h && h.value == value;
    }

    @Override
    public final int hashCode() {
        return Long.hashCode(value);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(0x" + Long.toHexString(value) + ")";
    }
}
