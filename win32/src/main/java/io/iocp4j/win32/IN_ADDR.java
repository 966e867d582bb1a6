package io.iocp4j.win32;

/** {@code struct in_addr}: an IPv4 address, {@code s_addr} in network byte order. */
public final class IN_ADDR {
    public int s_addr;
}
