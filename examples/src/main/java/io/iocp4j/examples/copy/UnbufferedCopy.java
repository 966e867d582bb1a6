package io.iocp4j.examples.copy;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.LARGE_INTEGER;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.OVERLAPPEDByReference;
import io.iocp4j.win32.SYSTEM_INFO;
import io.iocp4j.win32.ULONG_PTRByReference;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;

/**
 * An overlapped file copy in the style of the Windows SDK "unbufcp" samples (E2E-3): source and destination on one
 * port with a read key and a write key, {@code depth} blocks in flight, each block read at its offset and then
 * written at the same offset; the next read starts when a write finishes. Unbuffered: sector-sized transfers, the
 * destination pre-extended, and its final size fixed through a second, buffered handle.
 */
public final class UnbufferedCopy {
    /**
     * A buffered copy moves every byte through the CPU twice (page cache to block, block to page cache), so the
     * blocks in flight should still be in the CPU's caches when they are written: 4 x 256 KiB (1 MiB in flight,
     * like cp's single 128 KiB buffer) took a third of the CPU of 8 x 1 MiB on the benchmark machine.
     */
    public static final int BUFFERED_BLOCK_SIZE = 256 << 10;
    public static final int BUFFERED_DEPTH = 4;
    /** An unbuffered copy moves data by DMA, never through the caches: large transfers keep the device busy. */
    public static final int UNBUFFERED_BLOCK_SIZE = 1 << 20;
    public static final int UNBUFFERED_DEPTH = 8;

    private static final Object READ_KEY = "read";
    private static final Object WRITE_KEY = "write";

    /** One block in flight; the OVERLAPPED carries the offset, the buffer is reused for its read and its write. */
    private static final class Block extends OVERLAPPED {
        final MemorySegment buffer;
        long offset;

        Block(MemorySegment buffer) {
            this.buffer = buffer;
        }

        void at(long position) {
            offset = position;
            Offset = (int) position;
            OffsetHigh = (int) (position >>> 32);
        }
    }

    /** What a copy did. */
    public record Result(long bytes, double seconds) {
        public double megabytesPerSecond() {
            return bytes / 1e6 / Math.max(seconds, 1e-9);
        }
    }

    private UnbufferedCopy() {
    }

    /** Copies with the block size and depth that suit the mode (the constants above). */
    public static Result copy(String source, String destination, boolean unbuffered, PrintStream progress) {
        return copy(source, destination, unbuffered, defaultBlockSize(unbuffered), defaultDepth(unbuffered),
                progress);
    }

    public static int defaultBlockSize(boolean unbuffered) {
        return unbuffered ? UNBUFFERED_BLOCK_SIZE : BUFFERED_BLOCK_SIZE;
    }

    public static int defaultDepth(boolean unbuffered) {
        return unbuffered ? UNBUFFERED_DEPTH : BUFFERED_DEPTH;
    }

    /** Copies {@code source} to {@code destination}; throws IllegalStateException with the Win32 error on failure. */
    public static Result copy(String source, String destination, boolean unbuffered, int blockSize, int depth,
                              PrintStream progress) {
        SYSTEM_INFO si = new SYSTEM_INFO();
        GetSystemInfo(si);
        if (unbuffered && blockSize % si.dwPageSize != 0) {
            throw new IllegalArgumentException("--block-size must be a multiple of " + si.dwPageSize
                    + " for unbuffered copies");
        }
        int flags = FILE_FLAG_OVERLAPPED | (unbuffered ? FILE_FLAG_NO_BUFFERING : 0);
        HANDLE src = CreateFile(source, GENERIC_READ, FILE_SHARE_READ, null, OPEN_EXISTING,
                flags | FILE_FLAG_SEQUENTIAL_SCAN, null);
        check(src != INVALID_HANDLE_VALUE, "open " + source);
        HANDLE dst = CreateFile(destination, GENERIC_READ | GENERIC_WRITE, 0, null, CREATE_ALWAYS, flags, null);
        if (dst == INVALID_HANDLE_VALUE) {
            int error = GetLastError();
            CloseHandle(src);
            throw new IllegalStateException("open " + destination + " failed: Win32 error " + error);
        }
        long start = System.nanoTime();
        try {
            LARGE_INTEGER size = new LARGE_INTEGER();
            check(GetFileSizeEx(src, size), "size of " + source);
            long length = size.QuadPart;
            long rounded = unbuffered ? roundUp(length, si.dwPageSize) : length;
            // Pre-extend so that unbuffered sector writes past the real end are allowed (E2E-3).
            check(SetFilePointerEx(dst, rounded, null, FILE_BEGIN) && SetEndOfFile(dst), "extend " + destination);
            HANDLE port = CreateIoCompletionPort(src, null, READ_KEY, 0);
            check(port != null, "CreateIoCompletionPort");
            try {
                check(CreateIoCompletionPort(dst, port, WRITE_KEY, 0) == port, "associate " + destination);
                pump(src, dst, port, length, blockSize, depth, unbuffered ? si.dwPageSize : 1, progress, start);
            } finally {
                CloseHandle(port);
            }
        } finally {
            CloseHandle(src);
            CloseHandle(dst);
        }
        if (unbuffered) {
            trim(source, destination);
        }
        return new Result(fileSize(destination), (System.nanoTime() - start) / 1e9);
    }

    /** Runs the copy loop; writes are rounded up to {@code writeUnit} bytes (the sector when unbuffered, else 1). */
    private static void pump(HANDLE src, HANDLE dst, HANDLE port, long length, int blockSize, int depth,
                             int writeUnit, PrintStream progress, long start) {
        long nextRead = 0;
        int inFlight = 0;
        long written = 0;
        for (int i = 0; i < depth && nextRead < length; i++, inFlight++) {
            Block b = new Block(VirtualAlloc(null, blockSize, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE));
            read(src, b, nextRead, blockSize);
            nextRead += blockSize;
        }
        DWORDByReference bytes = new DWORDByReference();
        ULONG_PTRByReference key = new ULONG_PTRByReference();
        OVERLAPPEDByReference ov = new OVERLAPPEDByReference();
        long lastReport = System.nanoTime();
        while (inFlight > 0) {
            boolean ok = GetQueuedCompletionStatus(port, bytes, key, ov, 30_000);
            check(ov.value != null, "GetQueuedCompletionStatus");
            Block b = (Block) ov.value;
            check(ok, key.value == READ_KEY ? "read at " + b.offset : "write at " + b.offset);
            if (key.value == READ_KEY) {
                // Unbuffered writes are whole sectors: the tail block goes out rounded up and is trimmed later.
                int n = bytes.value;
                int out = (int) roundUp(n, writeUnit);
                b.buffer.asSlice(n, out - n).fill((byte) 0);
                check(WriteFile(dst, b.buffer, out, null, b) || GetLastError() == ERROR_IO_PENDING,
                        "write at " + b.offset);
            } else {
                written += Math.min(bytes.value, length - b.offset);
                if (nextRead < length) {
                    read(src, b, nextRead, blockSize);
                    nextRead += blockSize;
                } else {
                    inFlight--;
                }
            }
            if (progress != null && System.nanoTime() - lastReport > 500_000_000L) {
                lastReport = System.nanoTime();
                progress.printf("\r  %,d of %,d bytes  %.0f MB/s   ", written, length,
                        written / 1e6 / ((lastReport - start) / 1e9));
                progress.flush();
            }
        }
    }

    private static void read(HANDLE src, Block b, long position, int blockSize) {
        b.at(position);
        check(ReadFile(src, b.buffer, blockSize, null, b) || GetLastError() == ERROR_IO_PENDING,
                "read at " + position);
    }

    /** Sets the destination's real size through a buffered handle (unbuffered handles can only end on a sector). */
    private static void trim(String source, String destination) {
        long length = fileSize(source);
        HANDLE h = CreateFile(destination, GENERIC_WRITE, 0, null, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, null);
        check(h != INVALID_HANDLE_VALUE, "reopen " + destination);
        try {
            check(SetFilePointerEx(h, length, null, FILE_BEGIN) && SetEndOfFile(h), "trim " + destination);
        } finally {
            CloseHandle(h);
        }
    }

    private static long fileSize(String path) {
        HANDLE h = CreateFile(path, GENERIC_READ, FILE_SHARE_READ, null, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, null);
        check(h != INVALID_HANDLE_VALUE, "open " + path);
        try {
            LARGE_INTEGER size = new LARGE_INTEGER();
            check(GetFileSizeEx(h, size), "size of " + path);
            return size.QuadPart;
        } finally {
            CloseHandle(h);
        }
    }

    private static long roundUp(long n, int unit) {
        return (n + unit - 1) / unit * unit;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what + " failed: Win32 error " + GetLastError());
        }
    }
}
