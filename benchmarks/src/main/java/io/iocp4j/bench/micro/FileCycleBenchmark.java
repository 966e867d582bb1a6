package io.iocp4j.bench.micro;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.OVERLAPPEDByReference;
import io.iocp4j.win32.ULONG_PTRByReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;

/**
 * One overlapped file cycle through the Win32 facade: a 4 KiB WriteFile and a 4 KiB ReadFile at offsets that walk a
 * 1 MiB file, both completed through one port on one thread: buffered (warm in the page cache, the read served
 * inline) or unbuffered (O_DIRECT through the ring, VirtualAlloc's memory as fixed buffers). OVERLAPPEDs, buffers
 * and out-parameters are allocated once, so the steady state can be allocation-free: run with {@code -prof gc} and
 * read gc.alloc.rate.norm (B/op).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class FileCycleBenchmark {
    private static final int BLOCK = 4096;
    private static final int BLOCKS = 256;

    private Path file;
    private HANDLE port;
    private HANDLE handle;
    private MemorySegment writeBuffer;
    private MemorySegment readBuffer;
    private final OVERLAPPED writeOv = new OVERLAPPED();
    private final OVERLAPPED readOv = new OVERLAPPED();
    private final DWORDByReference bytes = new DWORDByReference();
    private final ULONG_PTRByReference key = new ULONG_PTRByReference();
    private final OVERLAPPEDByReference ov = new OVERLAPPEDByReference();
    private int block;
    private long transferred;

    @Param({"buffered", "unbuffered"})
    public String mode;

    @Setup(Level.Trial)
    public void open() throws IOException {
        file = Files.createTempFile("iocp4j-file-cycle", ".bin");
        Files.write(file, new byte[BLOCK * BLOCKS]);
        port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0);
        int flags = FILE_FLAG_OVERLAPPED | (mode.equals("unbuffered") ? FILE_FLAG_NO_BUFFERING : 0);
        handle = CreateFile(file.toString(), GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, flags, null);
        if (handle == INVALID_HANDLE_VALUE || CreateIoCompletionPort(handle, port, 1L, 0) == null) {
            throw new IllegalStateException("CreateFile/CreateIoCompletionPort failed: " + GetLastError());
        }
        writeBuffer = VirtualAlloc(null, BLOCK, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
        readBuffer = VirtualAlloc(null, BLOCK, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
        writeBuffer.fill((byte) 'w');
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        CloseHandle(handle);
        CloseHandle(port);
        VirtualFree(writeBuffer, 0, MEM_RELEASE);
        VirtualFree(readBuffer, 0, MEM_RELEASE);
        Files.deleteIfExists(file);
    }

    /** One WriteFile and one ReadFile, both completed and dequeued; returns the bytes moved so far. */
    @Benchmark
    public long writeReadCycle() {
        block = (block + 1) % BLOCKS;
        at(writeOv, block);
        at(readOv, BLOCKS - 1 - block);
        if (!WriteFile(handle, writeBuffer, BLOCK, null, writeOv) && GetLastError() != ERROR_IO_PENDING) {
            throw new IllegalStateException("WriteFile failed: " + GetLastError());
        }
        if (!ReadFile(handle, readBuffer, BLOCK, null, readOv) && GetLastError() != ERROR_IO_PENDING) {
            throw new IllegalStateException("ReadFile failed: " + GetLastError());
        }
        for (int i = 0; i < 2; i++) {
            if (!GetQueuedCompletionStatus(port, bytes, key, ov, 5_000)) {
                throw new IllegalStateException("GetQueuedCompletionStatus failed: " + GetLastError());
            }
            transferred += bytes.value;
        }
        return transferred;
    }

    private static void at(OVERLAPPED o, int blockIndex) {
        long offset = (long) blockIndex * BLOCK;
        o.Offset = (int) offset;
        o.OffsetHigh = (int) (offset >>> 32);
    }
}
