package io.iocp4j.win32.contract;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.OVERLAPPEDByReference;
import io.iocp4j.win32.ULONG_PTRByReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * One overlapped read in flight at a time, the next issued as soon as the last one's packet arrives: unbuffered,
 * the pattern in which the ring driver catches submissions while it watches before blocking (IdleSpin); cached,
 * the reads that complete inside ReadFile (FILE-7). Every read must still yield exactly one packet with its own
 * OVERLAPPED and the file's bytes at its offset.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DepthOneFileReadsTest {
    private static final int BLOCK = 4096;
    private static final int BLOCKS = 256;
    private static final int READS = 20_000;

    @TempDir
    Path dir;

    @Test
    @DisplayName("FILE-2 GQCS-1 20,000 back-to-back unbuffered 4 KiB reads at depth 1 go through the ring: pending, "
            + "one packet each, right bytes, none extra")
    void backToBackRingReads() throws Exception {
        readAll(FILE_FLAG_OVERLAPPED | FILE_FLAG_NO_BUFFERING, false);
    }

    @Test
    @DisplayName("FILE-7 GQCS-1 20,000 back-to-back cached 4 KiB reads at depth 1 complete at once: TRUE, one packet "
            + "each, right bytes, none extra")
    void backToBackCachedReads() throws Exception {
        readAll(FILE_FLAG_OVERLAPPED, true);
    }

    private void readAll(int flags, boolean atOnce) throws Exception {
        byte[] content = new byte[BLOCK * BLOCKS];
        new SplittableRandom(7).nextBytes(content);
        Path path = dir.resolve("blocks.bin");
        Files.write(path, content);
        HANDLE file = CreateFile(path.toString(), GENERIC_READ, FILE_SHARE_READ, null, OPEN_EXISTING, flags, null);
        assertNotEquals(INVALID_HANDLE_VALUE, file);
        HANDLE port = CreateIoCompletionPort(file, null, "file", 1);
        assertNotNull(port);
        try {
            readAll(file, port, content, atOnce);
        } finally {
            CloseHandle(file);
            CloseHandle(port);
        }
    }

    private static void readAll(HANDLE file, HANDLE port, byte[] content, boolean atOnce) {
        MemorySegment buffer = VirtualAlloc(null, BLOCK, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
        OVERLAPPED ov = new OVERLAPPED();
        DWORDByReference bytes = new DWORDByReference();
        ULONG_PTRByReference key = new ULONG_PTRByReference();
        OVERLAPPEDByReference got = new OVERLAPPEDByReference();
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < READS; i++) {
            int block = random.nextInt(BLOCKS);
            ov.Offset = block * BLOCK;
            assertEquals(atOnce, ReadFile(file, buffer, BLOCK, null, ov));
            if (!atOnce) {
                assertEquals(ERROR_IO_PENDING, GetLastError());
            }
            assertTrue(GetQueuedCompletionStatus(port, bytes, key, got, 10_000), () -> "error " + GetLastError());
            assertSame(ov, got.value);
            assertEquals(BLOCK, bytes.value);
            long mismatch = buffer.mismatch(MemorySegment.ofArray(content).asSlice((long) block * BLOCK, BLOCK));
            assertEquals(-1, mismatch, "read " + i + " of block " + block);
        }
        assertFalse(GetQueuedCompletionStatus(port, bytes, key, got, 50));
        assertNull(got.value);
        assertEquals(WAIT_TIMEOUT, GetLastError());
    }
}
