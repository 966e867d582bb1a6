package io.iocp4j.win32.contract;

import io.iocp4j.engine.IoEngine;
import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.LARGE_INTEGER;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.OVERLAPPEDByReference;
import io.iocp4j.win32.OVERLAPPED_ENTRY;
import io.iocp4j.win32.ULONGByReference;
import io.iocp4j.win32.ULONG_PTRByReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.iocp4j.NtStatus.*;
import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Sections 1, 6, 7 and 10 with real overlapped file I/O through io_uring: the notification matrix, OVERLAPPED
 * identity and publication, association rules, and ReadFile/WriteFile on a port.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OverlappedFileContractTest {
    /** The VirtualAlloc blocks of the fixed-buffer test. */
    private static final int FIXED_BLOCK = 65536;

    @TempDir
    Path dir;

    /** GC-managed, so a buffer outlives any operation still holding it at teardown. */
    private final Arena arena = Arena.ofAuto();
    private final List<HANDLE> handles = new ArrayList<>();
    private final DWORDByReference bytes = new DWORDByReference();
    private final ULONG_PTRByReference key = new ULONG_PTRByReference();
    private final OVERLAPPEDByReference ov = new OVERLAPPEDByReference();
    private HANDLE port;

    @BeforeEach
    void openPort() {
        port = track(CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0));
    }

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

    private Path fileWith(byte[] content) throws Exception {
        Path p = Files.createTempFile(dir, "f", ".bin");
        Files.write(p, content);
        return p;
    }

    private HANDLE openOverlapped(Path p, int access) {
        return track(CreateFile(p.toString(), access, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, null));
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private MemorySegment buffer(int n) {
        return arena.allocate(n, 4096);
    }

    @Test
    @DisplayName("RET-1 FILE-2 GQCS-1 an overlapped read goes pending and completes as a packet with its key")
    void readCompletesThroughPort() throws Exception {
        byte[] data = pattern(100);
        HANDLE f = openOverlapped(fileWith(data), GENERIC_READ);
        Object perHandle = new Object();
        assertSame(port, CreateIoCompletionPort(f, port, perHandle, 0), "CICP-4 returns the existing port");
        OVERLAPPED o = new OVERLAPPED();
        o.Offset = 64;
        MemorySegment buf = buffer(64);
        DWORDByReference n = new DWORDByReference(0xDEADBEEF);
        boolean r = ReadFile(f, buf, 64, n, o);
        if (!r) {
            assertEquals(ERROR_IO_PENDING, GetLastError());
            assertEquals(0, n.value, "FILE-4 the count is 0 when the call pends");
        }
        assertTrue(GetQueuedCompletionStatus(port, bytes, key, ov, 5000), () -> "error " + GetLastError());
        assertEquals(36, bytes.value, "a read crossing EOF returns what there is");
        assertSame(perHandle, key.value);
        assertSame(o, ov.value, "CORE-5 the OVERLAPPED identity comes back");
        assertEquals(STATUS_SUCCESS, o.Internal);
        assertEquals(36, o.InternalHigh);
        for (int i = 0; i < 36; i++) {
            assertEquals(data[64 + i], buf.get(ValueLayout.JAVA_BYTE, i));
        }
    }

    @Test
    @DisplayName("FILE-2 GQCS-2 a read at EOF fails with ERROR_HANDLE_EOF through the port, with its OVERLAPPED")
    void readAtEof() throws Exception {
        HANDLE f = openOverlapped(fileWith(pattern(100)), GENERIC_READ);
        CreateIoCompletionPort(f, port, 9L, 0);
        OVERLAPPED o = new OVERLAPPED();
        o.Offset = 100;
        boolean r = ReadFile(f, buffer(64), 64, null, o);
        if (r) {
            fail("a read at EOF cannot succeed");
        }
        if (GetLastError() == ERROR_HANDLE_EOF) {
            assertFalse(GetQueuedCompletionStatus(port, bytes, key, ov, 100));
            assertEquals(WAIT_TIMEOUT, GetLastError());
            return;
        }
        assertEquals(ERROR_IO_PENDING, GetLastError());
        assertFalse(GetQueuedCompletionStatus(port, bytes, key, ov, 5000));
        assertEquals(ERROR_HANDLE_EOF, GetLastError());
        assertSame(o, ov.value, "a failed I/O dequeues FALSE with a non-NULL OVERLAPPED");
        assertEquals(9L, key.longValue());
        assertEquals(0, bytes.value);
        assertEquals(STATUS_END_OF_FILE, o.Internal);
    }

    @Test
    @DisplayName("FILE-2 on a synchronous handle a read at EOF is TRUE with 0 bytes and the file pointer advances")
    void synchronousReads() throws Exception {
        byte[] data = pattern(10);
        HANDLE f = track(CreateFile(fileWith(data).toString(), GENERIC_READ, 0, null, OPEN_EXISTING,
                FILE_ATTRIBUTE_NORMAL, null));
        MemorySegment buf = buffer(8);
        DWORDByReference n = new DWORDByReference();
        assertTrue(ReadFile(f, buf, 8, n, null));
        assertEquals(8, n.value);
        assertTrue(ReadFile(f, buf, 8, n, null));
        assertEquals(2, n.value);
        assertEquals(data[9], buf.get(ValueLayout.JAVA_BYTE, 1));
        assertTrue(ReadFile(f, buf, 8, n, null));
        assertEquals(0, n.value);
    }

    @Test
    @DisplayName("CICP-7 a handle opened without FILE_FLAG_OVERLAPPED cannot be associated")
    void synchronousHandleNotAssociable() throws Exception {
        HANDLE f = track(CreateFile(fileWith(pattern(1)).toString(), GENERIC_READ, 0, null, OPEN_EXISTING,
                FILE_ATTRIBUTE_NORMAL, null));
        assertNull(CreateIoCompletionPort(f, port, 1L, 0));
        assertEquals(ERROR_INVALID_PARAMETER, GetLastError());
    }

    @Test
    @DisplayName("CICP-6 a file object is associated once: every later association fails and the key stays")
    void associateOnce() throws Exception {
        HANDLE f = openOverlapped(fileWith(pattern(10)), GENERIC_READ);
        HANDLE other = track(CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0));
        assertSame(port, CreateIoCompletionPort(f, port, 1L, 0));
        assertNull(CreateIoCompletionPort(f, port, 2L, 0));
        assertEquals(ERROR_INVALID_PARAMETER, GetLastError());
        assertNull(CreateIoCompletionPort(f, other, 3L, 0));
        assertEquals(ERROR_INVALID_PARAMETER, GetLastError());
        ReadFile(f, buffer(10), 10, null, new OVERLAPPED());
        assertTrue(GetQueuedCompletionStatus(port, bytes, key, ov, 5000));
        assertEquals(1L, key.longValue());
        assertFalse(GetQueuedCompletionStatus(other, bytes, key, ov, 100));
    }

    @Test
    @DisplayName("CICP-3 create-and-associate in one call")
    void createAndAssociate() throws Exception {
        HANDLE f = openOverlapped(fileWith(pattern(10)), GENERIC_READ);
        HANDLE p = track(CreateIoCompletionPort(f, null, 7L, 0));
        ReadFile(f, buffer(10), 10, null, new OVERLAPPED());
        assertTrue(GetQueuedCompletionStatus(p, bytes, key, ov, 5000));
        assertEquals(7L, key.longValue());
    }

    @Test
    @DisplayName("CORE-6 the association is read at completion time; CICP-10 a new object is not associated")
    void associationAtCompletion() throws Exception {
        Path p = fileWith(pattern(10));
        HANDLE f = openOverlapped(p, GENERIC_READ);
        assertTrue(CloseHandle(f));
        handles.remove(f);
        HANDLE g = openOverlapped(p, GENERIC_READ);
        HANDLE e = track(CreateEvent(null, true, false, null));
        OVERLAPPED o = new OVERLAPPED();
        o.hEvent = e;
        ReadFile(g, buffer(10), 10, null, o);
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(e, 5000));
        assertFalse(GetQueuedCompletionStatus(port, bytes, key, ov, 100), "the new object is not associated");
        assertSame(port, CreateIoCompletionPort(g, port, 9L, 0));
    }

    @Test
    @DisplayName("OVL-2 OVL-5 Internal reads STATUS_PENDING at issue; HasOverlappedIoCompleted follows it")
    void pendingThenComplete() throws Exception {
        HANDLE f = openOverlapped(fileWith(pattern(4096)), GENERIC_READ);
        HANDLE e = track(CreateEvent(null, true, false, null));
        OVERLAPPED o = new OVERLAPPED();
        assertTrue(HasOverlappedIoCompleted(o), "a zeroed OVERLAPPED reads completed");
        o.Internal = 0xDEADBEEFL;
        o.InternalHigh = 0xDEADBEEFL;
        o.hEvent = e;
        boolean r = ReadFile(f, buffer(4096), 4096, null, o);
        assertTrue(r || GetLastError() == ERROR_IO_PENDING);
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(e, 5000));
        assertTrue(HasOverlappedIoCompleted(o));
        assertEquals(STATUS_SUCCESS, o.Internal);
        assertEquals(4096, o.InternalHigh);
        DWORDByReference n = new DWORDByReference();
        assertTrue(GetOverlappedResult(f, o, n, false));
        assertEquals(4096, n.value);
    }

    @Test
    @DisplayName("OVL-4 SUB-15 an event handle with bit 0 set suppresses the packet but is still signalled")
    void lowBitSuppressesPacket() throws Exception {
        HANDLE f = openOverlapped(fileWith(pattern(64)), GENERIC_READ);
        CreateIoCompletionPort(f, port, 1L, 0);
        HANDLE e = track(CreateEvent(null, true, false, null));
        OVERLAPPED o = new OVERLAPPED();
        o.hEvent = e.withTag(1);
        ReadFile(f, buffer(64), 64, null, o);
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(e.withTag(1), 5000), "waits ignore the tag bit too");
        DWORDByReference n = new DWORDByReference();
        assertTrue(GetOverlappedResult(f, o, n, true));
        assertEquals(64, n.value);
        assertFalse(GetQueuedCompletionStatus(port, bytes, key, ov, 100));
        assertEquals(WAIT_TIMEOUT, GetLastError());
    }

    @Test
    @DisplayName("GOR GetOverlappedResult(bWait=TRUE) without an event waits for the completion")
    void getOverlappedResultWaits() throws Exception {
        HANDLE f = openOverlapped(fileWith(pattern(1000)), GENERIC_READ);
        OVERLAPPED o = new OVERLAPPED();
        o.Offset = 1000;
        ReadFile(f, buffer(10), 10, null, o);
        DWORDByReference n = new DWORDByReference();
        assertFalse(GetOverlappedResult(f, o, n, true));
        assertEquals(ERROR_HANDLE_EOF, GetLastError());
    }

    @Test
    @DisplayName("FILE-3 FILE-8 a write past the end extends the file with zeros; the whole count is reported; "
            + "GetFileSizeEx on the overlapped handle gives 1010")
    void writeExtends() throws Exception {
        Path p = dir.resolve("w.bin");
        HANDLE f = track(CreateFile(p.toString(), GENERIC_READ | GENERIC_WRITE, 0, null, CREATE_NEW,
                FILE_FLAG_OVERLAPPED, null));
        CreateIoCompletionPort(f, port, 1L, 0);
        MemorySegment src = buffer(10);
        src.fill((byte) 'x');
        OVERLAPPED o = new OVERLAPPED();
        o.Offset = 1000;
        WriteFile(f, src, 10, null, o);
        assertTrue(GetQueuedCompletionStatus(port, bytes, key, ov, 5000));
        assertEquals(10, bytes.value);
        LARGE_INTEGER size = new LARGE_INTEGER();
        assertTrue(GetFileSizeEx(f, size));
        assertEquals(1010, size.QuadPart);
        byte[] onDisk = Files.readAllBytes(p);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, onDisk[i]);
        }
        assertEquals('x', onDisk[1005]);
    }

    @Test
    @DisplayName("FILE-1 SUB-14 dispositions and their errors; failure is INVALID_HANDLE_VALUE")
    void dispositions() throws Exception {
        Path p = dir.resolve("d.bin");
        String s = p.toString();
        assertEquals(INVALID_HANDLE_VALUE, CreateFile(s, GENERIC_READ, 0, null, OPEN_EXISTING, 0, null));
        assertEquals(ERROR_FILE_NOT_FOUND, GetLastError());
        assertEquals(INVALID_HANDLE_VALUE, CreateFile(dir.resolve("no/such/x").toString(), GENERIC_READ, 0, null,
                OPEN_EXISTING, 0, null));
        assertEquals(ERROR_PATH_NOT_FOUND, GetLastError());
        track(CreateFile(s, GENERIC_WRITE, 0, null, CREATE_NEW, 0, null));
        assertEquals(0, GetLastError());
        assertEquals(INVALID_HANDLE_VALUE, CreateFile(s, GENERIC_WRITE, 0, null, CREATE_NEW, 0, null));
        assertEquals(ERROR_FILE_EXISTS, GetLastError());
        track(CreateFile(s, GENERIC_WRITE, 0, null, CREATE_ALWAYS, 0, null));
        assertEquals(ERROR_ALREADY_EXISTS, GetLastError());
        track(CreateFile(s, GENERIC_READ, 0, null, OPEN_ALWAYS, 0, null));
        assertEquals(ERROR_ALREADY_EXISTS, GetLastError());
        track(CreateFile(dir.resolve("new.bin").toString(), GENERIC_READ, 0, null, OPEN_ALWAYS, 0, null));
        assertEquals(0, GetLastError());
        assertEquals(INVALID_HANDLE_VALUE, CreateFile(dir.toString(), GENERIC_READ, 0, null, OPEN_EXISTING, 0, null));
        assertEquals(ERROR_ACCESS_DENIED, GetLastError());
    }

    @Test
    @DisplayName("bounds: a length beyond the buffer fails with ERROR_NOACCESS and nothing is issued")
    void boundsChecked() throws Exception {
        HANDLE f = openOverlapped(fileWith(pattern(100)), GENERIC_READ);
        CreateIoCompletionPort(f, port, 1L, 0);
        assertFalse(ReadFile(f, buffer(10), 11, null, new OVERLAPPED()));
        assertEquals(ERROR_NOACCESS, GetLastError());
        assertFalse(ReadFile(f, MemorySegment.ofArray(new byte[10]), 10, null, new OVERLAPPED()));
        assertEquals(ERROR_NOACCESS, GetLastError());
        assertFalse(GetQueuedCompletionStatus(port, bytes, key, ov, 100));
    }

    @Test
    @DisplayName("RET-1 an overlapped handle without an OVERLAPPED is ERROR_INVALID_PARAMETER")
    void overlappedNeedsOverlapped() throws Exception {
        HANDLE f = openOverlapped(fileWith(pattern(100)), GENERIC_READ);
        assertFalse(ReadFile(f, buffer(10), 10, null, null));
        assertEquals(ERROR_INVALID_PARAMETER, GetLastError());
    }

    @Test
    @DisplayName("issue 7 FILE-5: 64 concurrent overlapped reads at random offsets, each completion identified by its "
            + "OVERLAPPED and verified; GQCSX batches them")
    void manyReadsInFlight() throws Exception {
        byte[] data = pattern(1 << 20);
        HANDLE f = openOverlapped(fileWith(data), GENERIC_READ);
        CreateIoCompletionPort(f, port, 1L, 0);
        Random rnd = new Random(1);
        int n = 64;
        OVERLAPPED[] ops = new OVERLAPPED[n];
        MemorySegment[] bufs = new MemorySegment[n];
        for (int i = 0; i < n; i++) {
            ops[i] = new OVERLAPPED();
            ops[i].Offset = rnd.nextInt(data.length - 4096);
            bufs[i] = buffer(4096);
            boolean r = ReadFile(f, bufs[i], 4096, null, ops[i]);
            assertTrue(r || GetLastError() == ERROR_IO_PENDING);
        }
        Set<OVERLAPPED> seen = new HashSet<>();
        OVERLAPPED_ENTRY[] entries = OVERLAPPED_ENTRY.array(16);
        ULONGByReference removed = new ULONGByReference();
        while (seen.size() < n) {
            assertTrue(GetQueuedCompletionStatusEx(port, entries, 16, removed, 5000, false));
            for (int i = 0; i < removed.value; i++) {
                assertEquals(STATUS_SUCCESS, entries[i].Internal);
                assertEquals(4096, entries[i].dwNumberOfBytesTransferred);
                assertTrue(seen.add(entries[i].lpOverlapped), "each operation completes exactly once");
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 4096; j += 97) {
                assertEquals(data[ops[i].Offset + j], bufs[i].get(ValueLayout.JAVA_BYTE, j));
            }
        }
        assertFalse(GetQueuedCompletionStatus(port, bytes, key, ov, 50));
    }

    @Test
    @DisplayName("issue 2: I/O issued by a thread that never waits is submitted while others sit in GQCS")
    void issueWhileOthersWait() throws Exception {
        HANDLE f = openOverlapped(fileWith(pattern(8192)), GENERIC_READ | GENERIC_WRITE);
        CreateIoCompletionPort(f, port, 1L, 0);
        int waiters = 4;
        int perIssuer = 200;
        CountDownLatch done = new CountDownLatch(perIssuer);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                DWORDByReference b = new DWORDByReference();
                ULONG_PTRByReference k = new ULONG_PTRByReference();
                OVERLAPPEDByReference o = new OVERLAPPEDByReference();
                while (GetQueuedCompletionStatus(port, b, k, o, INFINITE) && o.value != null) {
                    done.countDown();
                }
            }));
        }
        Thread.sleep(100);
        // Writes: a read of cached data would complete inside ReadFile, on the issuer, without the ring (FILE-7).
        Thread issuer = Thread.ofPlatform().start(() -> {
            MemorySegment buf = arena.allocate(8192);
            for (int i = 0; i < perIssuer; i++) {
                OVERLAPPED o = new OVERLAPPED();
                o.Offset = (i * 512) % 4096;
                WriteFile(f, buf, 4096, null, o);
            }
        });
        issuer.join();
        assertTrue(done.await(10, TimeUnit.SECONDS), "completions missing: " + done.getCount());
        for (int i = 0; i < waiters; i++) {
            PostQueuedCompletionStatus(port, 0, 0L, null);
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    @Test
    @DisplayName("FILE-6 LNX-20 FILE_FLAG_NO_BUFFERING: unaligned offset, length or buffer is "
            + "ERROR_INVALID_PARAMETER; EOF is not rounded")
    void unbufferedAlignment() throws Exception {
        HANDLE f = track(CreateFile(fileWith(pattern(5000)).toString(), GENERIC_READ, 0, null, OPEN_EXISTING,
                FILE_FLAG_OVERLAPPED | FILE_FLAG_NO_BUFFERING, null));
        CreateIoCompletionPort(f, port, 1L, 0);
        MemorySegment aligned = buffer(8192);
        OVERLAPPED o = new OVERLAPPED();
        o.Offset = 512;
        assertFalse(ReadFile(f, aligned, 4096, null, o));
        assertEquals(ERROR_INVALID_PARAMETER, GetLastError());
        assertFalse(ReadFile(f, aligned.asSlice(8), 4096, null, new OVERLAPPED()));
        assertEquals(ERROR_INVALID_PARAMETER, GetLastError());
        assertFalse(ReadFile(f, aligned, 100, null, new OVERLAPPED()));
        assertEquals(ERROR_INVALID_PARAMETER, GetLastError());
        assertFalse(GetQueuedCompletionStatus(port, bytes, key, ov, 50), "no packet for an immediate failure");
        boolean r = ReadFile(f, aligned, 8192, null, new OVERLAPPED());
        assertTrue(r || GetLastError() == ERROR_IO_PENDING);
        assertTrue(GetQueuedCompletionStatus(port, bytes, key, ov, 5000));
        assertEquals(5000, bytes.value);
    }

    @Test
    @DisplayName("FILE-8 FILE-9 FILE-10 FILE-11 file pointer moves, SetEndOfFile sizes, flush needs write access; "
            + "GetFileSizeEx on a bad handle is ERROR_INVALID_HANDLE")
    void pointerAndSize() throws Exception {
        Path p = fileWith(pattern(1010));
        HANDLE w = track(CreateFile(p.toString(), GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING,
                FILE_FLAG_OVERLAPPED, null));
        LARGE_INTEGER pos = new LARGE_INTEGER();
        assertFalse(SetFilePointerEx(w, -1, pos, FILE_BEGIN));
        assertEquals(ERROR_NEGATIVE_SEEK, GetLastError());
        assertFalse(SetFilePointerEx(w, 0, pos, 7));
        assertEquals(ERROR_INVALID_PARAMETER, GetLastError());
        assertTrue(SetFilePointerEx(w, 4096, pos, FILE_END));
        assertEquals(5106, pos.QuadPart);
        assertTrue(SetEndOfFile(w));
        assertEquals(5106, Files.size(p));
        assertTrue(SetFilePointerEx(w, 10, pos, FILE_BEGIN));
        assertTrue(SetEndOfFile(w));
        assertEquals(10, Files.size(p));
        assertTrue(FlushFileBuffers(w));
        HANDLE r = track(CreateFile(p.toString(), GENERIC_READ, 0, null, OPEN_EXISTING, 0, null));
        assertFalse(FlushFileBuffers(r));
        assertEquals(ERROR_ACCESS_DENIED, GetLastError());
        assertFalse(SetEndOfFile(r));
        assertEquals(ERROR_ACCESS_DENIED, GetLastError());
        assertFalse(GetFileSizeEx(HANDLE.of(0x7FFFFFF0L), new LARGE_INTEGER()));
        assertEquals(ERROR_INVALID_HANDLE, GetLastError());
    }

    @Test
    @DisplayName("RFX-1 RFX-2 RFX-4 ReadFileEx: TRUE, the routine runs once, on this thread, in SleepEx, with Win32 "
            + "codes")
    void readFileEx() throws Exception {
        HANDLE f = openOverlapped(fileWith(pattern(100)), GENERIC_READ);
        java.util.List<String> calls = new java.util.ArrayList<>();
        Thread me = Thread.currentThread();
        OVERLAPPED o = new OVERLAPPED();
        assertTrue(ReadFileEx(f, buffer(100), 100, o,
                (err, n, ovl) -> calls.add(err + "/" + n + "/" + (ovl == o) + "/" + (Thread.currentThread() == me))));
        Thread other = Thread.ofPlatform().start(() -> assertEquals(0, SleepEx(100, true)));
        other.join();
        Thread.sleep(100);
        assertTrue(calls.isEmpty(), "not run outside this thread's alertable wait");
        assertEquals(WAIT_IO_COMPLETION, SleepEx(5000, true));
        assertEquals(java.util.List.of("0/100/true/true"), calls);
        OVERLAPPED atEof = new OVERLAPPED();
        atEof.Offset = 100;
        assertTrue(ReadFileEx(f, buffer(10), 10, atEof, (err, n, ovl) -> calls.add("eof " + err)));
        assertEquals(WAIT_IO_COMPLETION, SleepEx(5000, true));
        assertEquals("eof " + ERROR_HANDLE_EOF, calls.get(1));
    }

    @Test
    @DisplayName("RFX-3 ReadFileEx on a port-associated handle is ERROR_INVALID_PARAMETER")
    void readFileExNotOnPorts() throws Exception {
        HANDLE f = openOverlapped(fileWith(pattern(100)), GENERIC_READ);
        CreateIoCompletionPort(f, port, 1L, 0);
        assertFalse(ReadFileEx(f, buffer(100), 100, new OVERLAPPED(), (err, n, ovl) -> { }));
        assertEquals(ERROR_INVALID_PARAMETER, GetLastError());
    }

    @Test
    @DisplayName("OVL-3 Offset/OffsetHigh are the 64-bit position of overlapped file I/O; the file pointer is neither "
            + "used nor moved")
    void offsetIsThePosition() throws Exception {
        Path p = dir.resolve("sparse.bin");
        HANDLE f = track(CreateFile(p.toString(), GENERIC_READ | GENERIC_WRITE, 0, null, CREATE_NEW,
                FILE_FLAG_OVERLAPPED, null));
        CreateIoCompletionPort(f, port, 1L, 0);
        LARGE_INTEGER pos = new LARGE_INTEGER();
        assertTrue(SetFilePointerEx(f, 3, pos, FILE_BEGIN));
        MemorySegment src = buffer(4);
        MemorySegment.copy("high".getBytes(), 0, src, ValueLayout.JAVA_BYTE, 0, 4);
        OVERLAPPED w = new OVERLAPPED();
        w.Offset = 5;
        w.OffsetHigh = 1;
        WriteFile(f, src, 4, null, w);
        assertTrue(GetQueuedCompletionStatus(port, bytes, key, ov, 5000), () -> "error " + GetLastError());
        assertEquals(4, bytes.value);
        LARGE_INTEGER size = new LARGE_INTEGER();
        assertTrue(GetFileSizeEx(f, size));
        assertEquals((1L << 32) + 9, size.QuadPart, "OffsetHigh is the high 32 bits");
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(p.toFile(), "r")) {
            raf.seek((1L << 32) + 5);
            byte[] b = new byte[4];
            raf.readFully(b);
            assertEquals("high", new String(b));
        }
        MemorySegment low = buffer(4);
        MemorySegment.copy("low!".getBytes(), 0, low, ValueLayout.JAVA_BYTE, 0, 4);
        WriteFile(f, low, 4, null, new OVERLAPPED());
        assertTrue(GetQueuedCompletionStatus(port, bytes, key, ov, 5000));
        MemorySegment in = buffer(4);
        OVERLAPPED r = new OVERLAPPED();
        r.Offset = 5;
        r.OffsetHigh = 1;
        ReadFile(f, in, 4, null, r);
        assertTrue(GetQueuedCompletionStatus(port, bytes, key, ov, 5000));
        assertEquals("high", new String(in.toArray(ValueLayout.JAVA_BYTE)));
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(p.toFile(), "r")) {
            byte[] b = new byte[4];
            raf.readFully(b);
            assertEquals("low!", new String(b), "Offset 0 wrote at 0, not at the file pointer (3)");
        }
        assertTrue(SetFilePointerEx(f, 0, pos, FILE_CURRENT));
        assertEquals(3, pos.QuadPart, "the file pointer did not move");
    }

    @Test
    @DisplayName("FILE-7 FILE-4 RET-5 CORE-2 a read served from the page cache completes at once: TRUE, the count, "
            + "Internal, the event set, and its packet all the same")
    void cachedReadCompletesAtOnce() throws Exception {
        byte[] data = pattern(8192);
        HANDLE f = openOverlapped(fileWith(data), GENERIC_READ);  // just written: in the page cache
        CreateIoCompletionPort(f, port, 7L, 0);
        HANDLE e = track(CreateEvent(null, true, false, null));
        OVERLAPPED o = new OVERLAPPED();
        o.Offset = 4096;
        o.hEvent = e;
        MemorySegment buf = buffer(4096);
        DWORDByReference n = new DWORDByReference(0xDEADBEEF);
        assertTrue(ReadFile(f, buf, 4096, n, o), () -> "error " + GetLastError());
        assertEquals(4096, n.value, "FILE-4 the count of an immediate completion");
        assertEquals(STATUS_SUCCESS, o.Internal);
        assertEquals(4096, o.InternalHigh);
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(e, 0), "the event is set before the call returns");
        assertEquals(-1, buf.mismatch(MemorySegment.ofArray(data).asSlice(4096)));
        assertTrue(GetQueuedCompletionStatus(port, bytes, key, ov, 5000), () -> "RET-5 the packet, error " + GetLastError());
        assertSame(o, ov.value);
        assertEquals(7L, key.longValue());
        assertEquals(4096, bytes.value);
        assertFalse(GetQueuedCompletionStatus(port, bytes, key, ov, 50), "one packet");
    }

    @Test
    @DisplayName("FILE-7 SKIP-1 in skip mode a read served from the cache queues no packet; its event is set, "
            + "a read that pends still queues one")
    void cachedReadInSkipMode() throws Exception {
        byte[] data = pattern(8192);
        Path p = fileWith(data);
        HANDLE f = openOverlapped(p, GENERIC_READ);
        CreateIoCompletionPort(f, port, 7L, 0);
        assertTrue(SetFileCompletionNotificationModes(f, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS));
        HANDLE e = track(CreateEvent(null, true, false, null));
        OVERLAPPED o = new OVERLAPPED();
        o.hEvent = e;
        DWORDByReference n = new DWORDByReference(0xDEADBEEF);
        assertTrue(ReadFile(f, buffer(4096), 4096, n, o), () -> "error " + GetLastError());
        assertEquals(4096, n.value);
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(e, 0));
        assertFalse(GetQueuedCompletionStatus(port, bytes, key, ov, 200), "no packet for an immediate success");
        assertEquals(WAIT_TIMEOUT, GetLastError());
        assertNull(ov.value);

        OVERLAPPED cold = coldReadPending(f, p, buffer(4096), 4096, false);
        assertTrue(GetQueuedCompletionStatus(port, bytes, key, ov, 5000), "a pending operation always queues");
        assertSame(cold, ov.value);
        assertEquals(4096, bytes.value);
    }

    /**
     * Reads 4 KiB-aligned data at {@code offset} after putting the file out of the page cache, and returns the
     * OVERLAPPED of a read that went pending (FILE-4: count 0). The call's own look into the cache starts the disk
     * read (the kernel's synchronous read-ahead), and a fast disk can finish it within the call: that read then
     * completes at once, correctly (RET-7), its packet is taken ({@code packetIfAtOnce}: none in skip mode), and
     * the file is evicted and read again, up to 20 times.
     */
    private OVERLAPPED coldReadPending(HANDLE f, Path p, MemorySegment buf, long offset, boolean packetIfAtOnce)
            throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            PageCache.evict(p);
            OVERLAPPED o = new OVERLAPPED();
            o.Offset = (int) offset;
            DWORDByReference n = new DWORDByReference(0xDEADBEEF);
            if (!ReadFile(f, buf, (int) buf.byteSize(), n, o)) {
                assertEquals(ERROR_IO_PENDING, GetLastError());
                assertEquals(0, n.value, "FILE-4 the count is 0 when the call pends");
                return o;
            }
            assertEquals(buf.byteSize(), n.value);
            if (packetIfAtOnce) {
                assertTrue(GetQueuedCompletionStatus(port, bytes, key, ov, 5000), "RET-5 its packet");
                assertSame(o, ov.value);
            }
        }
        return fail("a read of data on disk never went pending in 20 attempts");
    }

    @Test
    @DisplayName("FILE-7 RET-7 a read of data that is not in the page cache goes pending and completes through the "
            + "port; the same read again, now cached, completes at once")
    void uncachedReadGoesPending() throws Exception {
        byte[] data = pattern(64 << 10);
        Path p = fileWith(data);
        HANDLE f = openOverlapped(p, GENERIC_READ);
        CreateIoCompletionPort(f, port, 8L, 0);
        for (boolean cached : new boolean[] {false, true}) {
            MemorySegment buf = buffer(16384);
            OVERLAPPED o;
            if (cached) {
                o = new OVERLAPPED();
                o.Offset = 12288;
                DWORDByReference n = new DWORDByReference(0xDEADBEEF);
                assertTrue(ReadFile(f, buf, 16384, n, o), () -> "error " + GetLastError());
                assertEquals(16384, n.value);
            } else {
                o = coldReadPending(f, p, buf, 12288, true);
            }
            assertTrue(GetQueuedCompletionStatus(port, bytes, key, ov, 5000), () -> "error " + GetLastError());
            assertSame(o, ov.value);
            assertEquals(16384, bytes.value);
            assertEquals(-1, buf.mismatch(MemorySegment.ofArray(data).asSlice(12288, 16384)));
        }
        assertFalse(GetQueuedCompletionStatus(port, bytes, key, ov, 50), "one packet each");
    }

    @Test
    @DisplayName("FILE-12 closing a FIFO with two reads pending: two packets, 995, the file's key; closing again is "
            + "ERROR_INVALID_HANDLE")
    void closeCancelsPendingReads() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mk.waitFor());
        HANDLE f = CreateFile(fifo.toString(), GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING,
                FILE_FLAG_OVERLAPPED, null);
        assertNotEquals(INVALID_HANDLE_VALUE, f, () -> "error " + GetLastError());
        CreateIoCompletionPort(f, port, 12L, 0);
        HANDLE e = track(CreateEvent(null, true, false, null));
        OVERLAPPED a = new OVERLAPPED();
        a.hEvent = e;
        OVERLAPPED b = new OVERLAPPED();
        assertFalse(ReadFile(f, buffer(16), 16, null, a));
        assertEquals(ERROR_IO_PENDING, GetLastError());
        assertFalse(ReadFile(f, buffer(16), 16, null, b));
        assertEquals(ERROR_IO_PENDING, GetLastError());
        assertFalse(GetQueuedCompletionStatus(port, bytes, key, ov, 100), "nothing to read: both pend");
        assertTrue(CloseHandle(f));
        Set<OVERLAPPED> seen = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            assertFalse(GetQueuedCompletionStatus(port, bytes, key, ov, 5000));
            assertNotNull(ov.value, () -> "a packet, error " + GetLastError());
            assertEquals(ERROR_OPERATION_ABORTED, GetLastError());
            assertEquals(12L, key.longValue());
            assertEquals(0, bytes.value);
            seen.add(ov.value);
        }
        assertEquals(Set.of(a, b), seen);
        assertEquals(WAIT_OBJECT_0, WaitForSingleObject(e, 0), "the event is set");
        assertFalse(GetQueuedCompletionStatus(port, bytes, key, ov, 100), "exactly two");
        assertFalse(CloseHandle(f));
        assertEquals(ERROR_INVALID_HANDLE, GetLastError());
    }

    @Test
    @DisplayName("LNX-18 CAN-5 cancelling regular-file reads is best effort: each completes exactly once, in full or "
            + "with 995")
    void fileCancelBestEffort() throws Exception {
        byte[] data = pattern(4 << 20);
        Path p = fileWith(data);
        PageCache.evict(p);  // reads served from the cache would complete at once, with nothing left to cancel
        // No read-ahead: each read's range stays on disk until that read fetches it.
        HANDLE f = track(CreateFile(p.toString(), GENERIC_READ, 0, null, OPEN_EXISTING,
                FILE_FLAG_OVERLAPPED | FILE_FLAG_RANDOM_ACCESS, null));
        CreateIoCompletionPort(f, port, 3L, 0);
        int n = 32;
        int size = 128 << 10;
        OVERLAPPED[] ops = new OVERLAPPED[n];
        MemorySegment[] bufs = new MemorySegment[n];
        int pended = 0;
        for (int i = 0; i < n; i++) {
            ops[i] = new OVERLAPPED();
            ops[i].Offset = i * size;
            bufs[i] = buffer(size);
            // RET-7: the call's look into the cache starts the disk read, which a fast disk can finish within it;
            // such a read completes at once and still queues its packet, checked below like the others.
            if (!ReadFile(f, bufs[i], size, null, ops[i])) {
                assertEquals(ERROR_IO_PENDING, GetLastError());
                pended++;
            }
        }
        assertTrue(pended > 0, "reads of data on disk go pending: there is something to cancel");
        assertTrue(CancelIoEx(f, null) || GetLastError() == ERROR_NOT_FOUND);
        Set<OVERLAPPED> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            boolean ok = GetQueuedCompletionStatus(port, bytes, key, ov, 5000);
            assertNotNull(ov.value, () -> "a packet, error " + GetLastError());
            assertTrue(seen.add(ov.value), "each read completes once");
            if (ok) {
                assertEquals(size, bytes.value);
                int k = java.util.Arrays.asList(ops).indexOf(ov.value);
                for (int j = 0; j < size; j += 509) {
                    assertEquals(data[k * size + j], bufs[k].get(ValueLayout.JAVA_BYTE, j));
                }
            } else {
                assertEquals(ERROR_OPERATION_ABORTED, GetLastError());
                assertEquals(0, bytes.value);
            }
        }
        assertFalse(GetQueuedCompletionStatus(port, bytes, key, ov, 100), "no more packets");
    }

    @Test
    @DisplayName("LNX-19 FILE-3 Offset = OffsetHigh = 0xFFFFFFFF appends at the end of what is there: pairs of "
            + "concurrent 100-byte appends never overlap")
    void appendWrites() throws Exception {
        byte[] existing = new byte[50];
        java.util.Arrays.fill(existing, (byte) 'x');
        Path p = fileWith(existing);
        HANDLE f = openOverlapped(p, GENERIC_READ | GENERIC_WRITE);
        CreateIoCompletionPort(f, port, 1L, 0);
        for (int round = 0; round < 10; round++) {
            for (byte c : new byte[] {'a', 'b'}) {
                MemorySegment src = buffer(100);
                src.fill(c);
                OVERLAPPED o = new OVERLAPPED();
                o.Offset = 0xFFFFFFFF;
                o.OffsetHigh = 0xFFFFFFFF;
                boolean r = WriteFile(f, src, 100, null, o);
                assertTrue(r || GetLastError() == ERROR_IO_PENDING, () -> "error " + GetLastError());
            }
            for (int i = 0; i < 2; i++) {
                assertTrue(GetQueuedCompletionStatus(port, bytes, key, ov, 5000), () -> "error " + GetLastError());
                assertEquals(100, bytes.value);
            }
        }
        byte[] onDisk = Files.readAllBytes(p);
        assertEquals(2050, onDisk.length);
        assertArrayEquals(existing, java.util.Arrays.copyOf(onDisk, 50), "what was there stays");
        int[] count = new int[128];
        for (int block = 0; block < 20; block++) {
            int start = 50 + block * 100;
            count[onDisk[start]]++;
            for (int i = 1; i < 100; i++) {
                assertEquals(onDisk[start], onDisk[start + i], "block " + block + " is one append");
            }
        }
        assertEquals(10, count['a']);
        assertEquals(10, count['b']);
    }

    @Test
    @DisplayName("LNX-25 FILE-1 share modes are not enforced on Linux: a second open with share mode 0 succeeds and "
            + "both handles see the same file")
    void shareModesIgnored() throws Exception {
        Path p = fileWith(new byte[16]);
        HANDLE a = track(CreateFile(p.toString(), GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING,
                FILE_FLAG_OVERLAPPED, null));
        HANDLE b = CreateFile(p.toString(), GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING,
                FILE_FLAG_OVERLAPPED, null);
        assertNotEquals(INVALID_HANDLE_VALUE, b, () -> "Windows would fail with 32; here error " + GetLastError());
        track(b);
        MemorySegment src = buffer(4);
        MemorySegment.copy("AbCd".getBytes(), 0, src, ValueLayout.JAVA_BYTE, 0, 4);
        OVERLAPPED w = new OVERLAPPED();
        WriteFile(a, src, 4, null, w);
        DWORDByReference n = new DWORDByReference();
        assertTrue(GetOverlappedResult(a, w, n, true));
        MemorySegment in = buffer(4);
        OVERLAPPED r = new OVERLAPPED();
        ReadFile(b, in, 4, null, r);
        assertTrue(GetOverlappedResult(b, r, n, true));
        assertEquals("AbCd", new String(in.toArray(ValueLayout.JAVA_BYTE)));
    }

    // ---- VirtualAlloc memory as io_uring fixed buffers for unbuffered I/O ----

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

    private void transfer(HANDLE f, MemorySegment buffer, long offset, boolean write) {
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

    /** A new file opened for unbuffered overlapped reads and writes, associated with the port. */
    private HANDLE unbufferedOnPort(Path p) {
        HANDLE f = track(CreateFile(p.toString(), GENERIC_READ | GENERIC_WRITE, 0, null, CREATE_ALWAYS,
                FILE_FLAG_OVERLAPPED | FILE_FLAG_NO_BUFFERING, null));
        assertSame(port, CreateIoCompletionPort(f, port, 1L, 0));
        return f;
    }

    @Test
    @DisplayName("FILE-2 FILE-6 VirtualAlloc memory made and dropped over and over (more regions than slots, at "
            + "addresses the allocator reuses): every unbuffered read lands in the memory it names; all slots return")
    void fixedBufferChurn() throws Exception {
        HANDLE f = unbufferedOnPort(dir.resolve("churn.bin"));
        int before = settledRegistrations();
        int distinct = churn(f, 1000);
        assertTrue(distinct < 1000, "the allocator reused addresses (" + distinct + " distinct in 1,000 rounds), "
                + "so regions at one address had to be told apart");
        assertEquals(before, settledRegistrations(), "every slot given back");
    }

    /** Rounds of write-then-read-back through fresh VirtualAlloc blocks; returns how many read addresses differed. */
    private int churn(HANDLE f, int rounds) {
        Set<Long> addresses = new HashSet<>();
        for (int i = 0; i < rounds; i++) {
            MemorySegment out = VirtualAlloc(null, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
            out.fill((byte) (i * 7 + 1));
            out.set(ValueLayout.JAVA_INT, 0, i);
            long offset = (i % 16) * 4096L;
            transfer(f, out, offset, true);
            MemorySegment in = VirtualAlloc(null, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
            transfer(f, in, offset, false);
            assertEquals(-1, out.mismatch(in), "round " + i);
            addresses.add(in.address());
            if (i % 50 == 49) {
                System.gc();
            }
        }
        return addresses.size();
    }

    @Test
    @DisplayName("FILE-2 FILE-6 unbuffered writes and reads from VirtualAlloc memory (whole blocks and slices) move "
            + "the right bytes through fixed buffers; the registrations end when the memory is unreachable")
    void unbufferedThroughFixedBuffers() throws Exception {
        Path p = dir.resolve("fixed.bin");
        HANDLE f = unbufferedOnPort(p);
        int before = settledRegistrations();

        writeAndReadBack(f, p, before);
        assertEquals(before, settledRegistrations(), "let go with the memory");
    }

    /** In a method of its own, so that no frame of the test still holds the blocks afterwards. */
    private void writeAndReadBack(HANDLE f, Path p, int before) throws Exception {
        byte[] data = new byte[3 * FIXED_BLOCK];
        new Random(42).nextBytes(data);
        MemorySegment[] blocks = new MemorySegment[3];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = VirtualAlloc(null, FIXED_BLOCK, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
            MemorySegment.copy(data, i * FIXED_BLOCK, blocks[i], ValueLayout.JAVA_BYTE, 0, FIXED_BLOCK);
            transfer(f, blocks[i], (long) i * FIXED_BLOCK, true);
        }
        assertEquals(before + 3, IoEngine.shared().fixedBuffersRegistered(), "one registration per block");
        assertArrayEquals(data, Files.readAllBytes(p), "what the writes put in the file");

        for (int i = 0; i < blocks.length; i++) {
            blocks[i].fill((byte) 0);
            transfer(f, blocks[i].asSlice(4096, FIXED_BLOCK - 8192), (long) i * FIXED_BLOCK + 4096, false);
            transfer(f, blocks[i].asSlice(0, 4096), (long) i * FIXED_BLOCK, false);
            transfer(f, blocks[i].asSlice(FIXED_BLOCK - 4096), (long) (i + 1) * FIXED_BLOCK - 4096, false);
            MemorySegment expected = MemorySegment.ofArray(data).asSlice((long) i * FIXED_BLOCK, FIXED_BLOCK);
            assertEquals(-1, expected.mismatch(blocks[i]), "block " + i + " read back");
        }
        assertEquals(before + 3, IoEngine.shared().fixedBuffersRegistered(), "slices reuse their block's slot");
        for (MemorySegment b : blocks) {
            assertTrue(VirtualFree(b, 0, MEM_RELEASE));
        }
    }
}
