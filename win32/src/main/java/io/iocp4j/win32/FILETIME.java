package io.iocp4j.win32;

import java.time.Instant;

/** {@code FILETIME}: 100-nanosecond intervals since 1601-01-01 UTC, split in two DWORDs. */
public final class FILETIME {
    /** 1601-01-01 to 1970-01-01 in 100 ns units. */
    static final long EPOCH_DIFFERENCE = 116_444_736_000_000_000L;

    public int dwLowDateTime;
    public int dwHighDateTime;

    public FILETIME() {
    }

    /** The 64-bit value, as C code reads it through a ULARGE_INTEGER. */
    public long quadPart() {
        return (long) dwHighDateTime << 32 | (dwLowDateTime & 0xFFFF_FFFFL);
    }

    void set(long quadPart) {
        dwLowDateTime = (int) quadPart;
        dwHighDateTime = (int) (quadPart >>> 32);
    }

    static long of(Instant t) {
        return EPOCH_DIFFERENCE + t.getEpochSecond() * 10_000_000L + t.getNano() / 100;
    }

    static long now() {
        return of(Instant.now());
    }
}
