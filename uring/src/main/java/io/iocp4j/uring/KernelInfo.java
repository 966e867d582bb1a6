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

    /**
     * Whether the kernel is at least {@code major.minor}, for the few io_uring behaviours no feature bit announces;
     * false if the release does not parse.
     */
    public static boolean atLeast(int major, int minor) {
        String[] parts = release().split("[.-]", 3);
        try {
            int ma = Integer.parseInt(parts[0]);
            return ma > major || ma == major && parts.length > 1 && Integer.parseInt(parts[1]) >= minor;
        } catch (NumberFormatException e) {
            return false;
        }
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
