package io.iocp4j.uring;

import io.iocp4j.linux.Syscalls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the running kernel, for messages and the probe report. */
public final class KernelInfo {
    private static final Path IO_URING_DISABLED = Path.of("/proc/sys/kernel/io_uring_disabled");

    private KernelInfo() {
    }

    /** The release, as {@code uname -r} prints it. */
    public static String release() {
        return Syscalls.kernelRelease();
    }

    /** The kernel.io_uring_disabled sysctl (0 allowed, 1 privileged only, 2 disabled), or null if absent. */
    public static String ioUringDisabledSysctl() {
        try {
            return Files.readString(IO_URING_DISABLED).trim();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
