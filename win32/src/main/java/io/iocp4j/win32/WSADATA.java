package io.iocp4j.win32;

/** What WSAStartup fills in. */
public final class WSADATA {
    public short wVersion;
    public short wHighVersion;
    public String szDescription;
    public String szSystemStatus;
}
