package io.iocp4j.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
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

    private static final ThreadLocal<MemorySegment> STAT = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(STAT_SIZE, 8));

    private Files() {
    }

    /** open(2); opening is a cold path, so the path string is converted per call. */
    public static int open(String path, int flags, int mode) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.state();
            return Native.result((int) Open.HANDLE.invokeExact(st, a.allocateFrom(path), flags, mode), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
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
        try {
            MemorySegment st = Native.state();
            return Native.result((int) Fstat.HANDLE.invokeExact(st, fd, buf), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static int ftruncate(int fd, long length) {
        try {
            MemorySegment st = Native.state();
            return Native.result((int) Ftruncate.HANDLE.invokeExact(st, fd, length), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static int fsync(int fd) {
        try {
            MemorySegment st = Native.state();
            return Native.result((int) Fsync.HANDLE.invokeExact(st, fd), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static int unlink(String path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.state();
            return Native.result((int) Unlink.HANDLE.invokeExact(st, a.allocateFrom(path)), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static long pread(int fd, MemorySegment buf, long len, long offset) {
        try {
            MemorySegment st = Native.state();
            return Native.result((long) Pread.HANDLE.invokeExact(st, fd, buf, len, offset), st);
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
        try {
            MemorySegment st = Native.state();
            return Native.result((long) Preadv2.HANDLE.invokeExact(st, fd, iov, 1, offset, RWF_NOWAIT), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static long pwrite(int fd, MemorySegment buf, long len, long offset) {
        try {
            MemorySegment st = Native.state();
            return Native.result((long) Pwrite.HANDLE.invokeExact(st, fd, buf, len, offset), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** posix_fadvise over the whole file; returns 0 or -errno (the call returns the error, it does not set errno). */
    public static int fadvise(int fd, int advice) {
        try {
            return -(int) Fadvise.HANDLE.invokeExact(fd, 0L, 0L, advice);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** Whether the directory a path would live in exists: tells ERROR_PATH_NOT_FOUND from ERROR_FILE_NOT_FOUND. */
    public static boolean parentExists(String path) {
        Path parent = Path.of(path).toAbsolutePath().getParent();
        return parent == null || java.nio.file.Files.isDirectory(parent);
    }

    // Each handle is linked when its holder class is first used (see Native on what linking costs).

    private static final class Open {
        static final MethodHandle HANDLE = Native.errnoCall("open",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    }

    private static final class Fstat {
        static final MethodHandle HANDLE = Native.errnoCall("fstat",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    private static final class Ftruncate {
        static final MethodHandle HANDLE = Native.errnoCall("ftruncate",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    }

    private static final class Fsync {
        static final MethodHandle HANDLE = Native.errnoCall("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private static final class Unlink {
        static final MethodHandle HANDLE = Native.errnoCall("unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    private static final class Pread {
        static final MethodHandle HANDLE = Native.errnoCall("pread",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    }

    private static final class Preadv2 {
        static final MethodHandle HANDLE = Native.errnoCall("preadv2",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    private static final class Fadvise {
        static final MethodHandle HANDLE = Native.call("posix_fadvise",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    }

    private static final class Pwrite {
        static final MethodHandle HANDLE = Native.errnoCall("pwrite",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    }
}
