package io.iocp4j.bench.file;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of the whole process: every thread, live or exited, user and kernel time. That includes the iocp4j ring
 * driver and, since Linux 5.12, io_uring's io-wq workers ({@code iou-wrk-*}), which are threads of the process that
 * owns the ring. It also includes the JVM's own threads (JIT, GC), which is why every measurement follows a
 * warm-up. clock_gettime(CLOCK_PROCESS_CPUTIME_ID) gives nanoseconds; /proc/self/stat gives the user/kernel split
 * (in clock ticks, 10 ms) that the table shows as the kernel share.
 */
final class ProcessCpuClock {
    private static final int CLOCK_PROCESS_CPUTIME_ID = 2;
    private static final MethodHandle CLOCK_GETTIME = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("clock_gettime").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MemorySegment TIMESPEC = Arena.global().allocate(16, 8);
    /** USER_HZ: 100 on every mainstream Linux build, what /proc reports ticks in. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private ProcessCpuClock() {
    }

    /** Process CPU time in nanoseconds. Not thread-safe (one shared timespec): call from the coordinating thread. */
    static long nanos() {
        try {
            int r = (int) CLOCK_GETTIME.invokeExact(CLOCK_PROCESS_CPUTIME_ID, TIMESPEC);
            if (r != 0) {
                throw new IllegalStateException("clock_gettime failed");
            }
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        return TIMESPEC.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + TIMESPEC.get(ValueLayout.JAVA_LONG, 8);
    }

    /** Kernel (system) CPU time of the process in nanoseconds, 10 ms resolution, from /proc/self/stat. */
    static long kernelNanos() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // Fields after the command name (which may hold spaces) start at field 3; stime is field 15.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[15 - 3]) * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
