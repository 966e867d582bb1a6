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
 * The io_uring system calls (through libc's variadic {@code syscall}), mmap, eventfd and uname. Each returns
 * {@code >= 0} or {@code -errno}. x86_64 numbers.
 */
public final class Syscalls {
    private static final long SYS_IO_URING_SETUP = 425;
    private static final long SYS_IO_URING_ENTER = 426;
    private static final long SYS_IO_URING_REGISTER = 427;
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_POPULATE = 0x8000;
    public static final int EFD_CLOEXEC = 0x80000;
    private static final long MAP_FAILED = -1L;

    private Syscalls() {
    }

    public static int ioUringSetup(int entries, MemorySegment params) {
        try {
            MemorySegment st = Native.state();
            return (int) Native.result((long) Syscall.HANDLE.invokeExact(st, SYS_IO_URING_SETUP,
                    (long) entries, params.address(), 0L, 0L, 0L, 0L), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** io_uring_enter(2): never marked critical, since it may block waiting for completions. */
    public static int ioUringEnter(int fd, int toSubmit, int minComplete, int flags, long arg, long argSize) {
        try {
            MemorySegment st = Native.state();
            return (int) Native.result((long) Syscall.HANDLE.invokeExact(st, SYS_IO_URING_ENTER, (long) fd,
                    (long) toSubmit, (long) minComplete, (long) flags, arg, argSize), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static int ioUringRegister(int fd, int opcode, MemorySegment arg, int nrArgs) {
        try {
            MemorySegment st = Native.state();
            return (int) Native.result((long) Syscall.HANDLE.invokeExact(st, SYS_IO_URING_REGISTER,
                    (long) fd, (long) opcode, arg.address(), (long) nrArgs, 0L, 0L), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** mmap(2) of a shared mapping of {@code fd}; the address, or -errno. */
    public static long mmap(long length, int prot, int flags, int fd, long offset) {
        try {
            MemorySegment st = Native.state();
            long r = (long) Mmap.HANDLE.invokeExact(st, 0L, length, prot, flags, fd, offset);
            return r == MAP_FAILED ? Native.result(-1L, st) : r;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static int munmap(long address, long length) {
        try {
            MemorySegment st = Native.state();
            return Native.result((int) Munmap.HANDLE.invokeExact(st, address, length), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static int eventfd(int initial, int flags) {
        try {
            MemorySegment st = Native.state();
            return Native.result((int) Eventfd.HANDLE.invokeExact(st, initial, flags), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static long write(int fd, MemorySegment buf, long len) {
        try {
            MemorySegment st = Native.state();
            return Native.result((long) Write.HANDLE.invokeExact(st, fd, buf, len), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static long read(int fd, MemorySegment buf, long len) {
        try {
            MemorySegment st = Native.state();
            return Native.result((long) Read.HANDLE.invokeExact(st, fd, buf, len), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    public static int close(int fd) {
        try {
            MemorySegment st = Native.state();
            return Native.result((int) Close.HANDLE.invokeExact(st, fd), st);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** The kernel release string ("6.18.44-..."), from uname(2). */
    public static String kernelRelease() {
        // struct utsname: six fields of 65 bytes (sysname, nodename, release, version, machine, domainname).
        try (Arena a = Arena.ofConfined()) {
            MemorySegment u = a.allocate(65 * 6);
            MemorySegment st = Native.state();
            int r = Native.result((int) Uname.HANDLE.invokeExact(st, u), st);
            return r < 0 ? "unknown" : u.getString(65 * 2);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    // Each handle is linked when its holder class is first used (see Native on what linking costs).

    /**
     * syscall(long number, ...) with six arguments, for all three io_uring calls: the variadic arguments are passed
     * in registers and a system call reads only the ones it takes, so zeros for the rest are harmless, and one
     * signature is linked once instead of three.
     */
    private static final class Syscall {
        static final MethodHandle HANDLE = Native.errnoCall("syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(1));
    }

    private static final class Mmap {
        static final MethodHandle HANDLE = Native.errnoCall("mmap",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    }

    private static final class Munmap {
        static final MethodHandle HANDLE = Native.errnoCall("munmap",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    private static final class Eventfd {
        static final MethodHandle HANDLE = Native.errnoCall("eventfd",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private static final class Write {
        static final MethodHandle HANDLE = Native.errnoCall("write",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }

    private static final class Read {
        static final MethodHandle HANDLE = Native.errnoCall("read",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }

    private static final class Close {
        static final MethodHandle HANDLE = Native.errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private static final class Uname {
        static final MethodHandle HANDLE = Native.errnoCall("uname", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }
}
