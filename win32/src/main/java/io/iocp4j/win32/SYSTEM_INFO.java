package io.iocp4j.win32;

/** The parts of {@code SYSTEM_INFO} that I/O code reads. */
public final class SYSTEM_INFO {
    public int dwPageSize;
    public int dwNumberOfProcessors;
    public int dwAllocationGranularity;
}
