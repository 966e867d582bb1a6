package io.iocp4j.win32;

import io.iocp4j.CompletionRoutine;
import io.iocp4j.NtStatus;
import io.iocp4j.file.FileIo;
import io.iocp4j.file.FileObject;
import io.iocp4j.linux.Errno;
import io.iocp4j.linux.Files;

import java.lang.foreign.MemorySegment;

import static io.iocp4j.win32.WinError.*;

/** The logic behind Kernel32's file functions: argument checks and CreateFile's dispositions (contract 10). */
final class FileApi {
    static final int GENERIC_READ = 0x80000000;
    static final int GENERIC_WRITE = 0x40000000;
    static final int CREATE_NEW = 1;
    static final int CREATE_ALWAYS = 2;
    static final int OPEN_EXISTING = 3;
    static final int OPEN_ALWAYS = 4;
    static final int TRUNCATE_EXISTING = 5;
    static final int FILE_FLAG_WRITE_THROUGH = 0x80000000;
    static final int FILE_FLAG_OVERLAPPED = 0x40000000;
    static final int FILE_FLAG_NO_BUFFERING = 0x20000000;
    static final int FILE_FLAG_RANDOM_ACCESS = 0x10000000;
    static final int FILE_FLAG_SEQUENTIAL_SCAN = 0x08000000;
    static final int FILE_FLAG_DELETE_ON_CLOSE = 0x04000000;
    static final int FILE_FLAG_BACKUP_SEMANTICS = 0x02000000;

    private static final ThreadLocal<FileObject.SyncResult> SYNC = ThreadLocal.withInitial(FileObject.SyncResult::new);

    private FileApi() {
    }

    /** FILE-1: dispositions, access and flags; INVALID_HANDLE_VALUE on failure; 183 when *_ALWAYS found a file. */
    static HANDLE createFile(String path, int access, int disposition, int flags) {
        if (path == null || disposition < CREATE_NEW || disposition > TRUNCATE_EXISTING
                || (disposition == TRUNCATE_EXISTING && (access & GENERIC_WRITE) == 0)) {
            LastError.set(ERROR_INVALID_PARAMETER);
            return HANDLE.INVALID_HANDLE_VALUE;
        }
        int oflags = accessFlags(access)
                | ((flags & FILE_FLAG_NO_BUFFERING) != 0 ? Files.O_DIRECT : 0)
                | ((flags & FILE_FLAG_WRITE_THROUGH) != 0 ? Files.O_DSYNC : 0);
        boolean overlapped = (flags & FILE_FLAG_OVERLAPPED) != 0;
        boolean directoryOk = (flags & FILE_FLAG_BACKUP_SEMANTICS) != 0;
        boolean deleteOnClose = (flags & FILE_FLAG_DELETE_ON_CLOSE) != 0;
        int[] errno = new int[1];
        FileObject file = null;
        boolean existed = false;
        switch (disposition) {
            case CREATE_NEW -> file = FileObject.open(path, oflags | Files.O_CREAT | Files.O_EXCL, overlapped,
                    directoryOk, deleteOnClose, errno);
            case OPEN_EXISTING -> file = FileObject.open(path, oflags, overlapped, directoryOk, deleteOnClose, errno);
            case TRUNCATE_EXISTING -> file = FileObject.open(path, oflags | Files.O_TRUNC, overlapped, directoryOk,
                    deleteOnClose, errno);
            default -> {
                // *_ALWAYS must report whether the file was there: try to open it, else create it exclusively,
                // and repeat if another process created or removed it in between.
                int truncate = disposition == CREATE_ALWAYS ? Files.O_TRUNC : 0;
                for (int attempt = 0; file == null && attempt < 8; attempt++) {
                    file = FileObject.open(path, oflags | truncate, overlapped, directoryOk, deleteOnClose, errno);
                    existed = file != null;
                    if (file == null && errno[0] == -Errno.ENOENT) {
                        file = FileObject.open(path, oflags | Files.O_CREAT | Files.O_EXCL, overlapped, directoryOk,
                                deleteOnClose, errno);
                    }
                    if (file == null && errno[0] != -Errno.EEXIST && errno[0] != -Errno.ENOENT) {
                        break;
                    }
                }
            }
        }
        if (file == null) {
            LastError.set(openError(-errno[0], path, disposition));
            return HANDLE.INVALID_HANDLE_VALUE;
        }
        adviseAccessPattern(file, flags);
        LastError.set(existed ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
        return HandleTable.open(file, file::close, HANDLE::new);
    }

    /**
     * FILE_FLAG_SEQUENTIAL_SCAN / FILE_FLAG_RANDOM_ACCESS are hints to the cache manager; Linux takes the same
     * hints as posix_fadvise (more read-ahead, or none). A hint that is refused changes nothing, as on Windows.
     */
    private static void adviseAccessPattern(FileObject file, int flags) {
        if ((flags & FILE_FLAG_SEQUENTIAL_SCAN) != 0) {
            file.advise(Files.POSIX_FADV_SEQUENTIAL);
        } else if ((flags & FILE_FLAG_RANDOM_ACCESS) != 0) {
            file.advise(Files.POSIX_FADV_RANDOM);
        }
    }

    private static int accessFlags(int access) {
        boolean read = (access & GENERIC_READ) != 0;
        boolean write = (access & GENERIC_WRITE) != 0;
        return read && write ? Files.O_RDWR : write ? Files.O_WRONLY : Files.O_RDONLY;
    }

    private static int openError(int errno, String path, int disposition) {
        return switch (errno) {
            case Errno.EEXIST -> disposition == CREATE_NEW ? ERROR_FILE_EXISTS : ERROR_ALREADY_EXISTS;
            case Errno.ENOENT -> Files.parentExists(path) ? ERROR_FILE_NOT_FOUND : ERROR_PATH_NOT_FOUND;
            case Errno.EINVAL -> ERROR_INVALID_PARAMETER;
            default -> ErrorMapping.toWin32(io.iocp4j.ErrnoMapping.toStatus(errno));
        };
    }

    /**
     * ReadFile/WriteFile (RET-1, FILE-2..4). Overlapped handles need an OVERLAPPED; a read served in full from the
     * page cache completes at once (TRUE, FILE-7), everything else goes pending. Synchronous handles transfer at the
     * file pointer and return TRUE.
     */
    static boolean transfer(HANDLE hFile, MemorySegment buffer, int length, DWORDByReference done, OVERLAPPED ov,
                            boolean write) {
        return transfer(hFile, buffer, length, done, ov, write, null);
    }

    /**
     * The same with a completion routine (ReadFileEx/WriteFileEx, RFX-1..4): the handle must be overlapped and
     * not associated with a port (RFX-3); TRUE means the routine will run, inside an alertable wait.
     */
    static boolean transfer(HANDLE hFile, MemorySegment buffer, int length, DWORDByReference done, OVERLAPPED ov,
                            boolean write, CompletionRoutine routine) {
        FileObject file = HandleTable.resolve(hFile, FileObject.class);
        if (file == null) {
            return LastError.fail(ERROR_INVALID_HANDLE);
        }
        if (ov != null) {
            ov.markPending();
        }
        if (buffer == null || !buffer.isNative() || length < 0 || (length & 0xFFFF_FFFFL) > buffer.byteSize()) {
            return LastError.fail(ERROR_NOACCESS);
        }
        if (!file.isAligned(ov == null ? 0 : ov.position(), length & 0xFFFF_FFFFL, buffer.address())) {
            return LastError.fail(ERROR_INVALID_PARAMETER);  // FILE-6
        }
        if (routine != null && (ov == null || !file.isOverlapped() || file.port() != null)) {
            return LastError.fail(ERROR_INVALID_PARAMETER);
        }
        if (!file.isOverlapped()) {
            FileObject.SyncResult r = SYNC.get();
            long n = file.transferAtPointer(buffer, length, write, r);
            if (done != null) {
                done.value = (int) n;
            }
            if (ov != null) {
                ov.publish(r.status, n);
            }
            return r.status == NtStatus.STATUS_SUCCESS || LastError.fail(ErrorMapping.toWin32(r.status));
        }
        if (ov == null) {
            return LastError.fail(ERROR_INVALID_PARAMETER);
        }
        FileIo op = Notifications.operation(ov, routine, FileIo.class, FileIo::new);
        if (op == null) {
            return false;
        }
        long n = file.start(op.transfer(buffer, length, ov.position(), write));
        if (done != null) {
            done.value = n < 0 ? 0 : (int) n;  // FILE-4
        }
        if (n >= 0 || routine != null) {
            LastError.set(ERROR_SUCCESS);
            return true;  // FILE-7: done at once, its packet (or routine, RFX-1) is queued all the same
        }
        return LastError.fail(ERROR_IO_PENDING);
    }
}
