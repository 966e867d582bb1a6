package io.iocp4j.win32;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * <pre>
 * struct sockaddr_in6 { short sin6_family; u_short sin6_port; u_long sin6_flowinfo; struct in6_addr sin6_addr;
 *                       u_long sin6_scope_id; };  // 28 bytes
 * </pre>
 */
public final class SOCKADDR_IN6 extends sockaddr {
    public static final int SIZE = 28;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    public short sin6_family = WinSock2.AF_INET6;
    public short sin6_port;
    public int sin6_flowinfo;
    public final IN6_ADDR sin6_addr = new IN6_ADDR();
    public int sin6_scope_id;

    @Override
    public short family() {
        return sin6_family;
    }

    @Override
    public int size() {
        return SIZE;
    }

    @Override
    void write(MemorySegment out) {
        out.set(SHORT, 0, sin6_family);
        out.set(SHORT, 2, sin6_port);
        out.set(INT, 4, sin6_flowinfo);
        MemorySegment.copy(sin6_addr.u, 0, out, ValueLayout.JAVA_BYTE, 8, 16);
        out.set(INT, 24, sin6_scope_id);
    }

    @Override
    void read(MemorySegment in) {
        sin6_family = in.get(SHORT, 0);
        sin6_port = in.get(SHORT, 2);
        sin6_flowinfo = in.get(INT, 4);
        MemorySegment.copy(in, ValueLayout.JAVA_BYTE, 8, sin6_addr.u, 0, 16);
        sin6_scope_id = in.get(INT, 24);
    }

    @Override
    public String toString() {
        return "[" + WinSock2.inet_ntop(WinSock2.AF_INET6, sin6_addr) + "]:" + (WinSock2.ntohs(sin6_port) & 0xFFFF);
    }
}
