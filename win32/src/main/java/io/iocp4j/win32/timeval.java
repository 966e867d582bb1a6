package io.iocp4j.win32;

/** {@code struct timeval { long tv_sec; long tv_usec; };}: select's timeout; a NULL timeval waits forever. */
public final class timeval {
    public int tv_sec;
    public int tv_usec;

    public timeval() {
    }

    public timeval(int tv_sec, int tv_usec) {
        this.tv_sec = tv_sec;
        this.tv_usec = tv_usec;
    }
}
