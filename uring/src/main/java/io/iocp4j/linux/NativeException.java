package io.iocp4j.linux;

/** A system call failed on a cold path (setup, teardown); hot paths return -errno instead. */
public class NativeException extends RuntimeException {
    private final int errno;

    public NativeException(String syscall, int errno) {
        super(syscall + " failed: " + Errno.describe(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
