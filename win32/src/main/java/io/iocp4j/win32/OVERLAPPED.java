package io.iocp4j.win32;

import io.iocp4j.IoStatusBlock;
import io.iocp4j.NtStatus;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The Win32 OVERLAPPED (= WSAOVERLAPPED): per-operation state that programs extend with their own fields, as C
 * programs embed it in a PER_IO_DATA struct. The object's identity is the operation's identity: the same reference
 * comes back in the packet, the completion routine and CancelIoEx (CORE-5).
 *
 * <pre>
 * typedef struct _OVERLAPPED {
 *     ULONG_PTR Internal;      // NTSTATUS; STATUS_PENDING while in flight
 *     ULONG_PTR InternalHigh;  // bytes transferred
 *     union { struct { DWORD Offset; DWORD OffsetHigh; }; PVOID Pointer; };
 *     HANDLE    hEvent;
 * } OVERLAPPED;   // 32 bytes on x64
 * </pre>
 *
 * <p>{@code Internal} and {@code InternalHigh} belong to the system while the operation is in flight (OVL-2). The
 * engine writes {@code InternalHigh} and then {@code Internal} with release semantics; {@code Internal} is volatile,
 * so a program spinning on {@link Kernel32#HasOverlappedIoCompleted} sees the bytes and the data (CORE-4).
 * The status is sign-extended: {@code ov.Internal == 0xC0000120} holds for STATUS_CANCELLED, as in C.
 */
public class OVERLAPPED implements IoStatusBlock {
    /** The x64 layout (OVL-1), for programs that exchange OVERLAPPEDs with native memory. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("Internal"),
            ValueLayout.JAVA_LONG.withName("InternalHigh"),
            ValueLayout.JAVA_INT.withName("Offset"),
            ValueLayout.JAVA_INT.withName("OffsetHigh"),
            ValueLayout.ADDRESS.withName("hEvent"));

    private static final VarHandle INTERNAL;

    static {
        try {
            INTERNAL = MethodHandles.lookup().findVarHandle(OVERLAPPED.class, "Internal", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public volatile long Internal;
    public long InternalHigh;
    public int Offset;
    public int OffsetHigh;
    /**
     * An event HANDLE (optionally tagged with bit 0, OVL-4), or null. Typed {@code Object} because with a completion
     * routine the field is the application's own (OVL-4): seed programs store their per-I/O data here,
     * {@code lpOverlapped.hEvent = hbInfo}, and cast it back in the routine.
     */
    public Object hEvent;

    /** The facade's reusable operation for this OVERLAPPED: steady-state I/O allocates nothing. */
    io.iocp4j.OverlappedOperation operation;

    /** A zeroed OVERLAPPED, as {@code ZeroMemory(&ov, sizeof ov)} gives. */
    public OVERLAPPED() {
    }

    /** {@code Offset | (OffsetHigh << 32)}: the file position of an overlapped file operation (OVL-3). */
    public final long position() {
        return (Offset & 0xFFFF_FFFFL) | ((long) OffsetHigh << 32);
    }

    @Override
    public final void markPending() {
        Internal = NtStatus.STATUS_PENDING;
    }

    @Override
    public final void publish(int status, long bytes) {
        InternalHigh = bytes;
        INTERNAL.setRelease(this, (long) status);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(this))
                + "[Internal=0x" + Long.toHexString(Internal) + ", InternalHigh=" + InternalHigh + "]";
    }
}
