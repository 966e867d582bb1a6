package io.iocp4j.uring;

import io.iocp4j.linux.Errno;

/** io_uring cannot be used here; the message names the cause and the remedy. */
public class IoUringUnavailableException extends RuntimeException {
    private final int errno;
    private final String remedy;

    public IoUringUnavailableException(int errno, String cause, String remedy) {
        super("io_uring is unavailable: " + cause + ". Remedy: " + remedy + ".");
        this.errno = errno;
        this.remedy = remedy;
    }

    /** The refusal of io_uring_setup with {@code errno}, explained. */
    static IoUringUnavailableException refused(int errno) {
        String sysctl = KernelInfo.ioUringDisabledSysctl();
        return switch (errno) {
            case Errno.ENOSYS -> new IoUringUnavailableException(errno,
                    "io_uring_setup failed with ENOSYS: this kernel (Linux " + KernelInfo.release()
                            + ") was built without io_uring (CONFIG_IO_URING) or a seccomp filter reports it missing",
                    "run on Linux 5.11 or later built with CONFIG_IO_URING=y, and allow io_uring_setup, "
                            + "io_uring_enter and io_uring_register in any seccomp profile");
            default -> new IoUringUnavailableException(errno,
                    "io_uring_setup was refused with " + Errno.name(errno) + ": a seccomp filter (Docker's and "
                            + "containerd's default profiles block io_uring) or the kernel.io_uring_disabled sysctl"
                            + (sysctl == null ? "" : " (now " + sysctl + ")") + " forbids it",
                    "allow io_uring_setup, io_uring_enter and io_uring_register in the container's seccomp profile "
                            + "(e.g. docker run --security-opt seccomp=<profile>), or set sysctl "
                            + "kernel.io_uring_disabled=0");
        };
    }

    public int errno() {
        return errno;
    }

    public String remedy() {
        return remedy;
    }
}
