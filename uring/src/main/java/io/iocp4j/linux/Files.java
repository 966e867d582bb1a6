package io.iocp4j.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** The file calls, x86_64 numbers; each returns {@code >= 0} or {@code -errno}. */
public final class Files {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0x40;
    public static final int O_EXCL = 0x80;
    public static final int O_TRUNC = 0x200;
    public static final int O_APPEND = 0x400;
    public static final int O_DSYNC = 0x1000;
    public static final int O_DIRECT = 0x4000;
    public static final int O_CLOEXEC = 0x80000;
    public static final int POSIX_FADV_RANDOM = 1;
    public static final int POSIX_FADV_SEQUENTIAL = 2;
    public static final int POSIX_FADV_DONTNEED = 4;

    /**
     * {@code struct stat} (x86_64): {@code st_mode} (u32) at 24, {@code st_size} (s64) at 48, 144 bytes in all.
     */
    private static final long STAT_SIZE = 144;
    private static final long ST_MODE = 24;
    private static final long ST_SIZE = 48;
    private static final int S_IFMT = 0xF000;
    public static final int S_IFDIR = 0x4000;
    public static final int S_IFREG = 0x8000;
    /** preadv2's flag: fail with EAGAIN instead of waiting for the disk (the data is not all in the page cache). */
    private static final int RWF_NOWAIT = 0x8;
    private static final long SYS_OPEN = 2;
    private static final long SYS_FSTAT = 5;
    private static final long SYS_FSYNC = 74;
    private static final long SYS_FTRUNCATE = 77;
    private static final long SYS_UNLINK = 87;
    private static final long SYS_FADVISE64 = 221;
    private static final long SYS_PREADV2 = 327;

    private static final ThreadLocal<MemorySegment> STAT = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(STAT_SIZE, 8));

    private Files() {
    }

    /** open(2); opening is a cold path, so the path string is converted per call. */
    public static int open(String path, int flags, int mode) {
        try (Arena a = Arena.ofConfined()) {
            return (int) Syscalls.syscall(SYS_OPEN, a.allocateFrom(path).address(), flags, mode, 0, 0, 0);
        }
    }

    /** The file's size, or -errno. */
    public static long fileSize(int fd) {
        MemorySegment s = STAT.get();
        int r = fstat(fd, s);
        return r < 0 ? r : s.get(JAVA_LONG, ST_SIZE);
    }

    /** st_mode's S_IFMT bits ({@link #S_IFDIR}, {@link #S_IFREG}...), or -errno. */
    public static int fileType(int fd) {
        MemorySegment s = STAT.get();
        int r = fstat(fd, s);
        return r < 0 ? r : s.get(JAVA_INT, ST_MODE) & S_IFMT;
    }

    private static int fstat(int fd, MemorySegment buf) {
        return (int) Syscalls.syscall(SYS_FSTAT, fd, buf.address(), 0, 0, 0, 0);
    }

    public static int ftruncate(int fd, long length) {
        return (int) Syscalls.syscall(SYS_FTRUNCATE, fd, length, 0, 0, 0, 0);
    }

    public static int fsync(int fd) {
        return (int) Syscalls.syscall(SYS_FSYNC, fd, 0, 0, 0, 0, 0);
    }

    public static int unlink(String path) {
        try (Arena a = Arena.ofConfined()) {
            return (int) Syscalls.syscall(SYS_UNLINK, a.allocateFrom(path).address(), 0, 0, 0, 0, 0);
        }
    }

    public static long pread(int fd, MemorySegment buf, long len, long offset) {
        try {
            MemorySegment st = Native.state();
            return Native.result((long) Positional.PREAD.invokeExact(st, fd, buf, len, offset), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * A read that takes only what the page cache holds: preadv2 with RWF_NOWAIT, which fails with EAGAIN (or reads
     * less) rather than wait for the disk. The iovec lives in the thread's scratch area, so the call allocates nothing.
     */
    public static long preadCached(int fd, MemorySegment buf, long len, long offset) {
        MemorySegment iov = Scratch.get((int) IoVec.SIZE);
        IoVec.set(iov, 0, buf.address(), len);
        // The system call takes the offset as two halves (low, high); a 64-bit offset is all in the low one.
        return Syscalls.syscall(SYS_PREADV2, fd, iov.address(), 1, offset, 0, RWF_NOWAIT);
    }

    public static long pwrite(int fd, MemorySegment buf, long len, long offset) {
        try {
            MemorySegment st = Native.state();
            return Native.result((long) Positional.PWRITE.invokeExact(st, fd, buf, len, offset), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** posix_fadvise (the fadvise64 system call) over the whole file; returns 0 or -errno. */
    public static int fadvise(int fd, int advice) {
        return (int) Syscalls.syscall(SYS_FADVISE64, fd, 0, 0, advice, 0, 0);
    }

    /** Whether the directory a path would live in exists: tells ERROR_PATH_NOT_FOUND from ERROR_FILE_NOT_FOUND. */
    public static boolean parentExists(String path) {
        Path parent = Path.of(path).toAbsolutePath().getParent();
        return parent == null || java.nio.file.Files.isDirectory(parent);
    }

    // pread and pwrite pass a caller's segment, so they have handles of their own (the other calls go through
    // Syscalls.syscall, see there), linked when their holder class is first used; they share it, since the second
    // handle of a signature costs under 1 ms (see Native on what linking costs).

    /** pread and pwrite: (fd, buffer, length, offset). */
    private static final class Positional {
        static final FunctionDescriptor SIGNATURE = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG,
                JAVA_LONG);
        static final MethodHandle PREAD = Native.errnoCall("pread", SIGNATURE);
        static final MethodHandle PWRITE = Native.errnoCall("pwrite", SIGNATURE);
    }
}
