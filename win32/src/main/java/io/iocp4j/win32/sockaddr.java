package io.iocp4j.win32;

import java.lang.foreign.MemorySegment;

/**
 * {@code struct sockaddr}: the base of the address structures, which hold their fields as C does (ports and IPv4
 * addresses in network byte order: set them with {@link WinSock2#htons}/{@link WinSock2#htonl}). Functions that take
 * a {@code const sockaddr*} read the object; functions that fill one write it.
 *
 * <p>Each subclass converts to and from the Windows wire layout (contract 17), which is what AcceptEx's output
 * buffer holds and what the Linux layout differs from only in the AF_INET6 value (LNX-14).
 */
public abstract class sockaddr {
    /** The Windows address family (AF_INET 2, AF_INET6 23, AF_UNIX 1). */
    public abstract short family();

    /** The size of the Windows structure: what {@code sizeof} gives in C. */
    public abstract int size();

    /** Writes the Windows layout at the start of {@code out} (which holds at least {@link #size()} bytes). */
    abstract void write(MemorySegment out);

    /** Reads the Windows layout from {@code in}. */
    abstract void read(MemorySegment in);
}
