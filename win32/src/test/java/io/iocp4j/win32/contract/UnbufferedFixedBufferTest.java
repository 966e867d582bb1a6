package io.iocp4j.win32.contract;

import io.iocp4j.engine.IoEngine;
import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.OVERLAPPEDByReference;
import io.iocp4j.win32.ULONG_PTRByReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * FILE-2 FILE-3 FILE-6 with VirtualAlloc memory, which unbuffered I/O reads and writes through registered fixed
 * buffers: the data is the same as through plain addresses, and the registration ends with the memory.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnbufferedFixedBufferTest {
    private static final int BLOCK = 65536;

    @TempDir
    Path dir;

    private final List<HANDLE> handles = new ArrayList<>();
    private final DWORDByReference bytes = new DWORDByReference();
    private final ULONG_PTRByReference key = new ULONG_PTRByReference();
    private final OVERLAPPEDByReference ov = new OVERLAPPEDByReference();

    @AfterEach
    void closeAll() {
        handles.forEach(h -> CloseHandle(h));
    }

    private HANDLE track(HANDLE h) {
        assertNotNull(h, () -> "NULL handle, error " + GetLastError());
        assertNotEquals(INVALID_HANDLE_VALUE, h, () -> "INVALID_HANDLE_VALUE, error " + GetLastError());
        handles.add(h);
        return h;
    }

    /** Waits until the number of registered fixed buffers stays put: regions of earlier tests may still be let go. */
    private static int settledRegistrations() throws InterruptedException {
        int last = -1;
        for (int same = 0; same < 5; ) {
            System.gc();
            Thread.sleep(40);
            int now = IoEngine.shared().fixedBuffersRegistered();
            same = now == last ? same + 1 : 0;
            last = now;
        }
        return last;
    }

    private void transfer(HANDLE port, HANDLE f, MemorySegment buffer, long offset, boolean write) {
        OVERLAPPED o = new OVERLAPPED();
        o.Offset = (int) offset;
        o.OffsetHigh = (int) (offset >>> 32);
        boolean done = write ? WriteFile(f, buffer, (int) buffer.byteSize(), null, o)
                : ReadFile(f, buffer, (int) buffer.byteSize(), null, o);
        assertTrue(done || GetLastError() == ERROR_IO_PENDING, () -> "error " + GetLastError());
        assertTrue(GetQueuedCompletionStatus(port, bytes, key, ov, 10_000), () -> "error " + GetLastError());
        assertSame(o, ov.value);
        assertEquals(buffer.byteSize(), bytes.value);
    }

    @Test
    @DisplayName("FILE-2 FILE-6 unbuffered writes and reads from VirtualAlloc memory (whole blocks and slices) move "
            + "the right bytes through fixed buffers; the registrations end when the memory is unreachable")
    void unbufferedThroughFixedBuffers() throws Exception {
        HANDLE port = track(CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0));
        Path p = dir.resolve("fixed.bin");
        HANDLE f = track(CreateFile(p.toString(), GENERIC_READ | GENERIC_WRITE, 0, null, CREATE_ALWAYS,
                FILE_FLAG_OVERLAPPED | FILE_FLAG_NO_BUFFERING, null));
        CreateIoCompletionPort(f, port, 1L, 0);
        int before = settledRegistrations();

        writeAndReadBack(port, f, p, before);
        assertEquals(before, settledRegistrations(), "let go with the memory");
    }

    /** In a method of its own, so that no frame of the test still holds the blocks afterwards. */
    private void writeAndReadBack(HANDLE port, HANDLE f, Path p, int before) throws Exception {
        byte[] data = new byte[3 * BLOCK];
        new Random(42).nextBytes(data);
        MemorySegment[] blocks = new MemorySegment[3];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = VirtualAlloc(null, BLOCK, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
            MemorySegment.copy(data, i * BLOCK, blocks[i], ValueLayout.JAVA_BYTE, 0, BLOCK);
            transfer(port, f, blocks[i], (long) i * BLOCK, true);
        }
        assertEquals(before + 3, IoEngine.shared().fixedBuffersRegistered(), "one registration per block");
        assertArrayEquals(data, Files.readAllBytes(p), "what the writes put in the file");

        for (int i = 0; i < blocks.length; i++) {
            blocks[i].fill((byte) 0);
            transfer(port, f, blocks[i].asSlice(4096, BLOCK - 8192), (long) i * BLOCK + 4096, false);
            transfer(port, f, blocks[i].asSlice(0, 4096), (long) i * BLOCK, false);
            transfer(port, f, blocks[i].asSlice(BLOCK - 4096), (long) (i + 1) * BLOCK - 4096, false);
            assertEquals(-1, MemorySegment.ofArray(data).asSlice((long) i * BLOCK, BLOCK).mismatch(blocks[i]),
                    "block " + i + " read back");
        }
        assertEquals(before + 3, IoEngine.shared().fixedBuffersRegistered(), "slices reuse their block's slot");
        for (MemorySegment b : blocks) {
            assertTrue(VirtualFree(b, 0, MEM_RELEASE));
        }
    }
}
