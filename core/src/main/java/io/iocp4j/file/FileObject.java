package io.iocp4j.file;

import io.iocp4j.ErrnoMapping;
import io.iocp4j.IoObject;
import io.iocp4j.NtStatus;
import io.iocp4j.linux.Errno;
import io.iocp4j.linux.Files;
import io.iocp4j.linux.Syscalls;

import java.lang.foreign.MemorySegment;

/**
 * An open file: its fd, whether it was opened for overlapped I/O, and the file pointer that synchronous reads and
 * writes use and advance (overlapped ones never touch it, FILE-2). Thread-safe.
 */
public final class FileObject extends IoObject {
    /**
     * {@code -Diocp4j.file.cachedReadsInline=false} sends every overlapped read through the ring, as before the
     * inline path existed (to compare).
     */
    private static final boolean CACHED_READS_INLINE =
            Boolean.parseBoolean(System.getProperty("iocp4j.file.cachedReadsInline", "true"));

    private final int fd;
    private final boolean overlapped;
    private final boolean unbuffered;
    /** Opened with GENERIC_WRITE: SetEndOfFile and FlushFileBuffers need it (FILE-10, FILE-11). */
    private final boolean writable;
    private final String deleteOnClose;
    /** Overlapped reads first try the page cache on the caller's thread (see {@link FileIo}). */
    private final boolean cachedReadsInline;
    private long filePointer;

    /**
     * Opens a file with Linux open(2) flags. Returns the object, or null with the negative errno in
     * {@code errnoOut[0]}; a directory is refused with EISDIR unless {@code directoryOk}. Opening is a cold path:
     * the facade translates CreateFile's dispositions into the flags and the errno into Win32 errors.
     */
    public static FileObject open(String path, int oflags, boolean overlapped, boolean directoryOk,
                                  boolean deleteOnClose, int[] errnoOut) {
        boolean unbuffered = (oflags & Files.O_DIRECT) != 0;
        int fd = Files.open(path, oflags | Files.O_CLOEXEC, 0666);
        if (fd == -Errno.EINVAL && unbuffered) {
            // Some filesystems (tmpfs) refuse O_DIRECT: go through the cache, but keep the alignment rules (FILE-6).
            fd = Files.open(path, (oflags & ~Files.O_DIRECT) | Files.O_CLOEXEC, 0666);
        }
        if (fd < 0) {
            errnoOut[0] = fd;
            return null;
        }
        int type = Files.fileType(fd);
        if (!directoryOk && type == Files.S_IFDIR) {
            Syscalls.close(fd);
            errnoOut[0] = -Errno.EISDIR;
            return null;
        }
        boolean writable = (oflags & (Files.O_WRONLY | Files.O_RDWR)) != 0;
        boolean cachedReadsInline = CACHED_READS_INLINE && !unbuffered && type == Files.S_IFREG;
        return new FileObject(fd, overlapped, unbuffered, writable, deleteOnClose ? path : null, cachedReadsInline);
    }

    private FileObject(int fd, boolean overlapped, boolean unbuffered, boolean writable, String deleteOnClose,
                       boolean cachedReadsInline) {
        this.fd = fd;
        this.overlapped = overlapped;
        this.unbuffered = unbuffered;
        this.writable = writable;
        this.deleteOnClose = deleteOnClose;
        this.cachedReadsInline = cachedReadsInline;
    }

    @Override
    public boolean isOverlapped() {
        return overlapped;
    }

    /** The sector size unbuffered I/O is aligned to (FILE-6): 4096, what current devices use. */
    public static final int SECTOR_SIZE = 4096;

    /** Whether the file was opened with FILE_FLAG_NO_BUFFERING (O_DIRECT where the filesystem allows it). */
    public boolean isUnbuffered() {
        return unbuffered;
    }

    /** FILE-6: offsets, lengths and buffer addresses of unbuffered I/O are whole sectors. */
    public boolean isAligned(long position, long length, long address) {
        return !unbuffered || ((position | length | address) & (SECTOR_SIZE - 1)) == 0;
    }

    /** The fd, for operations in other packages (TransmitFile); valid while they hold it ({@link #holdFd}). */
    public int fd() {
        return fd;
    }

    /**
     * Starts an overlapped read or write; its one result goes where {@code op} was told to send it. Returns the
     * byte count if it completed at once (FILE-7: the result is delivered all the same), or -1 if it is pending.
     */
    public long start(FileIo op) {
        return op.begin(this);
    }

    boolean readsCachedInline() {
        return cachedReadsInline;
    }

    /**
     * A synchronous read or write at the file pointer, which it advances. Returns the bytes transferred (0 at EOF
     * for a read, as on a synchronous handle, FILE-2) and leaves the NTSTATUS in {@code result}; holds the fd as
     * {@link #onHeldFd} does.
     */
    public synchronized long transferAtPointer(MemorySegment buffer, int length, boolean write, SyncResult result) {
        if (!holdFd()) {
            result.status = NtStatus.STATUS_INVALID_HANDLE;
            return 0;
        }
        try {
            return transferHeld(buffer, length, write, result);
        } finally {
            letGoOfFd();
        }
    }

    private long transferHeld(MemorySegment buffer, int length, boolean write, SyncResult result) {
        long done = 0;
        while (done < length) {
            long r = write
                    ? Files.pwrite(fd, buffer.asSlice(done), length - done, filePointer)
                    : Files.pread(fd, buffer.asSlice(done), length - done, filePointer);
            if (r < 0) {
                result.status = ErrnoMapping.toStatus((int) -r);
                return done;
            }
            if (r == 0) {
                break;  // end of file for a read
            }
            done += r;
            filePointer += r;
            if (!write) {
                break;  // a synchronous read returns what one read gives, like ReadFile
            }
        }
        result.status = NtStatus.STATUS_SUCCESS;
        return done;
    }

    /**
     * The file pointer after a SetFilePointer-style move; -1 if refused: a negative result (ERROR_NEGATIVE_SEEK), or
     * a move from the end of a file whose size cannot be had (closed).
     */
    public synchronized long movePointer(long distance, int method) {
        long base = switch (method) {
            case 0 -> 0;
            case 1 -> filePointer;
            case 2 -> size();
            default -> throw new IllegalArgumentException("move method " + method);
        };
        long target = base + distance;
        if (base < 0 || target < 0) {
            return -1;
        }
        filePointer = target;
        return target;
    }

    /** The file's size in bytes, or a negative errno. */
    public long size() {
        return onHeldFd(FdCall.SIZE, 0);
    }

    /** SetEndOfFile: the size becomes the file pointer. Returns 0 or a negative errno (EACCES if read-only). */
    public synchronized int truncateAtPointer() {
        return writable ? (int) onHeldFd(FdCall.TRUNCATE, 0) : -Errno.EACCES;
    }

    /** posix_fadvise over the whole file ({@code Files.POSIX_FADV_*}); returns 0 or a negative errno. */
    public int advise(int advice) {
        return (int) onHeldFd(FdCall.ADVISE, advice);
    }

    /** FlushFileBuffers: fsync, data and metadata. Returns 0 or a negative errno (EACCES if read-only). */
    public int flush() {
        return writable ? (int) onHeldFd(FdCall.FSYNC, 0) : -Errno.EACCES;
    }

    private enum FdCall { SIZE, TRUNCATE, ADVISE, FSYNC }

    /**
     * A synchronous call holds the fd (LNX-8): a thread that found this object just before another closed its last
     * handle gets EBADF, never the file that the next open(2) got the same number for.
     */
    private long onHeldFd(FdCall call, int argument) {
        if (!holdFd()) {
            return -Errno.EBADF;
        }
        try {
            return switch (call) {
                case SIZE -> Files.fileSize(fd);
                case TRUNCATE -> Files.ftruncate(fd, filePointer);
                case ADVISE -> Files.fadvise(fd, argument);
                case FSYNC -> Files.fsync(fd);
            };
        } finally {
            letGoOfFd();
        }
    }

    @Override
    protected void release() {
        Syscalls.close(fd);
        if (deleteOnClose != null) {
            Files.unlink(deleteOnClose);
        }
    }

    /** The status of a synchronous transfer: a reusable holder so that the byte count can be the return value. */
    public static final class SyncResult {
        public int status;
    }
}
