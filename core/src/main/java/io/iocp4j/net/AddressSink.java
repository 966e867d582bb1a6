package io.iocp4j.net;

import java.lang.foreign.MemorySegment;

/**
 * Where a receive writes the sender's address at completion (DGRAM-1): the facade converts the Linux sockaddr into
 * the caller's Windows-format structure. Called on the completing thread, before the status is published.
 */
@FunctionalInterface
public interface AddressSink {
    void received(MemorySegment linuxSockaddr, int length);
}
