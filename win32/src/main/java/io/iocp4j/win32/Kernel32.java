package io.iocp4j.win32;

import io.iocp4j.Apcs;
import io.iocp4j.Completion;
import io.iocp4j.CompletionBatch;
import io.iocp4j.CompletionPort;
import io.iocp4j.engine.IoEngine;
import io.iocp4j.IoObject;
import io.iocp4j.NtStatus;
import io.iocp4j.Parking;
import io.iocp4j.PortBlocking;
import io.iocp4j.PortClosedException;

import io.iocp4j.ErrnoMapping;
import io.iocp4j.Event;
import io.iocp4j.file.FileObject;

import java.lang.foreign.MemorySegment;

import static io.iocp4j.win32.WinError.*;

/**
 * The kernel32 functions of the IOCP model, with Win32's names, parameter order, return conventions and error
 * numbers. Use with {@code import static io.iocp4j.win32.Kernel32.*;}. Each function validates, translates and
 * calls the core; the Javadoc names the contract rules it implements.
 *
 * <p>Java spellings: {@code NULL} is {@code null}; {@code DWORD} is {@code int} (unsigned, so {@code INFINITE} is
 * -1); out-parameters are the {@code *ByReference} holders; completion keys are Java references (see
 * {@link ULONG_PTRByReference}).
 */
public final class Kernel32 {
    public static final int INFINITE = 0xFFFFFFFF;
    public static final HANDLE INVALID_HANDLE_VALUE = HANDLE.INVALID_HANDLE_VALUE;
    public static final int FILE_SKIP_COMPLETION_PORT_ON_SUCCESS = IoObject.FILE_SKIP_COMPLETION_PORT_ON_SUCCESS;
    public static final int FILE_SKIP_SET_EVENT_ON_HANDLE = IoObject.FILE_SKIP_SET_EVENT_ON_HANDLE;

    private static final ThreadLocal<Completion> COMPLETION = ThreadLocal.withInitial(Completion::new);
    private static final ThreadLocal<CompletionBatch[]> BATCH = ThreadLocal.withInitial(() -> new CompletionBatch[1]);

    private Kernel32() {
    }

    // ---- last error (CORE-8) ----

    public static int GetLastError() {
        return LastError.get();
    }

    public static void SetLastError(int dwErrCode) {
        LastError.set(dwErrCode);
    }

    // ---- completion ports ----

    /**
     * Creates a port, associates a file object with a port, or both (CICP-1..8). Returns NULL on failure, never
     * INVALID_HANDLE_VALUE (CICP-1); associating with an existing port returns that same handle (CICP-4).
     * Fails with ERROR_NOT_SUPPORTED when io_uring is unavailable; FormatMessage gives the cause and remedy.
     */
    public static HANDLE CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort,
                                                Object CompletionKey, int NumberOfConcurrentThreads) {
        if (FileHandle == INVALID_HANDLE_VALUE) {
            if (ExistingCompletionPort != null) {
                LastError.set(ERROR_INVALID_PARAMETER);
                return null;
            }
            return newPort(NumberOfConcurrentThreads);
        }
        IoObject file = HandleTable.resolve(FileHandle, IoObject.class);
        if (file == null) {
            LastError.set(ERROR_INVALID_HANDLE);
            return null;
        }
        if (ExistingCompletionPort == null) {
            HANDLE created = newPort(NumberOfConcurrentThreads);
            if (created != null && !associate(file, HandleTable.resolve(created, CompletionPort.class), CompletionKey)) {
                HandleTable.close(created);
                return null;
            }
            return created;
        }
        CompletionPort port = HandleTable.resolve(ExistingCompletionPort, CompletionPort.class);
        if (port == null) {
            LastError.set(ERROR_INVALID_HANDLE);
            return null;
        }
        return associate(file, port, CompletionKey) ? ExistingCompletionPort : null;
    }

    private static HANDLE newPort(int concurrency) {
        if (!IoEngine.isAvailable()) {
            LastError.set(ERROR_NOT_SUPPORTED);
            return null;
        }
        CompletionPort port = CompletionPort.open(concurrency);
        return HandleTable.open(port, port::close, HANDLE::new);
    }

    /** Only overlapped objects, only once (CICP-6, CICP-7). */
    private static boolean associate(IoObject file, CompletionPort port, Object key) {
        if (!file.isOverlapped() || !file.associate(port, key)) {
            return LastError.fail(ERROR_INVALID_PARAMETER);
        }
        return true;
    }

    /**
     * Dequeues one packet (GQCS-1..7). TRUE: an I/O success or a posted packet (GQCS-5). FALSE with a non-NULL
     * OVERLAPPED: a failed I/O, with GetLastError the Win32 mapping of its status (GQCS-2). FALSE with NULL: no
     * packet, and the byte count and key are left untouched (GQCS-3); the error is WAIT_TIMEOUT,
     * ERROR_ABANDONED_WAIT_0 (port closed during the wait) or ERROR_INVALID_HANDLE. The last error is not
     * modified on success (CORE-8). Never runs APCs (GQCS-18).
     */
    public static boolean GetQueuedCompletionStatus(HANDLE CompletionPort, DWORDByReference lpNumberOfBytesTransferred,
                                                    ULONG_PTRByReference lpCompletionKey,
                                                    OVERLAPPEDByReference lpOverlapped, int dwMilliseconds) {
        CompletionPort port = HandleTable.resolve(CompletionPort, CompletionPort.class);
        if (port == null) {
            lpOverlapped.value = null;
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        Completion c = COMPLETION.get();
        int r = port.dequeue(c, timeoutNanos(dwMilliseconds), false);
        if (r <= 0) {
            lpOverlapped.value = null;
            return LastError.fail(r == io.iocp4j.CompletionPort.TIMEOUT ? WAIT_TIMEOUT : ERROR_ABANDONED_WAIT_0);
        }
        lpNumberOfBytesTransferred.value = c.bytesTransferred();
        lpCompletionKey.value = c.key();
        lpOverlapped.value = (OVERLAPPED) c.overlapped();
        return succeeded(c.status()) || LastError.fail(ErrorMapping.toWin32(c.status()));
    }

    /**
     * Dequeues up to {@code ulCount} already-queued packets without waiting to fill the batch (GQCSX-1). A failed
     * I/O does not make the call fail: each entry carries its own status (GQCSX-2). FALSE with 0 entries on
     * timeout (WAIT_TIMEOUT), when APCs ran in an alertable wait (WAIT_IO_COMPLETION, GQCSX-4), when the port was
     * closed (ERROR_ABANDONED_WAIT_0), and for bad arguments (GQCSX-5).
     */
    public static boolean GetQueuedCompletionStatusEx(HANDLE CompletionPort, OVERLAPPED_ENTRY[] lpCompletionPortEntries,
                                                      int ulCount, ULONGByReference ulNumEntriesRemoved,
                                                      int dwMilliseconds, boolean fAlertable) {
        CompletionPort port = HandleTable.resolve(CompletionPort, CompletionPort.class);
        if (port == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        if (ulCount <= 0 || lpCompletionPortEntries == null || lpCompletionPortEntries.length < ulCount
                || ulNumEntriesRemoved == null) {
            return LastError.fail(ERROR_INVALID_PARAMETER);
        }
        CompletionBatch batch = batch(ulCount);
        int r = port.dequeue(batch, ulCount, timeoutNanos(dwMilliseconds), fAlertable);
        if (r <= 0) {
            ulNumEntriesRemoved.value = 0;
            return LastError.fail(switch (r) {
                case io.iocp4j.CompletionPort.TIMEOUT -> WAIT_TIMEOUT;
                case io.iocp4j.CompletionPort.ALERTED -> WAIT_IO_COMPLETION;
                default -> ERROR_ABANDONED_WAIT_0;
            });
        }
        for (int i = 0; i < r; i++) {
            OVERLAPPED_ENTRY e = lpCompletionPortEntries[i];
            e.lpCompletionKey = batch.key(i);
            e.lpOverlapped = (OVERLAPPED) batch.overlapped(i);
            e.Internal = batch.status(i);
            e.dwNumberOfBytesTransferred = batch.bytesTransferred(i);
        }
        ulNumEntriesRemoved.value = r;
        return true;
    }

    /**
     * Queues a packet carrying exactly these values with status success (PQCS-1); the OVERLAPPED is never read or
     * written (GQCS-19, PQCS-5). FALSE/ERROR_INVALID_HANDLE for a closed or non-port handle (PQCS-3).
     */
    public static boolean PostQueuedCompletionStatus(HANDLE CompletionPort, int dwNumberOfBytesTransferred,
                                                     Object dwCompletionKey, OVERLAPPED lpOverlapped) {
        CompletionPort port = HandleTable.resolve(CompletionPort, CompletionPort.class);
        if (port == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        try {
            port.post(dwNumberOfBytesTransferred, dwCompletionKey, lpOverlapped);
            return true;
        } catch (PortClosedException closedMeanwhile) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
    }

    /**
     * Closes a handle; the object goes when its last handle does (CORE-1). For a port, every waiter returns
     * ERROR_ABANDONED_WAIT_0 (GQCS-7); a second close fails with ERROR_INVALID_HANDLE (CICP-4).
     */
    public static boolean CloseHandle(HANDLE hObject) {
        return HandleTable.close(hObject) || LastError.fail(ERROR_INVALID_HANDLE);
    }

    /** Notification modes of a file object: sticky, accumulating (SKIP-1..4). */
    public static boolean SetFileCompletionNotificationModes(HANDLE FileHandle, int Flags) {
        IoObject file = HandleTable.resolve(FileHandle, IoObject.class);
        if (file == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        if ((Flags & ~(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE)) != 0) {
            return LastError.fail(ERROR_INVALID_PARAMETER);
        }
        file.addNotificationModes(Flags);
        return true;
    }

    /**
     * {@code ZeroMemory(&ov, sizeof(OVERLAPPED))} / {@code memset(&ov, 0, sizeof ov)}: clears the OVERLAPPED part of
     * a per-I/O structure before it is reused for a new operation.
     */
    public static void ZeroMemory(OVERLAPPED ov) {
        ov.Internal = 0;
        ov.InternalHigh = 0;
        ov.Offset = 0;
        ov.OffsetHigh = 0;
        ov.hEvent = null;
    }

    /** {@code MAKEWORD(low, high)}, as WSAStartup's version argument is spelled. */
    public static short MAKEWORD(int low, int high) {
        return (short) ((low & 0xFF) | (high & 0xFF) << 8);
    }

    /**
     * ntdll's {@code RtlNtStatusToDosError}: the Win32 error for an NTSTATUS, as GetQueuedCompletionStatus would
     * report it; what a GetQueuedCompletionStatusEx loop applies to {@code entry.Internal} (contract 14.2).
     */
    public static int RtlNtStatusToDosError(long Status) {
        return ErrorMapping.toWin32((int) Status);
    }

    /** {@code lpOverlapped->Internal != STATUS_PENDING} (OVL-5); an acquire read (CORE-4). */
    public static boolean HasOverlappedIoCompleted(OVERLAPPED lpOverlapped) {
        return lpOverlapped.Internal != NtStatus.STATUS_PENDING;
    }

    /** GetCurrentProcess's pseudo-handle, {@code (HANDLE)-1} as on Windows: the only process there is. */
    public static final HANDLE CURRENT_PROCESS = HANDLE.INVALID_HANDLE_VALUE;
    public static final int DUPLICATE_CLOSE_SOURCE = 0x1;
    public static final int DUPLICATE_SAME_ACCESS = 0x2;

    public static HANDLE GetCurrentProcess() {
        return CURRENT_PROCESS;
    }

    /**
     * Another handle to the same object (CORE-1): association, notification modes and pending I/O belong to the
     * object, which is torn down only when its last handle closes. Within this process only. A SOCKET duplicates
     * to a SOCKET.
     */
    public static boolean DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
                                          HANDLE hTargetProcessHandle, HANDLEByReference lpTargetHandle,
                                          int dwDesiredAccess, boolean bInheritHandle, int dwOptions) {
        if (hSourceProcessHandle != CURRENT_PROCESS || hTargetProcessHandle != CURRENT_PROCESS
                || lpTargetHandle == null) {
            return LastError.fail(ERROR_INVALID_PARAMETER);
        }
        HANDLE copy = HandleTable.duplicate(hSourceHandle,
                hSourceHandle instanceof SOCKET ? SOCKET::new : HANDLE::new);
        if (copy == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        if ((dwOptions & DUPLICATE_CLOSE_SOURCE) != 0) {
            HandleTable.close(hSourceHandle);
        }
        lpTargetHandle.value = copy;
        return true;
    }

    // ---- files (contract section 10) ----

    public static final int GENERIC_READ = FileApi.GENERIC_READ;
    public static final int GENERIC_WRITE = FileApi.GENERIC_WRITE;
    public static final int FILE_SHARE_READ = 1;
    public static final int FILE_SHARE_WRITE = 2;
    public static final int FILE_SHARE_DELETE = 4;
    public static final int CREATE_NEW = FileApi.CREATE_NEW;
    public static final int CREATE_ALWAYS = FileApi.CREATE_ALWAYS;
    public static final int OPEN_EXISTING = FileApi.OPEN_EXISTING;
    public static final int OPEN_ALWAYS = FileApi.OPEN_ALWAYS;
    public static final int TRUNCATE_EXISTING = FileApi.TRUNCATE_EXISTING;
    public static final int FILE_ATTRIBUTE_NORMAL = 0x80;
    public static final int FILE_FLAG_WRITE_THROUGH = FileApi.FILE_FLAG_WRITE_THROUGH;
    public static final int FILE_FLAG_OVERLAPPED = FileApi.FILE_FLAG_OVERLAPPED;
    public static final int FILE_FLAG_NO_BUFFERING = FileApi.FILE_FLAG_NO_BUFFERING;
    public static final int FILE_FLAG_RANDOM_ACCESS = FileApi.FILE_FLAG_RANDOM_ACCESS;
    public static final int FILE_FLAG_SEQUENTIAL_SCAN = FileApi.FILE_FLAG_SEQUENTIAL_SCAN;
    public static final int FILE_FLAG_DELETE_ON_CLOSE = FileApi.FILE_FLAG_DELETE_ON_CLOSE;
    public static final int FILE_FLAG_BACKUP_SEMANTICS = FileApi.FILE_FLAG_BACKUP_SEMANTICS;
    public static final int FILE_BEGIN = 0;
    public static final int FILE_CURRENT = 1;
    public static final int FILE_END = 2;

    /**
     * Opens or creates a file (FILE-1). Returns INVALID_HANDLE_VALUE on failure (not NULL); on success the last
     * error is ERROR_ALREADY_EXISTS when CREATE_ALWAYS/OPEN_ALWAYS found the file, else 0. Share modes are not
     * enforced (Linux has no mandatory sharing, LNX-25); security attributes and templates are ignored.
     */
    public static HANDLE CreateFile(String lpFileName, int dwDesiredAccess, int dwShareMode, Object lpSecurityAttributes,
                                    int dwCreationDisposition, int dwFlagsAndAttributes, HANDLE hTemplateFile) {
        return FileApi.createFile(lpFileName, dwDesiredAccess, dwCreationDisposition, dwFlagsAndAttributes);
    }

    /**
     * Reads into native memory (RET-1, FILE-2, FILE-4). With an OVERLAPPED on an overlapped handle the read is
     * positional at Offset/OffsetHigh and returns FALSE/ERROR_IO_PENDING, or TRUE with the count when the page cache
     * held all of it (FILE-7); either way its result arrives as a packet (none for TRUE in skip mode, SKIP-1), an
     * event and the OVERLAPPED's Internal/InternalHigh; at or past EOF it fails with ERROR_HANDLE_EOF.
     * A length beyond the buffer fails with ERROR_NOACCESS and touches nothing.
     */
    public static boolean ReadFile(HANDLE hFile, MemorySegment lpBuffer, int nNumberOfBytesToRead,
                                   DWORDByReference lpNumberOfBytesRead, OVERLAPPED lpOverlapped) {
        return FileApi.transfer(hFile, lpBuffer, nNumberOfBytesToRead, lpNumberOfBytesRead, lpOverlapped, false);
    }

    /** Writes from native memory; completes in full or fails (FILE-3). Otherwise as {@link #ReadFile}. */
    public static boolean WriteFile(HANDLE hFile, MemorySegment lpBuffer, int nNumberOfBytesToWrite,
                                    DWORDByReference lpNumberOfBytesWritten, OVERLAPPED lpOverlapped) {
        return FileApi.transfer(hFile, lpBuffer, nNumberOfBytesToWrite, lpNumberOfBytesWritten, lpOverlapped, true);
    }

    /**
     * ReadFile with a completion routine instead of a port or event (RFX-1..4). TRUE: the routine will run on
     * this thread in an alertable wait, with the Win32 error code; FALSE: it will not.
     */
    public static boolean ReadFileEx(HANDLE hFile, MemorySegment lpBuffer, int nNumberOfBytesToRead,
                                     OVERLAPPED lpOverlapped, LPOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
        return lpCompletionRoutine == null ? LastError.fail(ERROR_INVALID_PARAMETER)
                : FileApi.transfer(hFile, lpBuffer, nNumberOfBytesToRead, null, lpOverlapped, false,
                routine(lpCompletionRoutine));
    }

    /** WriteFile with a completion routine (RFX-1..4). */
    public static boolean WriteFileEx(HANDLE hFile, MemorySegment lpBuffer, int nNumberOfBytesToWrite,
                                      OVERLAPPED lpOverlapped, LPOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
        return lpCompletionRoutine == null ? LastError.fail(ERROR_INVALID_PARAMETER)
                : FileApi.transfer(hFile, lpBuffer, nNumberOfBytesToWrite, null, lpOverlapped, true,
                routine(lpCompletionRoutine));
    }

    /** A kernel32 completion routine sees the Win32 mapping of the status (RFX-2); none is ERROR_INVALID_PARAMETER. */
    private static io.iocp4j.CompletionRoutine routine(LPOVERLAPPED_COMPLETION_ROUTINE r) {
        if (r == null) {
            return null;
        }
        return (status, bytes, ov) -> r.callback(ErrorMapping.toWin32(status), (int) bytes, (OVERLAPPED) ov);
    }

    /** The file's size. */
    public static boolean GetFileSizeEx(HANDLE hFile, LARGE_INTEGER lpFileSize) {
        FileObject file = HandleTable.resolve(hFile, FileObject.class);
        if (file == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        long size = file.size();
        if (size < 0) {
            return LastError.fail(ErrorMapping.toWin32(ErrnoMapping.toStatus((int) -size)));
        }
        lpFileSize.QuadPart = size;
        return true;
    }

    /** Moves the file pointer that synchronous I/O uses; a negative result fails with ERROR_NEGATIVE_SEEK. */
    public static boolean SetFilePointerEx(HANDLE hFile, long liDistanceToMove, LARGE_INTEGER lpNewFilePointer,
                                           int dwMoveMethod) {
        FileObject file = HandleTable.resolve(hFile, FileObject.class);
        if (file == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        if (dwMoveMethod < FILE_BEGIN || dwMoveMethod > FILE_END) {
            return LastError.fail(ERROR_INVALID_PARAMETER);
        }
        long p = file.movePointer(liDistanceToMove, dwMoveMethod);
        if (p < 0) {
            return LastError.fail(ERROR_NEGATIVE_SEEK);
        }
        if (lpNewFilePointer != null) {
            lpNewFilePointer.QuadPart = p;
        }
        return true;
    }

    /** Sets the size to the file pointer (extending with zeros or truncating). */
    public static boolean SetEndOfFile(HANDLE hFile) {
        FileObject file = HandleTable.resolve(hFile, FileObject.class);
        if (file == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        int r = file.truncateAtPointer();
        return r == 0 || LastError.fail(ErrorMapping.toWin32(ErrnoMapping.toStatus(-r)));
    }

    /** Makes written data durable (fsync). */
    public static boolean FlushFileBuffers(HANDLE hFile) {
        FileObject file = HandleTable.resolve(hFile, FileObject.class);
        if (file == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        int r = file.flush();
        return r == 0 || LastError.fail(ErrorMapping.toWin32(ErrnoMapping.toStatus(-r)));
    }

    /** Deletes a file; a missing one fails with ERROR_FILE_NOT_FOUND. */
    public static boolean DeleteFile(String lpFileName) {
        int r = io.iocp4j.linux.Files.unlink(lpFileName);
        return r == 0 || LastError.fail(r == -io.iocp4j.linux.Errno.ENOENT ? ERROR_FILE_NOT_FOUND
                : ErrorMapping.toWin32(ErrnoMapping.toStatus(-r)));
    }

    // ---- memory for unbuffered I/O ----

    public static final int MEM_COMMIT = 0x1000;
    public static final int MEM_RESERVE = 0x2000;
    public static final int MEM_RELEASE = 0x8000;
    public static final int PAGE_READWRITE = 0x04;

    /** Page size, processor count and allocation granularity, as unbuffered code sizes its buffers with. */
    public static void GetSystemInfo(SYSTEM_INFO lpSystemInfo) {
        lpSystemInfo.dwPageSize = FileObject.SECTOR_SIZE;
        lpSystemInfo.dwNumberOfProcessors = Runtime.getRuntime().availableProcessors();
        lpSystemInfo.dwAllocationGranularity = 65536;
    }

    /**
     * Page-aligned, zeroed native memory of {@code dwSize} bytes (NULL/ERROR_INVALID_PARAMETER for a size <= 0 or
     * without MEM_COMMIT). The memory is garbage-collected: VirtualFree only lets go of it, so an operation still
     * in flight on it can never write into freed memory. It is what unbuffered code reads and writes with, so it is
     * offered to the ring as a fixed buffer, registered at its first unbuffered transfer.
     */
    public static MemorySegment VirtualAlloc(Object lpAddress, long dwSize, int flAllocationType, int flProtect) {
        if (dwSize <= 0 || (flAllocationType & MEM_COMMIT) == 0 || lpAddress != null) {
            LastError.set(ERROR_INVALID_PARAMETER);
            return null;
        }
        MemorySegment memory = java.lang.foreign.Arena.ofAuto().allocate(dwSize, FileObject.SECTOR_SIZE);
        if (IoEngine.isAvailable()) {
            IoEngine.shared().offerFixedBuffer(memory);
        }
        return memory;
    }

    /** Releases VirtualAlloc memory: TRUE for MEM_RELEASE with size 0, as Win32 requires. */
    public static boolean VirtualFree(MemorySegment lpAddress, long dwSize, int dwFreeType) {
        if (lpAddress == null || dwFreeType != MEM_RELEASE || dwSize != 0) {
            return LastError.fail(ERROR_INVALID_PARAMETER);
        }
        return true;
    }

    // ---- cancellation and results (contract sections 11.3 and 12) ----

    /** Cancels the calling thread's pending operations on the handle; each still completes once, with 995. */
    public static boolean CancelIo(HANDLE hFile) {
        IoObject file = HandleTable.resolve(hFile, IoObject.class);
        if (file == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        file.cancelPending(null, Thread.currentThread(), NtStatus.STATUS_CANCELLED);
        return true;
    }

    /**
     * Cancels the operation issued with {@code lpOverlapped}, or every pending one on the handle when NULL; FALSE
     * with ERROR_NOT_FOUND when nothing matches. Each cancelled operation completes once, with 995.
     */
    public static boolean CancelIoEx(HANDLE hFile, OVERLAPPED lpOverlapped) {
        IoObject file = HandleTable.resolve(hFile, IoObject.class);
        if (file == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        return file.cancelPending(lpOverlapped, NtStatus.STATUS_CANCELLED) > 0 || LastError.fail(ERROR_NOT_FOUND);
    }

    /**
     * The result of an overlapped operation in the Win32 convention (GOR rules): TRUE with the byte count, FALSE
     * with the Win32 mapping of its status, or ERROR_IO_INCOMPLETE while it is pending and bWait is FALSE. With
     * bWait it waits on hEvent, or until the operation completes when there is none.
     */
    public static boolean GetOverlappedResult(HANDLE hFile, OVERLAPPED lpOverlapped,
                                              DWORDByReference lpNumberOfBytesTransferred, boolean bWait) {
        if (lpOverlapped.Internal == NtStatus.STATUS_PENDING) {
            if (!bWait) {
                return LastError.fail(ERROR_IO_INCOMPLETE);
            }
            Completions.awaitDone(lpOverlapped);
        }
        lpNumberOfBytesTransferred.value = (int) lpOverlapped.InternalHigh;
        int status = (int) lpOverlapped.Internal;
        return succeeded(status) || LastError.fail(ErrorMapping.toWin32(status));
    }

    // ---- events (contract 11.1) ----

    /** Creates an event object; NULL never (events cannot fail to be created here). */
    public static HANDLE CreateEvent(Object lpEventAttributes, boolean bManualReset, boolean bInitialState, String lpName) {
        Event e = new Event(bManualReset, bInitialState);
        return HandleTable.open(e, () -> { }, HANDLE::new);
    }

    public static boolean SetEvent(HANDLE hEvent) {
        Event e = HandleTable.resolve(hEvent, Event.class);
        if (e == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        e.set();
        return true;
    }

    public static boolean ResetEvent(HANDLE hEvent) {
        Event e = HandleTable.resolve(hEvent, Event.class);
        if (e == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        e.reset();
        return true;
    }

    /** Waits on an event (tag bits ignored, OVL-4) or a port (signalled while a packet is queued, CICP-12). */
    public static int WaitForSingleObject(HANDLE hHandle, int dwMilliseconds) {
        return WaitForSingleObjectEx(hHandle, dwMilliseconds, false);
    }

    /** As WaitForSingleObject; when alertable, returns WAIT_IO_COMPLETION after running queued APCs. */
    public static int WaitForSingleObjectEx(HANDLE hHandle, int dwMilliseconds, boolean bAlertable) {
        Event e = waitableEvent(hHandle);
        if (e != null) {
            return waitResult(e.await(deadline(dwMilliseconds), bAlertable));
        }
        CompletionPort port = HandleTable.resolve(hHandle, CompletionPort.class);
        if (port != null) {
            return Completions.awaitQueued(port, deadline(dwMilliseconds), bAlertable);
        }
        LastError.set(ERROR_INVALID_HANDLE);
        return WAIT_FAILED;
    }

    public static final int MAXIMUM_WAIT_OBJECTS = 64;

    /** Waits for any (lowest index) or all of up to 64 events (EVT-4). */
    public static int WaitForMultipleObjects(int nCount, HANDLE[] lpHandles, boolean bWaitAll, int dwMilliseconds) {
        return WaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, false);
    }

    /**
     * As WaitForMultipleObjects; alertable waits return WAIT_IO_COMPLETION after running APCs. WAIT_FAILED with
     * ERROR_INVALID_PARAMETER for a count outside 1..64, ERROR_INVALID_HANDLE for a handle that is not waitable.
     */
    public static int WaitForMultipleObjectsEx(int nCount, HANDLE[] lpHandles, boolean bWaitAll, int dwMilliseconds,
                                               boolean bAlertable) {
        if (nCount < 1 || nCount > MAXIMUM_WAIT_OBJECTS || lpHandles == null || lpHandles.length < nCount) {
            LastError.set(ERROR_INVALID_PARAMETER);
            return WAIT_FAILED;
        }
        Event[] events = new Event[nCount];
        for (int i = 0; i < nCount; i++) {
            events[i] = waitableEvent(lpHandles[i]);
            if (events[i] == null) {
                LastError.set(ERROR_INVALID_HANDLE);
                return WAIT_FAILED;
            }
        }
        long deadline = deadline(dwMilliseconds);
        try {
            return waitResult(bWaitAll ? io.iocp4j.Waits.waitAll(events, deadline, bAlertable)
                    : io.iocp4j.Waits.waitAny(events, deadline, bAlertable));
        } catch (IllegalArgumentException duplicate) {
            LastError.set(ERROR_INVALID_PARAMETER);
            return WAIT_FAILED;
        }
    }

    /** An event handle (tag bits ignored), a waitable timer, or a file/socket handle's own event (EVT-6). */
    static Event waitableEvent(HANDLE h) {
        Event e = HandleTable.resolve(h, Event.class);
        if (e == null) {
            e = TimerApi.waitableEvent(h);
        }
        if (e != null) {
            return e;
        }
        IoObject file = HandleTable.resolve(h, IoObject.class);
        return file == null ? null : file.completionEvent();
    }

    private static int waitResult(int r) {
        return switch (r) {
            case io.iocp4j.Waits.TIMEOUT -> WAIT_TIMEOUT;
            case io.iocp4j.Waits.ALERTED -> WAIT_IO_COMPLETION;
            default -> WAIT_OBJECT_0 + r;
        };
    }

    /**
     * GetOverlappedResult with a timeout and an alertable wait: FALSE/WAIT_TIMEOUT when the time runs out,
     * FALSE/WAIT_IO_COMPLETION when APCs ran, else as GetOverlappedResult.
     */
    public static boolean GetOverlappedResultEx(HANDLE hFile, OVERLAPPED lpOverlapped,
                                                DWORDByReference lpNumberOfBytesTransferred, int dwMilliseconds,
                                                boolean bAlertable) {
        if (lpOverlapped.Internal == NtStatus.STATUS_PENDING) {
            if (dwMilliseconds == 0) {
                return LastError.fail(ERROR_IO_INCOMPLETE);
            }
            Event e = waitableEvent(lpOverlapped.hEvent instanceof HANDLE h ? h : hFile);
            if (e == null) {
                return LastError.fail(ERROR_INVALID_HANDLE);
            }
            long deadline = deadline(dwMilliseconds);
            while (lpOverlapped.Internal == NtStatus.STATUS_PENDING) {
                int r = e.await(deadline, bAlertable);
                if (r == io.iocp4j.Waits.TIMEOUT) {
                    return LastError.fail(WAIT_TIMEOUT);
                }
                if (r == io.iocp4j.Waits.ALERTED) {
                    return LastError.fail(WAIT_IO_COMPLETION);
                }
            }
        }
        return GetOverlappedResult(hFile, lpOverlapped, lpNumberOfBytesTransferred, false);
    }

    // ---- waitable timers and timer queues ----

    public static final int CREATE_WAITABLE_TIMER_MANUAL_RESET = TimerApi.CREATE_WAITABLE_TIMER_MANUAL_RESET;
    public static final int CREATE_WAITABLE_TIMER_HIGH_RESOLUTION = TimerApi.CREATE_WAITABLE_TIMER_HIGH_RESOLUTION;
    public static final int WT_EXECUTEDEFAULT = TimerQueueTimer.WT_EXECUTEDEFAULT;
    public static final int WT_EXECUTEINTIMERTHREAD = TimerQueueTimer.WT_EXECUTEINTIMERTHREAD;
    public static final int WT_EXECUTEONLYONCE = TimerQueueTimer.WT_EXECUTEONLYONCE;
    /** Accepted for source compatibility: every callback may run long here (a virtual thread per firing). */
    public static final int WT_EXECUTELONGFUNCTION = 0x10;

    /**
     * A waitable timer, non-signalled: a notification timer ({@code bManualReset}) or a synchronization timer
     * (auto reset). Names are not supported: {@code lpTimerName} must be null. Wait on it like an event.
     */
    public static HANDLE CreateWaitableTimer(Object lpTimerAttributes, boolean bManualReset, String lpTimerName) {
        return CreateWaitableTimerEx(lpTimerAttributes, lpTimerName,
                bManualReset ? CREATE_WAITABLE_TIMER_MANUAL_RESET : 0, 0);
    }

    /** CreateWaitableTimerEx: CREATE_WAITABLE_TIMER_MANUAL_RESET and _HIGH_RESOLUTION (always high here). */
    public static HANDLE CreateWaitableTimerEx(Object lpTimerAttributes, String lpTimerName, int dwFlags,
                                               int dwDesiredAccess) {
        if (lpTimerName != null) {
            LastError.set(ERROR_NOT_SUPPORTED);
            return null;
        }
        return TimerApi.createWaitableTimerEx(dwFlags);
    }

    /**
     * Arms a waitable timer and makes it non-signalled. {@code lpDueTime}: negative = relative, in 100 ns units;
     * positive = absolute UTC FILETIME (see GetSystemTimeAsFileTime). {@code lPeriod} in ms, 0 = once. The
     * routine, if any, is queued to the calling thread at each firing and runs in its alertable waits (at most one
     * queued at a time). {@code fResume} is ignored: there is no suspend to resume from.
     */
    public static boolean SetWaitableTimer(HANDLE hTimer, LARGE_INTEGER lpDueTime, int lPeriod,
                                           PTIMERAPCROUTINE pfnCompletionRoutine, Object lpArgToCompletionRoutine,
                                           boolean fResume) {
        return TimerApi.setWaitableTimer(hTimer, lpDueTime, lPeriod, pfnCompletionRoutine,
                lpArgToCompletionRoutine);
    }

    /** SetWaitableTimerEx: as SetWaitableTimer; the wake context and tolerable delay are accepted and unused. */
    public static boolean SetWaitableTimerEx(HANDLE hTimer, LARGE_INTEGER lpDueTime, int lPeriod,
                                             PTIMERAPCROUTINE pfnCompletionRoutine, Object lpArgToCompletionRoutine,
                                             Object WakeContext, int TolerableDelay) {
        return TimerApi.setWaitableTimer(hTimer, lpDueTime, lPeriod, pfnCompletionRoutine,
                lpArgToCompletionRoutine);
    }

    /** Stops the timer; its signalled state stays as it is and a routine not yet run is withdrawn. */
    public static boolean CancelWaitableTimer(HANDLE hTimer) {
        return TimerApi.cancelWaitableTimer(hTimer);
    }

    /** The current UTC time as a FILETIME (for absolute due times). */
    public static void GetSystemTimeAsFileTime(FILETIME lpSystemTimeAsFileTime) {
        lpSystemTimeAsFileTime.set(FILETIME.now());
    }

    /** A timer queue with its own timer thread; delete it with DeleteTimerQueueEx. */
    public static HANDLE CreateTimerQueue() {
        return TimerApi.createTimerQueue();
    }

    /**
     * A timer on {@code TimerQueue} (NULL: the default queue) that calls {@code Callback(Parameter, TRUE)} after
     * {@code DueTime} ms and then every {@code Period} ms (0: once). With WT_EXECUTEINTIMERTHREAD the callback
     * runs on the queue's thread and must be short (posting to a port is the usual thing to do); otherwise each
     * firing runs on a new virtual thread.
     */
    public static boolean CreateTimerQueueTimer(HANDLEByReference phNewTimer, HANDLE TimerQueue,
                                                WAITORTIMERCALLBACK Callback, Object Parameter, int DueTime,
                                                int Period, int Flags) {
        return TimerApi.createTimerQueueTimer(phNewTimer, TimerQueue, Callback, Parameter, DueTime, Period, Flags);
    }

    public static boolean ChangeTimerQueueTimer(HANDLE TimerQueue, HANDLE Timer, int DueTime, int Period) {
        return TimerApi.changeTimerQueueTimer(TimerQueue, Timer, DueTime, Period);
    }

    /**
     * Deletes a timer. {@code CompletionEvent}: INVALID_HANDLE_VALUE waits for a running callback; an event is set
     * when it has finished; NULL does not wait. FALSE with ERROR_IO_PENDING when a callback was still running and
     * the call did not wait (the deletion still happened: do not call again).
     */
    public static boolean DeleteTimerQueueTimer(HANDLE TimerQueue, HANDLE Timer, HANDLE CompletionEvent) {
        return TimerApi.deleteTimerQueueTimer(TimerQueue, Timer, CompletionEvent);
    }

    /** Deletes a timer queue and its timers, with DeleteTimerQueueTimer's CompletionEvent rule. */
    public static boolean DeleteTimerQueueEx(HANDLE TimerQueue, HANDLE CompletionEvent) {
        return TimerApi.deleteTimerQueueEx(TimerQueue, CompletionEvent);
    }

    /** DeleteTimerQueueEx without waiting. */
    public static boolean DeleteTimerQueue(HANDLE TimerQueue) {
        return DeleteTimerQueueEx(TimerQueue, null);
    }

    // ---- threads, sleeping and APCs ----

    /** The calling thread's id; it also makes the thread reachable through OpenThread. */
    public static long GetCurrentThreadId() {
        return ThreadHandles.register(Thread.currentThread());
    }

    /** A pseudo-handle meaning "the calling thread" (not usable from another thread, as on Windows). */
    public static HANDLE GetCurrentThread() {
        return ThreadHandles.CURRENT_THREAD;
    }

    /** A real handle to a thread that has called GetCurrentThreadId; NULL/ERROR_INVALID_PARAMETER otherwise. */
    public static HANDLE OpenThread(int dwDesiredAccess, boolean bInheritHandle, long dwThreadId) {
        Thread t = ThreadHandles.byId(dwThreadId);
        if (t == null || !t.isAlive()) {
            LastError.set(ERROR_INVALID_PARAMETER);
            return null;
        }
        return HandleTable.open(t, () -> { }, HANDLE::new);
    }

    /**
     * Queues a user APC to a thread; it runs only when that thread enters an alertable wait (SleepEx,
     * GetQueuedCompletionStatusEx with fAlertable...). Returns FALSE/ERROR_INVALID_HANDLE for a bad thread handle.
     */
    public static boolean QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, Object dwData) {
        Thread target = ThreadHandles.resolve(hThread);
        if (target == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        if (pfnAPC == null) {
            return LastError.fail(ERROR_INVALID_PARAMETER);
        }
        Apcs.queue(target, () -> pfnAPC.callback(dwData));
        return true;
    }

    /** Sleeps without running APCs; the thread's port slot is given back meanwhile (GQCS-14). */
    public static void Sleep(int dwMilliseconds) {
        long deadline = deadline(dwMilliseconds);
        boolean interrupted = false;
        PortBlocking.begin();
        try {
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                interrupted |= Parking.park(Kernel32.class, left);
            }
        } finally {
            PortBlocking.end();
            Parking.reassert(interrupted);
        }
    }

    /**
     * Sleeps; when alertable, returns WAIT_IO_COMPLETION as soon as queued APCs have run (before or during the
     * sleep), else 0 when the time is up. The port slot is given back meanwhile (GQCS-14).
     */
    public static int SleepEx(int dwMilliseconds, boolean bAlertable) {
        if (!bAlertable) {
            Sleep(dwMilliseconds);
            return 0;
        }
        long deadline = deadline(dwMilliseconds);
        boolean interrupted = false;
        PortBlocking.begin();
        try {
            while (!Apcs.hasPending()) {
                if (deadline - System.nanoTime() <= 0) {
                    return 0;
                }
                interrupted |= Apcs.parkAlertable(deadline);
            }
        } finally {
            PortBlocking.end();
            Parking.reassert(interrupted);
        }
        Apcs.runPending();
        return WAIT_IO_COMPLETION;
    }

    // ---- helpers ----

    /** Win32 milliseconds (unsigned; INFINITE = -1) to the core's nanoseconds (INFINITE < 0). */
    static long timeoutNanos(int dwMilliseconds) {
        return dwMilliseconds == INFINITE ? io.iocp4j.CompletionPort.INFINITE
                : (dwMilliseconds & 0xFFFF_FFFFL) * 1_000_000L;
    }

    /** A System.nanoTime deadline; Long.MAX_VALUE-ish for INFINITE. */
    static long deadline(int dwMilliseconds) {
        return dwMilliseconds == INFINITE ? System.nanoTime() + Long.MAX_VALUE / 2
                : System.nanoTime() + timeoutNanos(dwMilliseconds);
    }

    /** NT_SUCCESS: success and informational statuses; warnings and errors make BOOL calls return FALSE. */
    static boolean succeeded(int status) {
        return status >= 0;
    }

    private static CompletionBatch batch(int count) {
        CompletionBatch[] holder = BATCH.get();
        CompletionBatch b = holder[0];
        if (b == null || b.capacity() < count) {
            b = holder[0] = new CompletionBatch(Math.max(count, 64));
        }
        return b;
    }
}
