package io.iocp4j.win32;

/** A signed 64-bit out-parameter ({@code PLARGE_INTEGER}). */
public final class LARGE_INTEGER {
    public long QuadPart;

    public LARGE_INTEGER() {
    }

    public LARGE_INTEGER(long quadPart) {
        this.QuadPart = quadPart;
    }
}
