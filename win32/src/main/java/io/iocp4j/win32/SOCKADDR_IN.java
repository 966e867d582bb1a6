package io.iocp4j.win32;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * <pre>
 * struct sockaddr_in { short sin_family; u_short sin_port; struct in_addr sin_addr; char sin_zero[8]; };  // 16 bytes
 * </pre>
 * {@code sin_port} and {@code sin_addr.s_addr} hold network byte order, as in C on x86.
 */
public final class SOCKADDR_IN extends sockaddr {
    public static final int SIZE = 16;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    public short sin_family = WinSock2.AF_INET;
    public short sin_port;
    public final IN_ADDR sin_addr = new IN_ADDR();

    @Override
    public short family() {
        return sin_family;
    }

    @Override
    public int size() {
        return SIZE;
    }

    @Override
    void write(MemorySegment out) {
        out.set(SHORT, 0, sin_family);
        out.set(SHORT, 2, sin_port);
        out.set(INT, 4, sin_addr.s_addr);
        out.asSlice(8, 8).fill((byte) 0);
    }

    @Override
    void read(MemorySegment in) {
        sin_family = in.get(SHORT, 0);
        sin_port = in.get(SHORT, 2);
        sin_addr.s_addr = in.get(INT, 4);
    }

    @Override
    public String toString() {
        return WinSock2.inet_ntop(WinSock2.AF_INET, sin_addr) + ":" + (WinSock2.ntohs(sin_port) & 0xFFFF);
    }
}
