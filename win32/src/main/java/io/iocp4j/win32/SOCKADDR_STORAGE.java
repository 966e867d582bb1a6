package io.iocp4j.win32;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code SOCKADDR_STORAGE} (128 bytes): room for any address. It keeps the Windows bytes; C's casts
 * {@code (SOCKADDR_IN*)&ss} are {@link #asIn()} and {@link #asIn6()}.
 */
public final class SOCKADDR_STORAGE extends sockaddr {
    public static final int SIZE = 128;
    private final MemorySegment bytes = MemorySegment.ofArray(new byte[SIZE]);

    public short ss_family() {
        return family();
    }

    @Override
    public short family() {
        return bytes.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0);
    }

    @Override
    public int size() {
        return SIZE;
    }

    @Override
    void write(MemorySegment out) {
        MemorySegment.copy(bytes, 0, out, 0, Math.min(SIZE, out.byteSize()));
    }

    @Override
    void read(MemorySegment in) {
        bytes.fill((byte) 0);
        MemorySegment.copy(in, 0, bytes, 0, Math.min(SIZE, in.byteSize()));
    }

    /** The stored address as an IPv4 address (a copy). */
    public SOCKADDR_IN asIn() {
        SOCKADDR_IN in = new SOCKADDR_IN();
        in.read(bytes);
        return in;
    }

    /** The stored address as an IPv6 address (a copy). */
    public SOCKADDR_IN6 asIn6() {
        SOCKADDR_IN6 in6 = new SOCKADDR_IN6();
        in6.read(bytes);
        return in6;
    }

    /** Stores a copy of {@code address}. */
    public void set(sockaddr address) {
        bytes.fill((byte) 0);
        address.write(bytes);
    }

    @Override
    public String toString() {
        return switch (family()) {
            case WinSock2.AF_INET -> asIn().toString();
            case WinSock2.AF_INET6 -> asIn6().toString();
            default -> "SOCKADDR_STORAGE(family " + family() + ")";
        };
    }
}
