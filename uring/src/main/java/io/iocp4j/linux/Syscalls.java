package io.iocp4j.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The io_uring system calls, mmap, munmap, eventfd, close and uname (all through libc's variadic {@code syscall}),
 * read and write. Each returns {@code >= 0} or {@code -errno}. x86_64 numbers.
 */
public final class Syscalls {
    private static final long SYS_IO_URING_SETUP = 425;
    private static final long SYS_IO_URING_ENTER = 426;
    private static final long SYS_IO_URING_REGISTER = 427;
    private static final long SYS_WRITE = 1;
    private static final long SYS_CLOSE = 3;
    private static final long SYS_MMAP = 9;
    private static final long SYS_MUNMAP = 11;
    private static final long SYS_EVENTFD2 = 290;
    private static final long SYS_UNAME = 63;
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_POPULATE = 0x8000;
    public static final int EFD_CLOEXEC = 0x80000;
    /** What {@link #eventfdSignal} writes: never freed, never changed. */
    private static final MemorySegment EVENTFD_ONE = Arena.global().allocateFrom(JAVA_LONG, 1L);

    private Syscalls() {
    }

    public static int ioUringSetup(int entries, MemorySegment params) {
        return (int) syscall(SYS_IO_URING_SETUP, entries, params.address(), 0, 0, 0, 0);
    }

    /** io_uring_enter(2): never marked critical, since it may block waiting for completions. */
    public static int ioUringEnter(int fd, int toSubmit, int minComplete, int flags, long arg, long argSize) {
        return (int) syscall(SYS_IO_URING_ENTER, fd, toSubmit, minComplete, flags, arg, argSize);
    }

    public static int ioUringRegister(int fd, int opcode, MemorySegment arg, int nrArgs) {
        return (int) syscall(SYS_IO_URING_REGISTER, fd, opcode, arg.address(), nrArgs, 0, 0);
    }

    /** mmap(2) of a shared mapping of {@code fd}; the address, or -errno. */
    public static long mmap(long length, int prot, int flags, int fd, long offset) {
        return syscall(SYS_MMAP, 0, length, prot, flags, fd, offset);
    }

    public static int munmap(long address, long length) {
        return (int) syscall(SYS_MUNMAP, address, length, 0, 0, 0, 0);
    }

    /** eventfd(3), which is the eventfd2 system call. */
    public static int eventfd(int initial, int flags) {
        return (int) syscall(SYS_EVENTFD2, initial, flags, 0, 0, 0, 0);
    }

    /**
     * Adds 1 to an eventfd's counter, which wakes a reader (glibc's eventfd_write(fd, 1)): 8, or -errno. The value
     * is a constant of this class, so the call needs no segment of the caller's.
     */
    public static int eventfdSignal(int fd) {
        return (int) syscall(SYS_WRITE, fd, EVENTFD_ONE.address(), Long.BYTES, 0, 0, 0);
    }

    public static long write(int fd, MemorySegment buf, long len) {
        try {
            MemorySegment st = Native.state();
            return Native.result((long) ReadWrite.WRITE.invokeExact(st, fd, buf, len), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static long read(int fd, MemorySegment buf, long len) {
        try {
            MemorySegment st = Native.state();
            return Native.result((long) ReadWrite.READ.invokeExact(st, fd, buf, len), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static int close(int fd) {
        return (int) syscall(SYS_CLOSE, fd, 0, 0, 0, 0, 0);
    }

    /**
     * System call {@code number} through libc's syscall(3): its result, or -errno. The int arguments of the
     * callers widen to long, as the kernel's calling convention has them (it reads the low 32 bits of an int).
     * For calls that pass no memory, or only memory the calling method owns (a confined arena it closes after the
     * call, the thread's scratch area, a global constant), so that a raw address is safe; the io_uring calls, whose
     * kernel structures are plain addresses anyway, are the exception. A caller's buffer goes through a handle with
     * an ADDRESS parameter, which checks the segment and keeps its arena open during the call.
     */
    static long syscall(long number, long a, long b, long c, long d, long e, long f) {
        try {
            MemorySegment st = Native.state();
            return Native.result((long) Syscall.HANDLE.invokeExact(st, number, a, b, c, d, e, f), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** The kernel release string ("6.18.44-..."), from uname(2). */
    public static String kernelRelease() {
        // struct utsname: six fields of 65 bytes (sysname, nodename, release, version, machine, domainname).
        try (Arena a = Arena.ofConfined()) {
            MemorySegment u = a.allocate(65 * 6);
            int r = (int) syscall(SYS_UNAME, u.address(), 0, 0, 0, 0, 0);
            return r < 0 ? "unknown" : u.getString(65 * 2);
        }
    }

    // Each handle is linked when its holder class is first used (see Native on what linking costs).

    /**
     * syscall(long number, ...) with six arguments, for every call of this package that {@link #syscall} can make:
     * the variadic arguments are passed in registers and a system call reads only the ones it takes, so zeros for
     * the rest are harmless, and one signature is linked once instead of one per call (the first port needs
     * io_uring_setup, io_uring_register, mmap, munmap and close; the engine eventfd and its wake-up write; the first
     * socket socket(2); the first file open, fstat and preadv2). libc's wrappers of these calls add nothing but
     * errno, which syscall(3) sets the same way.
     */
    private static final class Syscall {
        static final MethodHandle HANDLE = Native.errnoCall("syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(1));
    }

    /** read and write: (fd, buffer, length); one signature, so one holder (see Native). */
    private static final class ReadWrite {
        static final FunctionDescriptor SIGNATURE = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
        static final MethodHandle READ = Native.errnoCall("read", SIGNATURE);
        static final MethodHandle WRITE = Native.errnoCall("write", SIGNATURE);
    }
}
