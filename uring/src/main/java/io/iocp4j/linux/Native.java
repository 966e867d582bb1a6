package io.iocp4j.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The one place that links libc functions and reads errno. Every binding built on it returns {@code >= 0} on
 * success or {@code -errno}, the kernel's convention, so the layers above never see errno. Thread-safe.
 *
 * <p>errno is captured into a per-thread segment (a ThreadLocal: works for virtual threads, allocates only once per
 * thread), so calls allocate nothing.
 *
 * <p>Linking is what a program's first calls wait for (JDK 25, 2 vCPUs): about 130 ms for the first downcall in
 * the JVM (the linker's classes and generated code), then 10-20 ms for each further distinct FunctionDescriptor
 * and options (a second function of a signature already linked costs under 1 ms). So bindings link each handle in
 * a holder class of its own, on first use, and share signatures where the C function allows it.
 */
public final class Native {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    private Native() {
    }

    /** A downcall to libc's {@code name} whose first argument is the errno capture segment. */
    public static MethodHandle errnoCall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        all[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(options, 0, all, 1, options.length);
        return LINKER.downcallHandle(symbol(name), descriptor, all);
    }

    /** A downcall to libc's {@code name} that cannot fail (no errno). */
    public static MethodHandle call(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor);
    }

    private static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    /** The calling thread's capture segment, to pass as the first argument of an {@link #errnoCall} handle. */
    public static MemorySegment state() {
        return STATE.get();
    }

    /** {@code r} if the call succeeded, else {@code -errno} read from {@code state}. */
    public static int result(int r, MemorySegment state) {
        return r >= 0 ? r : -(int) ERRNO.get(state, 0L);
    }

    public static long result(long r, MemorySegment state) {
        return r >= 0 ? r : -(int) ERRNO.get(state, 0L);
    }

    /** A downcall threw: only possible for a linkage bug, never for a failing system call. */
    public static AssertionError unexpected(Throwable t) {
        return new AssertionError("native call failed unexpectedly", t);
    }
}
