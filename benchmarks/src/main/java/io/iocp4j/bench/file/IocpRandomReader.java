package io.iocp4j.bench.file;

import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.OVERLAPPED_ENTRY;
import io.iocp4j.win32.ULONGByReference;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.ERROR_IO_PENDING;

/**
 * iocp4j as a Windows program would do it: one thread, one port, {@code depth} overlapped ReadFile calls in flight
 * on a FILE_FLAG_OVERLAPPED (| FILE_FLAG_NO_BUFFERING) handle, a GetQueuedCompletionStatusEx loop that re-issues
 * each completed read at a new random offset. OVERLAPPEDs, buffers and entries are allocated up front, so the loop
 * itself allocates nothing; whatever the library allocates per read shows in the allocation column.
 */
final class IocpRandomReader implements RandomReader {
    private static final Object KEY = "file";

    /** One read slot: its OVERLAPPED carries the offset, its VirtualAlloc'd page receives the data. */
    private static final class ReadSlot extends OVERLAPPED {
        final MemorySegment buffer = VirtualAlloc(null, ReadCase.BLOCK, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);

        void issue(HANDLE file, long position) {
            Offset = (int) position;
            OffsetHigh = (int) (position >>> 32);
            if (!ReadFile(file, buffer, ReadCase.BLOCK, null, this) && GetLastError() != ERROR_IO_PENDING) {
                throw new IllegalStateException("ReadFile at " + position + ": Win32 error " + GetLastError());
            }
        }
    }

    @Override
    public String name() {
        return "iocp4j";
    }

    @Override
    public Measurement run(Path path, long size, ReadCase c, double seconds) {
        int flags = FILE_FLAG_OVERLAPPED | (c.unbuffered() ? FILE_FLAG_NO_BUFFERING : 0);
        HANDLE file = CreateFile(path.toString(), GENERIC_READ, FILE_SHARE_READ, null, OPEN_EXISTING, flags, null);
        check(file != INVALID_HANDLE_VALUE, "CreateFile " + path);
        HANDLE port = CreateIoCompletionPort(file, null, KEY, 1);
        check(port != null, "CreateIoCompletionPort");
        try {
            return pump(file, port, size, c.depth(), (long) (seconds * 1e9));
        } finally {
            CloseHandle(file);
            CloseHandle(port);
        }
    }

    private static Measurement pump(HANDLE file, HANDLE port, long size, int depth, long nanos) {
        ReadSlot[] slots = new ReadSlot[depth];
        for (int i = 0; i < depth; i++) {
            slots[i] = new ReadSlot();
        }
        OVERLAPPED_ENTRY[] entries = OVERLAPPED_ENTRY.array(depth);
        ULONGByReference removed = new ULONGByReference();
        RandomBlocks offsets = new RandomBlocks(size, ReadCase.BLOCK, System.nanoTime());

        long allocated0 = Allocation.totalBytes();
        long kernel0 = ProcessCpuClock.kernelNanos();
        long cpu0 = ProcessCpuClock.nanos();
        long start = System.nanoTime();
        long deadline = start + nanos;
        for (ReadSlot s : slots) {
            s.issue(file, offsets.next());
        }
        long completed = 0;
        long now;
        do {
            check(GetQueuedCompletionStatusEx(port, entries, depth, removed, 30_000, false),
                    "GetQueuedCompletionStatusEx");
            for (int i = 0; i < removed.value; i++) {
                OVERLAPPED_ENTRY e = entries[i];
                if (e.Internal != 0 || e.dwNumberOfBytesTransferred != ReadCase.BLOCK) {
                    throw new IllegalStateException("read failed: status 0x" + Long.toHexString(e.Internal)
                            + ", " + e.dwNumberOfBytesTransferred + " bytes");
                }
                ((ReadSlot) e.lpOverlapped).issue(file, offsets.next());
            }
            completed += removed.value;
            now = System.nanoTime();
        } while (now < deadline);
        long cpu = ProcessCpuClock.nanos() - cpu0;
        long kernel = ProcessCpuClock.kernelNanos() - kernel0;
        long allocated = Allocation.totalBytes() - allocated0;
        drain(port, entries, depth);
        return new Measurement(completed, now - start, cpu, kernel, allocated, "");
    }

    /** Waits for the reads still in flight so that the next run starts from an idle ring. */
    private static void drain(HANDLE port, OVERLAPPED_ENTRY[] entries, int outstanding) {
        ULONGByReference removed = new ULONGByReference();
        while (outstanding > 0) {
            check(GetQueuedCompletionStatusEx(port, entries, entries.length, removed, 30_000, false), "drain");
            outstanding -= removed.value;
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what + " failed: Win32 error " + GetLastError());
        }
    }
}
