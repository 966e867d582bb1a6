package io.iocp4j.win32;

/** An out-parameter of type {@code sockaddr**}: GetAcceptExSockaddrs stores the decoded address here. */
public final class SockaddrByReference {
    public sockaddr value;
}
