package io.iocp4j.win32;

/** {@code struct in6_addr}: 16 bytes in network order. */
public final class IN6_ADDR {
    public final byte[] u = new byte[16];
}
